/** `lakehouse scale trino --workers N`. */
export { checkWorkerCount, runScale, type ScaleOptions, type ScaleResult } from './scale.js';
