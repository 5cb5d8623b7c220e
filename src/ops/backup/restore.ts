import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSize, type Progress, UserError } from '../../lib/index.js';
import { decryptSecret, DecryptError } from './crypto.js';
import { checkBackupDir } from './files.js';
import { BACKUP_PATHS, objectKeyOf, type BackupManifest } from './manifest.js';
import type { BackupTarget, ObjectCopy, TableCheck } from './target.js';

export interface RestoreOptions {
  dir: string;
  /** Replace existing platform data (needed only when there is some). */
  yes: boolean;
  passphrase?: string;
  dryRun: boolean;
  progress: Progress;
}

export interface RestoredTable {
  table: string;
  metadataLocation: string;
  ok: boolean;
  missing: string[];
  /** Rows read through the query engine; absent when none runs. */
  rows?: number;
  /** Why reading the table through the query engine failed. */
  readError?: string;
}

export interface RestoreResult {
  dir: string;
  dryRun: boolean;
  source: BackupManifest['source'] & { createdAt: string };
  /** Platform data that was (or, in a dry run, would be) replaced. */
  replaced: string[];
  objects: { count: number; bytes: number };
  config: string[];
  namespaces?: number;
  tables?: RestoredTable[];
}

function tableName(t: TableCheck): string {
  return [...t.namespace, t.name].join('.');
}

/**
 * The runbook's restore into a stopped or wiped platform. Nothing changes until the backup was
 * proven whole (every file against the manifest), the platform is known to be stopped, the
 * secrets decrypt, and — if platform data exists — the user agreed to replace it. Then:
 * secrets and config, the catalog database, object storage alone, every object back, the whole
 * platform, and a check that every table loads and its metadata and manifest lists exist.
 */
export async function runRestore(
  target: BackupTarget,
  opts: RestoreOptions,
): Promise<RestoreResult> {
  const { dir, progress } = opts;
  const checkStep = progress.step(`Verify the backup ${dir}`);
  let check;
  try {
    check = await checkBackupDir(dir, (done, total) => {
      if (done % 100 === 0) checkStep.update(`${done} of ${total} files`);
    });
  } catch (err) {
    checkStep.fail((err as Error).message);
    throw new UserError(
      `cannot restore from ${dir}: ${(err as Error).message}`,
      'pass the directory `lakehouse backup` wrote (it holds manifest.json)',
    );
  }
  const { manifest, problems } = check;
  if (problems.length > 0) {
    checkStep.fail(`${problems.length} files do not match the manifest`);
    throw new UserError(
      `refusing to restore: the backup in ${dir} is damaged; nothing was changed\n${problems
        .slice(0, 20)
        .map((p) => `    ${p.message}`)
        .join('\n')}${problems.length > 20 ? `\n    … and ${problems.length - 20} more` : ''}`,
      'restore from another backup, or repair the files named above',
    );
  }
  checkStep.done(
    `${manifest.totals.files} files, ${formatSize(manifest.totals.bytes)}, every checksum matches`,
  );

  const identity = await target.identity();
  const mismatches: string[] = [];
  if (manifest.source.bucket !== identity.bucket)
    mismatches.push(
      `bucket "${manifest.source.bucket}" (here: "${identity.bucket}", minio.bucket)`,
    );
  if (manifest.source.warehouse !== identity.warehouse)
    mismatches.push(
      `warehouse ${manifest.source.warehouse} (here: ${identity.warehouse}, icebergCatalog.warehouse)`,
    );
  // The catalog database is not compared: a snapshot is a SQLite catalog database whatever the
  // source, and restores into either kind (a way to move from SQLite to PostgreSQL).
  if (mismatches.length > 0) {
    throw new UserError(
      `the backup was taken with ${mismatches.join('; ')}: its tables' locations would not resolve here`,
      `restore with values that match the backup's (see ${join(dir, BACKUP_PATHS.config, 'values.yaml')}), e.g. -f <file>`,
    );
  }

  const running = await target.running();
  if (running.length > 0) {
    throw new UserError(
      `the platform is running (${running.join(', ')}); restore replaces its data`,
      'stop it first: lakehouse down',
    );
  }
  const existing = await target.existingData();
  if (existing.length > 0 && !opts.yes && !opts.dryRun) {
    throw new UserError(
      `the platform already has data (${existing.join(', ')}); restore would replace it`,
      'pass --yes to replace it with the backup (take a backup of it first if it matters)',
    );
  }

  let secrets: Buffer = await readFile(join(dir, manifest.contents.secrets.path));
  if (manifest.contents.secrets.encrypted) {
    if (opts.passphrase === undefined) {
      throw new UserError(
        "the backup's secrets are encrypted and no passphrase was given",
        'pass --passphrase-env <VAR> naming the environment variable that holds the passphrase used for the backup',
      );
    }
    try {
      secrets = decryptSecret(secrets, opts.passphrase);
    } catch (err) {
      if (err instanceof DecryptError) {
        throw new UserError(
          `cannot decrypt ${manifest.contents.secrets.path}: ${err.message}; nothing was changed`,
          'pass the passphrase the backup was taken with',
        );
      }
      throw err;
    }
  }

  const objects: ObjectCopy[] = [];
  for (const f of manifest.files) {
    const key = objectKeyOf(f.path);
    if (key !== undefined) objects.push({ key, size: f.size, sha256: f.sha256 });
  }
  const result: RestoreResult = {
    dir,
    dryRun: opts.dryRun,
    source: { ...manifest.source, createdAt: manifest.createdAt },
    replaced: existing,
    objects: { count: objects.length, bytes: objects.reduce((s, o) => s + o.size, 0) },
    config: manifest.contents.config.paths,
  };
  if (opts.dryRun) return result;

  if (existing.length > 0) {
    const step = progress.step('Remove the existing platform data');
    await target.clearData();
    step.done(existing.join(', '));
  }
  const configStep = progress.step('Restore secrets and configuration');
  await target.restoreSecrets(secrets);
  const configFiles = manifest.contents.config.paths.map((p) =>
    p.slice(BACKUP_PATHS.config.length + 1),
  );
  const restoredConfig = await target.restoreConfig(join(dir, BACKUP_PATHS.config), configFiles);
  configStep.done(`credentials${restoredConfig.length ? `, ${restoredConfig.join(', ')}` : ''}`);

  const catalogStep = progress.step('Restore the catalog database');
  await target.restoreCatalog(
    join(dir, manifest.contents.catalog.path),
    manifest.contents.catalog.format,
  );
  catalogStep.done();
  const workflows = manifest.contents.workflows;
  if (workflows) {
    const step = progress.step("Restore Airflow's database");
    await target.restoreWorkflows(join(dir, workflows.path));
    step.done();
  }

  await target.startStorage(progress);
  const objectsStep = progress.step('Write every object back into the bucket');
  let lastUpdate = 0;
  await target.importObjects(join(dir, BACKUP_PATHS.objects), objects, (p) => {
    if (Date.now() - lastUpdate < 1000) return;
    lastUpdate = Date.now();
    objectsStep.update(`${p.objects} of ${objects.length} objects, ${formatSize(p.bytes)}`);
  });
  objectsStep.done(`${result.objects.count} objects, ${formatSize(result.objects.bytes)}`);

  await target.startAll(progress);

  const verifyStep = progress.step('Verify: every table loads, its files exist and it reads');
  const tables = await target.listTables();
  const restored: RestoredTable[] = [];
  for (const t of tables) {
    const missing: string[] = [];
    for (const file of t.requiredFiles) if (!(await target.fileExists(file))) missing.push(file);
    const entry: RestoredTable = {
      table: tableName(t),
      metadataLocation: t.metadataLocation,
      ok: missing.length === 0,
      missing,
    };
    if (entry.ok) {
      verifyStep.update(`reading ${entry.table}`);
      try {
        const rows = await target.countRows(t);
        if (rows !== undefined) entry.rows = rows;
      } catch (err) {
        entry.ok = false;
        entry.readError = (err as Error).message.split('\n')[0] ?? 'failed';
      }
    }
    restored.push(entry);
  }
  result.namespaces = new Set(tables.map((t) => t.namespace.join('.'))).size;
  result.tables = restored;
  const bad = restored.filter((t) => !t.ok);
  if (bad.length > 0) {
    verifyStep.fail(`${bad.length} of ${restored.length} tables are missing files or do not read`);
    throw new UserError(
      `restore finished, but ${bad.length} tables are not whole:\n${bad
        .map(
          (t) => `    ${t.table}: ${t.readError ?? `missing ${t.missing.slice(0, 3).join(', ')}`}`,
        )
        .join('\n')}`,
      'the backup did not hold what these tables need; restore an older backup or re-create them (`lakehouse logs trino` shows read errors)',
    );
  }
  const read = restored.filter((t) => t.rows !== undefined).length;
  verifyStep.done(
    `${restored.length} tables load${read ? `, ${read} read through the query engine` : ''}`,
  );
  return result;
}
