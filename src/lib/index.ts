export { findFreePort, isPortInUse, isUdpPortInUse, waitFor } from './net.js';
export { parseJson, stringifyJson } from './json.js';
export { KeyedLock } from './keyed-lock.js';
export type { Progress, Step } from './progress.js';
export { formatSize } from './size.js';
export { UserError } from './errors.js';
