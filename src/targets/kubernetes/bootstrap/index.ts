export {
  applyObjects,
  bootstrap,
  hasInfrastructure,
  type BootstrapOptions,
  type BootstrapResult,
} from './bootstrap.js';
export {
  planKubernetesCleanup,
  runKubernetesCleanup,
  type KubernetesCleanupPlan,
} from './cleanup.js';
export {
  APPLICATION_HEALTH_KEY,
  APPLICATION_HEALTH_LUA,
  ARGOCD_NAMESPACE,
  ROOT_APPLICATION,
  ROOT_PROJECT,
  rootManifests,
} from './manifests.js';
export {
  BOOTSTRAP_PERMISSIONS,
  checkPrerequisites,
  judgeVersion,
  type Prerequisite,
} from './prerequisites.js';
