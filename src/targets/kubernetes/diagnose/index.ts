/**
 * The Kubernetes target's side of `diagnose`: evidence from the platform's namespace (pods,
 * claims, Services and their EndpointSlices, Warning events) and from ArgoCD's Applications,
 * judged by the rules of src/ops/diagnose like the local target's.
 */
export {
  KubernetesDiagnoseTarget,
  LOG_TAIL_LINES,
  LOG_TIMEOUT_MS,
  MAX_LOGS,
  type KubernetesDiagnoseOptions,
} from './collect.js';
export {
  applicationEvidence,
  claimEvidence,
  eventEvidence,
  INSTANCE_LABEL,
  podEvidence,
  ROLE_LABEL,
  serviceEvidence,
} from './observe.js';
export { imageTagKeyOf, resourcesKeyOf } from './values-keys.js';
