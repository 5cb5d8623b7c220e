export { KubernetesReleaseTarget, type KubernetesTargetOptions } from './target.js';
export { RELEASES_CONFIGMAP, ReleaseStore } from './store.js';
export { probeService, serviceProbes, type ServiceProbe } from './verify.js';
export { manifestDiff, maskSecrets } from './diff.js';
export { kubernetesStatus, podStatus, type ComponentStatus, type PodStatus } from './status.js';
