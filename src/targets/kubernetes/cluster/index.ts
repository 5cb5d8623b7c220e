export {
  connectCluster,
  errorText,
  reachable,
  statusOf,
  type ClusterConnection,
  type ClusterOptions,
} from './connect.js';
export { execTool, ToolMissingError, type ExecOptions, type ExecResult } from './exec.js';
export {
  daemonSetRollout,
  deploymentRollout,
  statefulSetRollout,
  type WorkloadRollout,
} from './rollout.js';
export {
  instanceSelector,
  releaseRollouts,
  releaseWorkloads,
  type ReleaseWorkload,
} from './workloads.js';
export { Helm, HelmError, type HelmRevision } from './helm.js';
export {
  acquireOperationLease,
  leaseHeld,
  withOperationLease,
  OPERATION_LEASE,
  type HeldLease,
} from './lease.js';
export {
  execInPod,
  portForward,
  type PodExecOptions,
  type PodExecResult,
  type PortForward,
  type StreamTarget,
} from './pod-stream.js';
