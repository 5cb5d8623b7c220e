export { findFreePort, isPortInUse, waitFor } from './net.js';
