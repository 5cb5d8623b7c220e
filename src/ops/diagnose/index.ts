/**
 * `diagnose`: the runbook's troubleshooting tables and decision tree as pure rules over evidence a
 * target gathers (`DiagnoseTarget`).
 */
export type {
  ApplicationEvidence,
  ClaimEvidence,
  ClusterEvidence,
  ContainerEvidence,
  DiskEvidence,
  EventEvidence,
  Evidence,
  FailedQuery,
  HeapEvidence,
  InstallEvidence,
  InstallFailure,
  PodEvidence,
  PortEvidence,
  ProbeResult,
  Probes,
  ProcessEvidence,
  ResourceAmounts,
  ServiceEvidence,
} from './evidence.js';
export {
  diagnoseExitCode,
  evaluateRules,
  EVIDENCE_LOG_LINES,
  MINIO_MIN_FREE_FRACTION,
  STATE_DIR_CRITICAL_FREE_BYTES,
  STATE_DIR_WARNING_FREE_BYTES,
  TRINO_MEMORY_ERROR_CODES,
  type Finding,
  type Severity,
} from './rules.js';
export {
  CONTAINER_CONFIG_REASONS,
  IMAGE_PULL_REASONS,
  imageTag,
  POD_START_GRACE_MS,
} from './kubernetes-rules.js';
export type { DiagnoseTarget } from './target.js';
export { runDiagnose, type DiagnoseResult } from './run.js';
export { renderFindings } from './render.js';
