import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../lib/index.js';
import {
  exportPostgresCatalog,
  importPostgresCatalog,
  importSqliteCatalog,
  type CatalogRowCounts,
} from './catalog-copy.js';

/** Where the catalog database lives: a SQLite file, or a PostgreSQL database by URL. */
export type CatalogDatabase = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** The catalog database of a `sqlite:<path>` or `postgres://…` URL. */
export function catalogDatabaseOf(url: string): CatalogDatabase {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  return { kind: 'sqlite', path: resolve(path) };
}

/**
 * A consistent copy of the catalog's SQLite database via SQLite's online backup API, safe while
 * the catalog writes (it runs in WAL mode): the copy is one committed state, never a torn file.
 */
export async function snapshotSqlite(dbPath: string, toFile: string): Promise<void> {
  const exists = await stat(dbPath).catch(() => undefined);
  if (!exists?.isFile()) {
    throw new UserError(
      `the database ${dbPath} does not exist`,
      'start the platform once with `lakehouse up`, or check icebergCatalog.database',
    );
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    await db.backup(toFile);
  } finally {
    db.close();
  }
}

/**
 * Puts a snapshot back as a database file (no WAL or shared-memory file left over), in WAL mode
 * as the catalog runs it, or in `journalMode` (Airflow keeps SQLite's default, delete).
 */
export async function restoreSqlite(
  fromFile: string,
  dbPath: string,
  journalMode: 'wal' | 'delete' = 'wal',
): Promise<void> {
  await mkdir(dirname(dbPath), { recursive: true });
  for (const suffix of ['-wal', '-shm', '-journal'])
    await rm(`${dbPath}${suffix}`, { force: true });
  const tmp = `${dbPath}.restore-${process.pid}`;
  await copyFile(fromFile, tmp);
  // Opening it once checks it is a SQLite database and sets its journal mode.
  const db = new Database(tmp, { fileMustExist: true });
  try {
    const ok = db.pragma('integrity_check', { simple: true });
    if (ok !== 'ok')
      throw new Error(
        `the database ${fromFile} in the backup fails integrity_check: ${String(ok)}`,
      );
    db.pragma(`journal_mode = ${journalMode.toUpperCase()}`);
  } finally {
    db.close();
  }
  for (const suffix of ['-wal', '-shm']) await rm(`${tmp}${suffix}`, { force: true });
  await rename(tmp, dbPath);
}

/**
 * A consistent snapshot of the catalog database at `url` as a SQLite catalog file `toFile`, taken
 * while the catalog runs: SQLite's online backup, or PostgreSQL's rows read in one transaction.
 */
export async function snapshotCatalogDatabase(url: string, toFile: string): Promise<void> {
  const db = catalogDatabaseOf(url);
  if (db.kind === 'postgres') await exportPostgresCatalog(db.url, toFile);
  else await snapshotSqlite(db.path, toFile);
}

/**
 * Replaces the rows of the catalog database at `url` with those of a snapshot, in one
 * transaction, while the catalog may run. The snapshot is checked to be a whole SQLite
 * database first; a failure leaves the database as it was.
 */
export async function loadCatalogDatabase(
  fromFile: string,
  url: string,
): Promise<CatalogRowCounts> {
  const check = new Database(fromFile, { readonly: true, fileMustExist: true });
  try {
    const ok = check.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') {
      throw new UserError(
        `the catalog snapshot ${fromFile} fails integrity_check: ${String(ok)}`,
        'load a snapshot written by `lakehouse catalog snapshot` or `lakehouse backup`',
      );
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(
      `${fromFile} is not a SQLite catalog snapshot: ${(err as Error).message}`,
      'load a snapshot written by `lakehouse catalog snapshot` or `lakehouse backup`',
    );
  } finally {
    check.close();
  }
  const db = catalogDatabaseOf(url);
  return db.kind === 'postgres'
    ? importPostgresCatalog(fromFile, db.url)
    : importSqliteCatalog(fromFile, db.path);
}
