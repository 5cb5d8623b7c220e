/**
 * The runbook's procedures as target-agnostic workflows. Each is written against a capability
 * interface (ReleaseTarget here); the local and Kubernetes targets implement them.
 */
export type { DeploySpec, OnProgress, ReleaseTarget, Verification } from './release-target.js';
export * from './releases/index.js';
export * from './upgrade/index.js';
export * from './rollback/index.js';
export * from './scale/index.js';
