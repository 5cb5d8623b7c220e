export { KubernetesReleaseTarget, type KubernetesTargetOptions } from './target.js';
export { RELEASES_CONFIGMAP, ReleaseStore } from './store.js';
export { probeService, serviceProbes, type ServiceProbe } from './verify.js';
