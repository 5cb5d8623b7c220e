/** Backup and restore on a Kubernetes cluster: the Kubernetes implementation of `BackupTarget`. */
export { KubernetesBackupTarget, type KubernetesBackupTargetOptions } from './target.js';
export { exportSecrets, parseSecrets, PLATFORM_SECRETS } from './secrets.js';
