/**
 * The runbook's procedures as target-agnostic workflows. Each is written against a capability
 * interface (`Target` is all of them); the local and Kubernetes targets implement them. Releases,
 * upgrade, rollback and scale are exported here; backup/restore, cleanup, diagnose and alerts
 * through their own folders' index files.
 */
export type { Target, BackupTarget, DiagnoseTarget } from './target.js';
export { DeployNotStartedError } from './release-target.js';
export type { DeploySpec, OnProgress, ReleaseTarget, Verification } from './release-target.js';
export * from './releases/index.js';
export * from './upgrade/index.js';
export * from './rollback/index.js';
export * from './scale/index.js';
export * from './secrets/index.js';
