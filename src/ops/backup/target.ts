import type { Progress } from '../../lib/index.js';

/**
 * What backup and restore need from a platform, whatever runs it: the local target implements
 * it over processes and files (src/targets/local/backup/), the Kubernetes target over the API,
 * `kubectl exec` and port-forwards (src/targets/kubernetes/backup/). The workflows in this folder
 * talk only to this interface.
 */

/** Where a backup comes from, or what a restore goes into. */
export interface PlatformIdentity {
  env: string;
  /** `local` or `kubernetes`. */
  target: string;
  /** The warehouse bucket, whose every object a backup holds. */
  bucket: string;
  /** The catalog's warehouse location (tables' metadata locations start with it). */
  warehouse: string;
  catalogDatabase: 'sqlite' | 'postgres';
  /** Component versions in effect, recorded in the manifest. */
  versions: Record<string, string>;
}

/** One object as written to or read from a backup: key, size and SHA-256 computed while streaming. */
export interface ObjectCopy {
  key: string;
  size: number;
  sha256: string;
}

export interface TransferProgress {
  objects: number;
  bytes: number;
  /** Known when exporting after the listing, or when importing. */
  totalObjects?: number;
  totalBytes?: number;
}

export type OnTransfer = (progress: TransferProgress) => void;

/** A table of the catalog (live or in a snapshot), with the files it needs to load and read. */
export interface TableCheck {
  namespace: string[];
  name: string;
  metadataLocation: string;
  /** The current metadata file and every live snapshot's manifest list. */
  requiredFiles: string[];
}

export interface BackupTarget {
  identity(): Promise<PlatformIdentity>;
  /**
   * What runs now and stands in the way of a restore (empty when it is stopped). A target that
   * restores into a running platform in place (Kubernetes) returns none, and throws when there
   * is nothing to restore into.
   */
  running(): Promise<string[]>;
  /** Whether object storage answers; a backup reads every object through it. */
  storageReachable(): Promise<boolean>;

  // --- backup ---------------------------------------------------------------------------------
  /** A consistent snapshot of the catalog database, written to `toFile`, taken while it runs. */
  snapshotCatalog(toFile: string): Promise<{ format: 'sqlite' }>;
  /**
   * A consistent snapshot of the workflow scheduler's database (Airflow's runs, connections,
   * variables) written to `toFile`: `true`, or why none was taken (e.g. Airflow never ran).
   */
  snapshotWorkflows(toFile: string): Promise<true | string>;
  /**
   * The tables of a catalog snapshot (written by snapshotCatalog) and the files each needs, so
   * the backup can prove it holds them. Reads the snapshot without changing it.
   */
  tablesInSnapshot(snapshotFile: string): Promise<TableCheck[]>;
  /** Count and size of the bucket's objects (for a dry run's plan). */
  measureObjects(): Promise<{ count: number; bytes: number }>;
  /** Every object of the bucket written under `toDir` by key, hashed while streaming. */
  exportObjects(toDir: string, onProgress: OnTransfer): Promise<ObjectCopy[]>;
  /**
   * The configuration in effect written under `toDir` (the loaded values rendered as YAML, the
   * release history if any); returns the paths written, relative to `toDir`.
   */
  exportConfig(toDir: string): Promise<string[]>;
  /** The installation's generated credentials (the bytes of its credentials file). */
  readSecrets(): Promise<Buffer>;

  // --- restore --------------------------------------------------------------------------------
  /** What platform data exists now (e.g. "object storage data", "catalog database"); empty if none. */
  existingData(): Promise<string[]>;
  /** Deletes the platform data `existingData` lists (only after the user agreed). */
  clearData(): Promise<void>;
  restoreSecrets(content: Buffer): Promise<void>;
  /** Puts the backup's configuration (written by exportConfig) back; returns what it restored. */
  restoreConfig(fromDir: string, paths: readonly string[]): Promise<string[]>;
  restoreCatalog(fromFile: string, format: 'sqlite'): Promise<void>;
  /** Puts a snapshot written by snapshotWorkflows back. */
  restoreWorkflows(fromFile: string): Promise<void>;
  /** Starts object storage alone, so objects go back before anything serves the catalog. */
  startStorage(progress: Progress): Promise<void>;
  /** Writes every object back from `fromDir` (keys as listed). */
  importObjects(
    fromDir: string,
    objects: readonly ObjectCopy[],
    onProgress: OnTransfer,
  ): Promise<void>;
  /** Starts the whole platform and waits until it is healthy. */
  startAll(progress: Progress): Promise<void>;
  /** Every table in every namespace of the catalog, loaded through the catalog's API. */
  listTables(): Promise<TableCheck[]>;
  /**
   * The table's row count through the query engine (a full read of its current snapshot), or
   * undefined when no query engine runs or it cannot address the table.
   */
  countRows(table: TableCheck): Promise<number | undefined>;
  /** Whether a file (an s3:// location in the bucket) exists in storage. */
  fileExists(location: string): Promise<boolean>;
}
