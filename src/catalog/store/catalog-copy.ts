/**
 * A catalog database copied to and from a SQLite file of the same schema: how a backup holds a
 * catalog. The copy is logical (rows, not pages), so it does not depend on pg_dump being
 * installed in the server's version, a backup of either kind restores into either kind, and it
 * loads into a database a running catalog holds open (one transaction, under its locks).
 */
import { rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { redactUrl } from './sql/common.js';
import { LATEST_SCHEMA_VERSION } from './sql/migrations.js';
import { SqliteCatalogStore } from './sqlite.js';

/** The catalog's tables and columns (sql/migrations.ts), parents before the rows that refer to them. */
const TABLES = [
  {
    name: 'namespaces',
    columns: ['warehouse', 'path', 'parent', 'depth', 'properties', 'created_at', 'updated_at'],
    order: 'warehouse, path',
  },
  {
    name: 'objects',
    columns: [
      'warehouse',
      'namespace',
      'name',
      'kind',
      'metadata_location',
      'metadata_json',
      'version',
      'created_at',
      'updated_at',
    ],
    order: 'warehouse, namespace, name',
  },
  {
    name: 'functions',
    columns: [
      'warehouse',
      'namespace',
      'name',
      'metadata_json',
      'version',
      'created_at',
      'updated_at',
    ],
    order: 'warehouse, namespace, name',
  },
  { name: 'idempotency_keys', columns: ['key', 'status', 'body', 'created_at'], order: 'key' },
  // Copied with the stored responses: a response without its binding would answer any request
  // that reuses the key.
  {
    name: 'idempotency_requests',
    columns: ['key', 'method', 'path', 'body_sha256', 'query_sha256', 'created_at'],
    order: 'key',
  },
] as const;

/**
 * Tables an older SQLite catalog file may lack or hold differently, by the schema version since which
 * the file's rows are importable. Stored responses from before version 2 have no binding; the
 * migration to version 2 drops them, and so does an import of such a file.
 */
const IMPORTABLE_SINCE: Partial<Record<(typeof TABLES)[number]['name'], number>> = {
  // Functions came with version 3: an older file has none to copy.
  functions: 3,
  idempotency_keys: 2,
  idempotency_requests: 2,
};

/** Integer columns: pg returns BIGINT as a string (it may exceed 2^53; epoch millis do not). */
const INTEGER_COLUMNS = new Set(['depth', 'created_at', 'updated_at', 'version', 'status']);

export type CatalogRowCounts = Record<(typeof TABLES)[number]['name'], number>;

/**
 * Rows held at once, either way: a FETCH from PostgreSQL, an INSERT into it (9 columns × 500 stays
 * far below its 65535 parameters). Rows carry whole table metadata, so a table is never read whole.
 */
const BATCH = 500;

async function connect(url: string): Promise<pg.Client> {
  // Loaded here, not at the top: a SQLite deployment never loads the pg driver.
  const { default: driver } = await import('pg');
  const client = new driver.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(
      `cannot connect to the catalog database ${redactUrl(url)}: ${(err as Error).message}`,
    );
  }
  return client;
}

async function schemaVersion(client: pg.Client, url: string): Promise<number> {
  const exists = await client.query<{ t: string | null }>(
    "SELECT to_regclass('schema_version')::text AS t",
  );
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ v: number | null }>(
    'SELECT max(version) AS v FROM schema_version',
  );
  const version = r.rows[0]?.v ?? 0;
  if (version !== LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the catalog database ${redactUrl(url)} has schema version ${version}, this build copies version ${LATEST_SCHEMA_VERSION}: start the catalog of this build once (lakehouse up) so it migrates the database`,
    );
  }
  return version;
}

/**
 * Writes every row of the PostgreSQL catalog database at `url` into a new SQLite catalog
 * database `toFile`, read in one REPEATABLE READ transaction: one consistent state of all
 * tables while the catalog keeps committing.
 */
export async function exportPostgresCatalog(
  url: string,
  toFile: string,
): Promise<CatalogRowCounts> {
  const client = await connect(url);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if ((await schemaVersion(client, url)) === 0) {
      throw new Error(
        `the catalog database ${redactUrl(url)} has no catalog tables: start the catalog once (lakehouse up)`,
      );
    }
    // The target gets its schema the way every SQLite catalog does.
    await rm(toFile, { force: true });
    await SqliteCatalogStore.open(toFile).close();
    const db = new Database(toFile);
    // One self-contained file, like the online backup of a SQLite catalog.
    db.pragma('journal_mode = DELETE');
    try {
      const counts = {} as CatalogRowCounts;
      // One SQLite transaction around the awaits: nothing else uses this connection.
      db.exec('BEGIN');
      for (const table of TABLES) {
        const cols = table.columns.join(', ');
        const insert = db.prepare(
          `INSERT INTO ${table.name} (${cols}) VALUES (${table.columns.map(() => '?').join(', ')})`,
        );
        // A cursor of the transaction's snapshot, read a batch at a time.
        await client.query(
          `DECLARE copy_rows NO SCROLL CURSOR FOR SELECT ${cols} FROM ${table.name} ORDER BY ${table.order}`,
        );
        let copied = 0;
        for (;;) {
          const batch = await client.query<Record<string, unknown>>(
            `FETCH ${BATCH} FROM copy_rows`,
          );
          for (const row of batch.rows) {
            insert.run(
              table.columns.map((c) => (INTEGER_COLUMNS.has(c) ? Number(row[c]) : row[c])),
            );
          }
          copied += batch.rows.length;
          if (batch.rows.length < BATCH) break;
        }
        await client.query('CLOSE copy_rows');
        counts[table.name] = copied;
      }
      db.exec('COMMIT');
      return counts;
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    }
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * Replaces every row of the PostgreSQL catalog database at `url` with the rows of the SQLite
 * catalog database `fromFile`, in one transaction: a failure leaves the database as it was.
 * Creates the catalog's tables first when the database has none.
 */
export async function importPostgresCatalog(
  fromFile: string,
  url: string,
): Promise<CatalogRowCounts> {
  // Opening the store creates or migrates the schema (and says clearly when it cannot connect).
  const { PostgresCatalogStore } = await import('./postgres.js');
  await (await PostgresCatalogStore.open(url)).close();
  const source = new Database(fromFile, { readonly: true, fileMustExist: true });
  const client = await connect(url);
  try {
    const fileVersion = sqliteSchemaVersion(source);
    if (fileVersion > LATEST_SCHEMA_VERSION) {
      throw new Error(
        `${fromFile} holds a catalog of schema version ${fileVersion}, newer than this build copies (${LATEST_SCHEMA_VERSION}): upgrade lakehouse`,
      );
    }
    await client.query('BEGIN');
    await schemaVersion(client, url);
    for (const table of [...TABLES].reverse()) await client.query(`DELETE FROM ${table.name}`);
    const counts = {} as CatalogRowCounts;
    for (const table of TABLES) {
      if (fileVersion < (IMPORTABLE_SINCE[table.name] ?? 0)) {
        counts[table.name] = 0;
        continue;
      }
      const cols = table.columns.join(', ');
      const width = table.columns.length;
      const insertBatch = async (batch: unknown[][]): Promise<void> => {
        const values = batch
          .map((_, r) => `(${table.columns.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`)
          .join(', ');
        await client.query(`INSERT INTO ${table.name} (${cols}) VALUES ${values}`, batch.flat());
      };
      const rows = source
        .prepare(`SELECT ${cols} FROM ${table.name} ORDER BY ${table.order}`)
        .raw()
        .iterate() as IterableIterator<unknown[]>;
      let batch: unknown[][] = [];
      let copied = 0;
      for (const row of rows) {
        batch.push(row);
        if (batch.length === BATCH) {
          await insertBatch(batch);
          copied += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await insertBatch(batch);
      counts[table.name] = copied + batch.length;
    }
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    source.close();
    await client.end().catch(() => undefined);
  }
}

/**
 * Replaces every row of the SQLite catalog database `dbPath` with the rows of the SQLite catalog
 * database `fromFile`, in one transaction, while a catalog server may hold `dbPath` open (its
 * writers wait on SQLite's lock; readers see the old rows until the commit). Creates or migrates
 * the schema first.
 */
export async function importSqliteCatalog(
  fromFile: string,
  dbPath: string,
): Promise<CatalogRowCounts> {
  await SqliteCatalogStore.open(dbPath).close();
  const source = new Database(fromFile, { readonly: true, fileMustExist: true });
  let fileVersion: number;
  try {
    fileVersion = sqliteSchemaVersion(source);
  } finally {
    source.close();
  }
  if (fileVersion > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `${fromFile} holds a catalog of schema version ${fileVersion}, newer than this build copies (${LATEST_SCHEMA_VERSION}): upgrade lakehouse`,
    );
  }
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 30000');
    db.prepare('ATTACH DATABASE ? AS snapshot').run(fromFile);
    const counts = {} as CatalogRowCounts;
    db.transaction(() => {
      for (const table of [...TABLES].reverse()) db.exec(`DELETE FROM main.${table.name}`);
      for (const table of TABLES) {
        if (fileVersion < (IMPORTABLE_SINCE[table.name] ?? 0)) {
          counts[table.name] = 0;
          continue;
        }
        const cols = table.columns.join(', ');
        counts[table.name] = db
          .prepare(
            `INSERT INTO main.${table.name} (${cols}) SELECT ${cols} FROM snapshot.${table.name} ORDER BY ${table.order}`,
          )
          .run().changes;
      }
    }).immediate();
    db.exec('DETACH DATABASE snapshot');
    return counts;
  } finally {
    db.close();
  }
}

/** The schema version of a SQLite catalog file, which may be a backup from an older build. */
function sqliteSchemaVersion(db: Database.Database): number {
  try {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as {
      v: number | null;
    };
    return row.v ?? 0;
  } catch {
    return 0;
  }
}

/** Whether the PostgreSQL catalog database at `url` holds any namespace (restore asks first). */
export async function postgresCatalogHasData(url: string): Promise<boolean> {
  const client = await connect(url);
  try {
    const exists = await client.query<{ t: string | null }>(
      "SELECT to_regclass('namespaces')::text AS t",
    );
    if (!exists.rows[0]?.t) return false;
    const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM namespaces');
    return Number(r.rows[0]?.n ?? 0) > 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}
