import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import { UserError, type Progress } from '../../../lib/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import type {
  BackupTarget,
  ObjectCopy,
  OnTransfer,
  PlatformIdentity,
  TableCheck,
} from '../../../ops/backup/index.js';
import { walkFiles } from '../../../ops/backup/index.js';
import { airflowPaths } from '../airflow/index.js';
import { catalogDatabaseUrl, platformLayout, upLocal } from '../platform/index.js';
import { secretsFile, type PlatformSecrets } from '../secrets.js';
import {
  SupervisorClient,
  SupervisorUnavailableError,
  supervisorPaths,
} from '../supervisor/index.js';

import {
  catalogDatabaseOf,
  importPostgresCatalog,
  postgresCatalogHasData,
  redactUrl,
  restoreSqlite,
  snapshotCatalogDatabase,
  snapshotSqlite,
} from '../../../catalog/store/index.js';
import {
  countTableRows,
  exportBucket,
  importBucket,
  loadAllTables,
  measureBucket,
  platformIdentity,
  s3LocationExists,
  tablesInSnapshot,
} from '../../../platform/backup/index.js';
import { localMinioClient } from '../../../platform/minio/index.js';

export interface LocalBackupTargetOptions {
  stateDir: string;
  env: string;
  valuesFiles: string[];
  values: LakehouseValues;
}

const VALUES_FILE = 'values.yaml';
const RELEASES_DIR = 'releases';

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function nonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

/**
 * Backup and restore on this machine: the supervisor says what runs, the catalog's SQLite file
 * is snapshotted with SQLite's backup API, objects go through MinIO's S3 API, the platform is
 * started with `upLocal` (the same code as `lakehouse up`).
 */
export class LocalBackupTarget implements BackupTarget {
  private s3Client: S3Client | undefined;
  private readonly layout;

  constructor(private readonly opts: LocalBackupTargetOptions) {
    this.layout = platformLayout(opts.stateDir);
  }

  private get values(): LakehouseValues {
    return this.opts.values;
  }

  private async s3(): Promise<S3Client> {
    if (this.s3Client) return this.s3Client;
    const file = secretsFile(this.opts.stateDir);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new UserError(
        `${file} is missing: without the installation's credentials MinIO cannot be read`,
        'restore it from a backup (lakehouse restore), or start a new platform with lakehouse up',
      );
    }
    this.s3Client = localMinioClient(
      this.values.minio.ports.api,
      (JSON.parse(text) as PlatformSecrets).minio,
      { maxAttempts: 5 },
    );
    return this.s3Client;
  }

  private catalogDb() {
    return catalogDatabaseOf(catalogDatabaseUrl(this.values, this.layout));
  }

  identity(): Promise<PlatformIdentity> {
    return platformIdentity(this.opts.env, 'local', this.values);
  }

  async running(): Promise<string[]> {
    try {
      const statuses = await SupervisorClient.forStateDir(this.opts.stateDir).status();
      return statuses.filter((s) => s.pid !== null).map((s) => s.name);
    } catch (err) {
      if (err instanceof SupervisorUnavailableError) return [];
      throw err;
    }
  }

  async storageReachable(): Promise<boolean> {
    const url = `http://127.0.0.1:${this.values.minio.ports.api}/minio/health/live`;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async snapshotCatalog(toFile: string): Promise<{ format: 'sqlite' }> {
    // PostgreSQL's rows are copied into a SQLite catalog database of the same schema.
    await snapshotCatalogDatabase(catalogDatabaseUrl(this.values, this.layout), toFile);
    return { format: 'sqlite' };
  }

  async snapshotWorkflows(toFile: string): Promise<true | string> {
    const db = airflowPaths(this.opts.stateDir).database;
    if (!(await exists(db))) return 'Airflow has not run on this platform';
    await snapshotSqlite(db, toFile);
    return true;
  }

  tablesInSnapshot(snapshotFile: string): Promise<TableCheck[]> {
    return tablesInSnapshot(snapshotFile);
  }

  async measureObjects(): Promise<{ count: number; bytes: number }> {
    return measureBucket(await this.s3(), this.values.minio.bucket);
  }

  async exportObjects(toDir: string, onProgress: OnTransfer): Promise<ObjectCopy[]> {
    await mkdir(toDir, { recursive: true });
    return exportBucket(await this.s3(), this.values.minio.bucket, toDir, onProgress);
  }

  async exportConfig(toDir: string): Promise<string[]> {
    const files = this.opts.valuesFiles.length ? ` -f ${this.opts.valuesFiles.join(' -f ')}` : '';
    const header = [
      `# The values in effect when this backup was taken: environment "${this.opts.env}"`,
      `# (env/${this.opts.env}/helm-values.yaml${files}), every default filled in.`,
      '# For reference: restore uses the values it is given (--env, -f), e.g. for ports; the',
      '# bucket, warehouse and catalog database kind must match these.',
      '',
    ].join('\n');
    await writeFile(join(toDir, VALUES_FILE), `${header}${stringify(this.values)}`, {
      mode: 0o600,
    });
    const written = [VALUES_FILE];
    const releases = join(this.opts.stateDir, RELEASES_DIR);
    if (await nonEmptyDir(releases)) {
      await cp(releases, join(toDir, RELEASES_DIR), { recursive: true });
      for (const p of await walkFiles(join(toDir, RELEASES_DIR)))
        written.push(`${RELEASES_DIR}/${p}`);
    }
    return written;
  }

  async readSecrets(): Promise<Buffer> {
    const file = secretsFile(this.opts.stateDir);
    try {
      return await readFile(file);
    } catch {
      throw new UserError(
        `${file} is missing`,
        'the platform was never started here (lakehouse up)',
      );
    }
  }

  /** Platform data under the state directory; installs, logs and Trino's scratch are not data. */
  private dataPaths(): { what: string; path: string; dir: boolean }[] {
    const s = this.opts.stateDir;
    const db = this.catalogDb();
    return [
      { what: 'object storage data', path: this.layout.minioData, dir: true },
      // A PostgreSQL catalog is not under the state directory: restore replaces its rows.
      ...(db.kind === 'sqlite' ? [{ what: 'catalog database', path: db.path, dir: false }] : []),
      { what: 'credentials', path: secretsFile(s), dir: false },
      { what: 'Airflow database', path: airflowPaths(s).home, dir: true },
      { what: 'release history', path: join(s, RELEASES_DIR), dir: true },
    ];
  }

  async existingData(): Promise<string[]> {
    const out: string[] = [];
    for (const d of this.dataPaths()) {
      if (d.dir ? await nonEmptyDir(d.path) : await exists(d.path)) out.push(d.what);
    }
    const db = this.catalogDb();
    if (db.kind === 'postgres' && (await postgresCatalogHasData(db.url))) {
      out.push(`catalog database (PostgreSQL ${redactUrl(db.url)})`);
    }
    return out;
  }

  async clearData(): Promise<void> {
    for (const d of this.dataPaths()) {
      await rm(d.path, { recursive: true, force: true });
      if (!d.dir) for (const sfx of ['-wal', '-shm']) await rm(`${d.path}${sfx}`, { force: true });
    }
    // Derived from the credentials; `up` writes it again from the restored ones.
    await rm(airflowPaths(this.opts.stateDir).adminCredentials, { force: true });
    this.s3Client?.destroy();
    this.s3Client = undefined;
  }

  async restoreSecrets(content: Buffer): Promise<void> {
    const file = secretsFile(this.opts.stateDir);
    const dir = join(this.opts.stateDir, 'secrets');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, file);
    this.s3Client?.destroy();
    this.s3Client = undefined;
  }

  async restoreConfig(fromDir: string, paths: readonly string[]): Promise<string[]> {
    const restored: string[] = [];
    if (paths.some((p) => p.startsWith(`${RELEASES_DIR}/`))) {
      const target = join(this.opts.stateDir, RELEASES_DIR);
      await rm(target, { recursive: true, force: true });
      await cp(join(fromDir, RELEASES_DIR), target, { recursive: true });
      restored.push('release history');
    }
    return restored;
  }

  async restoreCatalog(fromFile: string): Promise<void> {
    const db = this.catalogDb();
    if (db.kind === 'postgres') await importPostgresCatalog(fromFile, db.url);
    else await restoreSqlite(fromFile, db.path);
  }

  async restoreWorkflows(fromFile: string): Promise<void> {
    // Airflow runs SQLite in its default journal mode; `up` points trino_default at this
    // platform's Trino again.
    await restoreSqlite(fromFile, airflowPaths(this.opts.stateDir).database, 'delete');
  }

  async startStorage(progress: Progress): Promise<void> {
    // A starting supervisor first runs what desired.json from before the restore lists (the
    // catalog, Trino…); the platform is stopped (checked), so start it from nothing instead.
    await rm(supervisorPaths(this.opts.stateDir).desired, { force: true });
    // `up` with every component but MinIO switched off: storage alone, before the catalog serves.
    const dir = await mkdtemp(join(tmpdir(), 'lakehouse-restore-'));
    const overlay = join(dir, 'storage-only.yaml');
    await writeFile(
      overlay,
      stringify({
        icebergCatalog: { enabled: false },
        trino: { enabled: false },
        airflow: { enabled: false },
        observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } },
      }),
    );
    try {
      await upLocal({
        env: this.opts.env,
        valuesFiles: [...this.opts.valuesFiles, overlay],
        stateDir: this.opts.stateDir,
        progress,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async importObjects(
    fromDir: string,
    objects: readonly ObjectCopy[],
    onProgress: OnTransfer,
  ): Promise<void> {
    await importBucket(await this.s3(), this.values.minio.bucket, fromDir, objects, onProgress);
  }

  async startAll(progress: Progress): Promise<void> {
    await upLocal({
      env: this.opts.env,
      valuesFiles: this.opts.valuesFiles,
      stateDir: this.opts.stateDir,
      progress,
    });
  }

  async listTables(): Promise<TableCheck[]> {
    return loadAllTables(`http://127.0.0.1:${this.values.icebergCatalog.port}`);
  }

  async countRows(table: TableCheck): Promise<number | undefined> {
    if (!this.values.trino.enabled) return undefined;
    return countTableRows(`http://127.0.0.1:${this.values.trino.coordinator.port}`, table);
  }

  async fileExists(location: string): Promise<boolean> {
    if (location.startsWith('file:')) return exists(fileURLToPath(location));
    return (await s3LocationExists(await this.s3(), location)) ?? false;
  }

  close(): void {
    this.s3Client?.destroy();
    this.s3Client = undefined;
  }
}
