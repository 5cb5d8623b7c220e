import type { BackupTarget } from './backup/target.js';
import type { DiagnoseTarget } from './diagnose/target.js';
import type { ReleaseTarget } from './release-target.js';
import type { SecretsTarget } from './secrets/target.js';

/**
 * Everything the runbook's procedures need from where the platform runs (DESIGN.md: install a
 * release, health, history, rollback, scale, logs, backup, restore, pause and resume). Each
 * procedure asks only for its own capability, so a target can be built up area by area; the
 * local target implements them all (src/targets/local/{releases,backup,diagnose}), the
 * Kubernetes target will implement the same.
 */
export type Target = ReleaseTarget & BackupTarget & DiagnoseTarget & SecretsTarget;
export type { BackupTarget, DiagnoseTarget, ReleaseTarget, SecretsTarget };
