export { findFreePort, isPortInUse, waitFor } from './net.js';
export { parseJson, stringifyJson } from './json.js';
