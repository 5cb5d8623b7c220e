/**
 * The catalog schema as an ordered list of migrations, shared by both dialects. A database
 * records the versions applied in `schema_version`; opening a store applies the missing ones in
 * order, inside one transaction. Add a migration by appending to MIGRATIONS — never edit one that
 * has shipped, since databases out there already recorded it as applied.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  version: number;
  description: string;
  statements(dialect: Dialect): string[];
}

/**
 * Key columns sort bytewise in both dialects so pagination (`key > token ORDER BY key`) and the
 * descendant range scan in sql/common.ts hold regardless of the PostgreSQL database's locale.
 * SQLite's default BINARY collation already is bytewise.
 */
function key(dialect: Dialect): string {
  return dialect === 'postgres' ? 'TEXT COLLATE "C"' : 'TEXT';
}

export const SCHEMA_VERSION_DDL =
  'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'namespaces, objects (tables and views), idempotency keys',
    statements: (d) => [
      // Timestamps are epoch millis: the same type and meaning in both dialects.
      `CREATE TABLE namespaces (
        warehouse ${key(d)} NOT NULL,
        path ${key(d)} NOT NULL,
        parent ${key(d)} NOT NULL,
        depth INTEGER NOT NULL,
        properties TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (warehouse, path)
      )`,
      'CREATE INDEX namespaces_by_parent ON namespaces (warehouse, parent, path)',
      // One key for both kinds: a table and a view cannot share a name in a namespace.
      // The foreign key keeps a namespace from being dropped under its objects even if a
      // caller skips the emptiness check.
      `CREATE TABLE objects (
        warehouse ${key(d)} NOT NULL,
        namespace ${key(d)} NOT NULL,
        name ${key(d)} NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('table', 'view')),
        metadata_location TEXT NOT NULL,
        metadata_json TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (warehouse, namespace, name),
        FOREIGN KEY (warehouse, namespace) REFERENCES namespaces (warehouse, path)
      )`,
      'CREATE INDEX objects_by_kind ON objects (warehouse, namespace, kind, name)',
      `CREATE TABLE idempotency_keys (
        key TEXT PRIMARY KEY,
        status INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at)',
    ],
  },
  {
    version: 2,
    description: 'idempotency keys bound to the request that first used them',
    statements: () => [
      `CREATE TABLE idempotency_requests (
        key TEXT PRIMARY KEY,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        body_sha256 TEXT NOT NULL,
        query_sha256 TEXT NOT NULL,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX idempotency_requests_by_created ON idempotency_requests (created_at)',
      // A response stored before this version has no request to compare a retry with, so it
      // could answer a different request; keys live an hour at most, so they are dropped.
      'DELETE FROM idempotency_keys',
    ],
  },
  {
    version: 3,
    description: 'functions (UDFs): their metadata JSON, apart from tables and views',
    statements: (d) => [
      // Functions have names of their own: a function may share its name with a table or view,
      // as in SQL engines, so they are not rows of `objects`. The metadata lives here only (the
      // spec makes a metadata file optional). The foreign key keeps a namespace from being
      // dropped under its functions even if a caller skips the emptiness check.
      `CREATE TABLE functions (
        warehouse ${key(d)} NOT NULL,
        namespace ${key(d)} NOT NULL,
        name ${key(d)} NOT NULL,
        metadata_json TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (warehouse, namespace, name),
        FOREIGN KEY (warehouse, namespace) REFERENCES namespaces (warehouse, path)
      )`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** The migrations a database at `current` still needs; refuses a database from a newer build. */
export function pendingMigrations(current: number, where: string): Migration[] {
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `the catalog database at ${where} has schema version ${current}, newer than this build supports (${LATEST_SCHEMA_VERSION}): upgrade lakehouse`,
    );
  }
  return MIGRATIONS.filter((m) => m.version > current);
}
