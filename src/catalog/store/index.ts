/**
 * The catalog store's public surface: the contract types, and `openCatalogStore`, which picks the
 * implementation from a database URL, connects, and migrates the schema before returning.
 */
import { redactUrl } from './sql/common.js';
import { SqliteCatalogStore } from './sqlite.js';
import type { CatalogStore } from './types.js';

export * from './types.js';
export { SqliteCatalogStore } from './sqlite.js';
export { redactUrl } from './sql/common.js';
export {
  exportPostgresCatalog,
  importPostgresCatalog,
  importSqliteCatalog,
  postgresCatalogHasData,
  type CatalogRowCounts,
} from './catalog-copy.js';
export {
  catalogDatabaseOf,
  loadCatalogDatabase,
  restoreSqlite,
  snapshotCatalogDatabase,
  snapshotSqlite,
  type CatalogDatabase,
} from './snapshot.js';

const URL_HELP =
  'expected sqlite:<path>, sqlite::memory:, or postgres://user[:password]@host[:port]/database';

/**
 * Opens the store at `url`: `sqlite:<path>` (parent directories are created; `sqlite::memory:`
 * is in-memory, `sqlite:///abs/path` is accepted too) or `postgres://` / `postgresql://`.
 * Fails fast with an Error whose message says what is wrong and what to check, when the URL is
 * malformed, the database is unreachable, or its schema is newer than this build.
 */
export async function openCatalogStore(url: string): Promise<CatalogStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new Error(`malformed database URL "${url}": no file path; ${URL_HELP}`);
    return SqliteCatalogStore.open(path);
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    // Loaded lazily so a SQLite deployment never loads the pg driver.
    const { PostgresCatalogStore } = await import('./postgres.js');
    return PostgresCatalogStore.open(url);
  }
  throw new Error(`malformed database URL "${redactUrl(url)}": ${URL_HELP}`);
}
