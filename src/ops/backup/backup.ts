import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSize, type Progress, UserError } from '../../lib/index.js';
import { encryptSecret } from './crypto.js';
import { checkBackupDir, hashFile } from './files.js';
import {
  BACKUP_PATHS,
  MANIFEST_FILE,
  buildManifest,
  objectPath,
  type BackupManifest,
  type FileEntry,
} from './manifest.js';
import type { BackupTarget, TableCheck, TransferProgress } from './target.js';

export interface BackupOptions {
  /** The backup directory: created, or an existing empty one. */
  dir: string;
  /** Encrypts the secrets when given; otherwise they are kept with mode 0600. */
  passphrase?: string;
  dryRun: boolean;
  progress: Progress;
  now?: Date;
}

export interface BackupPlan {
  dir: string;
  catalogDatabase: string;
  objects: { count: number; bytes: number };
  secrets: 'encrypted' | 'plain, mode 0600';
}

export interface BackupResult {
  dir: string;
  dryRun: boolean;
  plan: BackupPlan;
  /** Set when the backup was written and every checksum re-read and matched. */
  verified?: { files: number; bytes: number };
  manifest?: BackupManifest;
}

const SECRETS_PLAIN = `${BACKUP_PATHS.secrets}/credentials.json`;
const SECRETS_ENCRYPTED = `${BACKUP_PATHS.secrets}/credentials.json.enc`;
const CATALOG_SQLITE = `${BACKUP_PATHS.catalog}/catalog.db`;
const WORKFLOWS_SQLITE = `${BACKUP_PATHS.workflows}/airflow.db`;

function transferDetail(p: TransferProgress): string {
  const total = p.totalObjects === undefined ? '' : ` of ${p.totalObjects}`;
  return `${p.objects}${total} objects, ${formatSize(p.bytes)}`;
}

/**
 * Files the snapshot's tables need that the copy lacks, as `<table>: <location>`. Only files in
 * the platform's bucket can be checked; a location elsewhere is reported too (it is not backed up).
 */
export function missingReferences(
  tables: readonly TableCheck[],
  bucket: string,
  copied: ReadonlySet<string>,
): string[] {
  const missing: string[] = [];
  for (const t of tables) {
    for (const file of t.requiredFiles) {
      const m = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(file);
      if (m && m[1] === bucket && copied.has(m[2] as string)) continue;
      missing.push(`${[...t.namespace, t.name].join('.')}: ${file}`);
    }
  }
  return missing;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/**
 * The runbook's backup: the catalog database as a consistent snapshot, then every object of the
 * warehouse bucket, the configuration in effect and the secrets, then a manifest with a SHA-256
 * per file. The catalog goes first: Iceberg files are written before the commit that references
 * them and never changed, so every file the snapshot's tables reference is in the bucket when
 * the objects are copied after it (objects committed later are harmless extras). The backup is
 * called good only after every file was read back and matched its checksum.
 */
export async function runBackup(target: BackupTarget, opts: BackupOptions): Promise<BackupResult> {
  const { dir, progress } = opts;
  const identity = await target.identity();
  if (!(await target.storageReachable())) {
    throw new UserError(
      `object storage (MinIO) of environment "${identity.env}" is not running: a backup reads every object through it`,
      'start the platform with `lakehouse up` (the catalog database and config could be copied while it is down, the objects cannot)',
    );
  }
  if (!(await isEmptyOrMissing(dir))) {
    throw new UserError(
      `${dir} exists and is not empty`,
      'back up into a new directory (--to <new dir>), or leave --to out for a timestamped one',
    );
  }
  const measured = await target.measureObjects();
  const plan: BackupPlan = {
    dir,
    catalogDatabase: identity.catalogDatabase,
    objects: measured,
    secrets: opts.passphrase ? 'encrypted' : 'plain, mode 0600',
  };
  if (opts.dryRun) return { dir, dryRun: true, plan };

  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  let manifestWritten = false;
  try {
    const files: FileEntry[] = [];
    const hashed = async (path: string) =>
      files.push({ path, ...(await hashFile(join(dir, path))) });

    const catalogStep = progress.step('Snapshot the catalog database');
    await mkdir(join(dir, BACKUP_PATHS.catalog), { recursive: true });
    const catalog = await target.snapshotCatalog(join(dir, CATALOG_SQLITE));
    await hashed(CATALOG_SQLITE);
    catalogStep.done(`${identity.catalogDatabase}, ${formatSize(files[0]?.size ?? 0)}`);

    const workflowsStep = progress.step("Snapshot Airflow's database");
    await mkdir(join(dir, BACKUP_PATHS.workflows), { recursive: true });
    const workflows = await target.snapshotWorkflows(join(dir, WORKFLOWS_SQLITE));
    if (workflows === true) {
      await hashed(WORKFLOWS_SQLITE);
      workflowsStep.done(`sqlite, ${formatSize(files.at(-1)?.size ?? 0)}`);
    } else {
      await rm(join(dir, BACKUP_PATHS.workflows), { recursive: true, force: true });
      workflowsStep.info(`none: ${workflows}`);
    }

    const objectsStep = progress.step(`Copy every object of bucket ${identity.bucket}`);
    let lastUpdate = 0;
    const objects = await target.exportObjects(join(dir, BACKUP_PATHS.objects), (p) => {
      if (Date.now() - lastUpdate < 1000) return;
      lastUpdate = Date.now();
      objectsStep.update(transferDetail(p));
    });
    for (const o of objects)
      files.push({ path: objectPath(o.key), size: o.size, sha256: o.sha256 });
    const objectBytes = objects.reduce((sum, o) => sum + o.size, 0);
    objectsStep.done(`${objects.length} objects, ${formatSize(objectBytes)}`);

    const refsStep = progress.step("Check the copy holds every file the catalog's tables need");
    const tables = await target.tablesInSnapshot(join(dir, CATALOG_SQLITE));
    const missing = missingReferences(tables, identity.bucket, new Set(objects.map((o) => o.key)));
    if (missing.length > 0) {
      refsStep.fail(`${missing.length} files missing`);
      throw new UserError(
        `the backup is incomplete: files the catalog snapshot references are not in bucket ${identity.bucket}:\n${missing
          .slice(0, 20)
          .map((m) => `    ${m}`)
          .join('\n')}`,
        'they were deleted after the snapshot (snapshot expiry or orphan-file removal running at the same time?): run the backup again when maintenance is not running',
      );
    }
    refsStep.done(`${tables.length} tables`);

    const configStep = progress.step('Copy the configuration and secrets');
    const configDir = join(dir, BACKUP_PATHS.config);
    await mkdir(configDir, { recursive: true });
    const configPaths = (await target.exportConfig(configDir)).map(
      (p) => `${BACKUP_PATHS.config}/${p}`,
    );
    for (const p of configPaths) await hashed(p);
    await mkdir(join(dir, BACKUP_PATHS.secrets), { recursive: true, mode: 0o700 });
    const secret = await target.readSecrets();
    const secretsPath = opts.passphrase ? SECRETS_ENCRYPTED : SECRETS_PLAIN;
    await writeFile(
      join(dir, secretsPath),
      opts.passphrase ? encryptSecret(secret, opts.passphrase) : secret,
      { mode: 0o600 },
    );
    await hashed(secretsPath);
    configStep.done(
      `${configPaths.length} config file${configPaths.length === 1 ? '' : 's'}; secrets ${opts.passphrase ? 'encrypted (AES-256-GCM)' : 'kept with mode 0600'}`,
    );

    const manifest = buildManifest(
      {
        createdAt: (opts.now ?? new Date()).toISOString(),
        source: {
          env: identity.env,
          target: identity.target,
          bucket: identity.bucket,
          warehouse: identity.warehouse,
          catalogDatabase: identity.catalogDatabase,
        },
        versions: identity.versions,
        contents: {
          catalog: { path: CATALOG_SQLITE, format: catalog.format },
          ...(workflows === true
            ? { workflows: { path: WORKFLOWS_SQLITE, format: 'sqlite' as const } }
            : {}),
          objects: {
            prefix: `${BACKUP_PATHS.objects}/`,
            count: objects.length,
            bytes: objectBytes,
          },
          config: { paths: configPaths },
          secrets: { path: secretsPath, encrypted: opts.passphrase !== undefined },
        },
      },
      files,
    );
    await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, {
      mode: 0o600,
    });
    manifestWritten = true;

    const verifyStep = progress.step('Verify: re-read every file and check its SHA-256');
    const check = await checkBackupDir(dir, (done, total) => {
      if (done % 100 === 0) verifyStep.update(`${done} of ${total} files`);
    });
    if (check.problems.length > 0) {
      verifyStep.fail(`${check.problems.length} files do not match`);
      throw new UserError(
        `the backup in ${dir} failed verification:\n${check.problems
          .slice(0, 20)
          .map((p) => `    ${p.message}`)
          .join('\n')}`,
        'do not rely on it; check the disk and take a new backup',
      );
    }
    verifyStep.done(`${manifest.totals.files} files, ${formatSize(manifest.totals.bytes)}`);
    return {
      dir,
      dryRun: false,
      plan,
      verified: { files: manifest.totals.files, bytes: manifest.totals.bytes },
      manifest,
    };
  } catch (err) {
    // A backup that stopped half-way is not a backup: remove it, so it cannot be mistaken for one.
    if (!manifestWritten) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
