/**
 * The runbook's disaster recovery, target-agnostic: backup (catalog snapshot, every object, the
 * config and secrets, a manifest with a SHA-256 per file, verified before it is called good) and
 * restore (verified first, into a stopped or wiped platform, checked table by table after).
 */
export {
  missingReferences,
  runBackup,
  type BackupOptions,
  type BackupPlan,
  type BackupResult,
} from './backup.js';
export {
  runRestore,
  type RestoreOptions,
  type RestoreResult,
  type RestoredTable,
} from './restore.js';
export { encryptSecret, decryptSecret, DecryptError } from './crypto.js';
export { checkBackupDir, hashFile, scanFiles, walkFiles, type BackupCheck } from './files.js';
export {
  BACKUP_PATHS,
  MANIFEST_FILE,
  buildManifest,
  objectKeyOf,
  objectPath,
  parseManifest,
  verifyManifest,
  type BackupManifest,
  type FileEntry,
  type ManifestProblem,
} from './manifest.js';
export { pruneBackups } from './prune.js';
export { backupName, parseBackupName, selectExpiredBackups } from './retention.js';
export type {
  BackupTarget,
  ObjectCopy,
  OnTransfer,
  PlatformIdentity,
  TableCheck,
  TransferProgress,
} from './target.js';
