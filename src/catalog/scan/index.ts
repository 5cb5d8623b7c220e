/**
 * Server-side scan planning: filters (parse, bind), partition projection, manifest and metrics
 * pruning, delete-file matching, and the service behind the four REST scan-planning operations.
 */
export {
  ScanService,
  DEFAULT_SCAN_OPTIONS,
  scanOptionsFromEnv,
  type ScanOptions,
} from './service.js';
export {
  ExpressionError,
  bind,
  bindFilter,
  indexSchema,
  parseExpression,
  rewriteNot,
  type Bound,
  type Column,
  type SchemaIndex,
  type Unbound,
} from './expression.js';
export {
  metricsMayMatch,
  partitionMatches,
  summariesMayMatch,
  type FieldSummary,
  type FileStats,
} from './evaluators.js';
export {
  applyTransform,
  bindSpec,
  murmur3,
  parseTransform,
  projectInclusive,
  type BoundSpec,
  type Transform,
} from './transforms.js';
export { planFiles, prepareScan, readManifests, type Plan, type ScanRequest } from './planner.js';
export { scanTasksJson, contentFileJson } from './serialize.js';
export { decodeBinary, literalFromJson, parseType, toJsonValue, type Value } from './values.js';
