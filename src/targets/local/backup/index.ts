/** Backup and restore on this machine: the local implementation of `BackupTarget`. */
export { LocalBackupTarget, type LocalBackupTargetOptions } from './target.js';
export { defaultBackupsDir } from './paths.js';
