/** Credential rotation on a Kubernetes cluster: the charts' Secrets, rotated in place. */
export { KubernetesSecrets, type KubernetesSecretsOptions } from './secrets.js';
export { KubernetesRotationTarget } from './rotation-target.js';
export { AIRFLOW_SECRET, MINIO_SECRET } from './credentials.js';
