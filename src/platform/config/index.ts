/**
 * The typed configuration of an environment (`env/<env>/helm-values.yaml`): its schema, loading
 * and merging, the ports it configures, and the preflight planner of `lakehouse check`.
 */
export { ConfigError, formatProblems, type ConfigProblem } from './errors.js';
export {
  LOCAL_MAX_TRINO_WORKERS,
  loadValues,
  parseValues,
  valuesFilePath,
  type LoadValuesOptions,
  type ValuesSource,
} from './load.js';
export { mergeValues, type MergeSource, type Merged, type ValueMap } from './merge.js';
export { configuredPorts, nodeExporterRuns, statsdExporterRuns, type PortUse } from './ports.js';
export { valuesSchema, type LakehouseValues, type LakehouseValuesInput } from './schema.js';
export {
  compareVersions,
  formatBytes,
  heapBytes,
  javaMajorForTrino,
  MIN_DISK_BYTES,
  MIN_MEMORY_BYTES,
  parseToolVersion,
  planChecks,
  renderCheckLines,
  type CheckFacts,
  type CheckLine,
  type ToolFact,
  type ToolName,
} from './preflight.js';
export { durationSeconds } from './duration.js';
