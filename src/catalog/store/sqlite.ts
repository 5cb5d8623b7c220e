/**
 * The catalog store on SQLite (better-sqlite3): one connection per process, every statement
 * prepared once. better-sqlite3 is synchronous, so each method runs to completion inside its
 * promise and no two transactions of this process ever interleave; other processes sharing the
 * file are serialized by SQLite's locks, waited for up to `busy_timeout`.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ServiceUnavailableError } from '../errors.js';
import {
  FUNCTION_COLUMNS,
  OBJECT_COLUMNS,
  applyPropertyChanges,
  commitFailed,
  decodeNamespace,
  decodePageRequest,
  descendantRange,
  encodeNamespace,
  functionChanged,
  functionExists,
  IDEMPOTENCY_REQUEST_COLUMNS,
  namespaceExists,
  namespaceNotEmpty,
  noSuchFunction,
  noSuchNamespace,
  noSuchObject,
  objectExists,
  orderSwaps,
  parentPath,
  parseProperties,
  serializeBody,
  toFunctionRecord,
  toIdempotencyRequest,
  toObjectRecord,
  toPage,
  toStoredResponse,
  validateName,
  type FunctionRow,
  type IdempotencyRequestRow,
  type ObjectRow,
} from './sql/common.js';
import { SCHEMA_VERSION_DDL, pendingMigrations } from './sql/migrations.js';
import {
  IdempotencyKeyReplay,
  type CatalogObjectRecord,
  type CatalogStore,
  type FunctionRecord,
  type IdempotencyRequest,
  type IdempotencyWrite,
  type NamespacePath,
  type NamespaceRecord,
  type ObjectKind,
  type ObjectSwap,
  type Page,
  type PageRequest,
  type StoredResponse,
  type UpdatedProperties,
} from './types.js';

type Db = Database.Database;
type Stmt = Database.Statement;

const BUSY_TIMEOUT_MS = 5_000;

/** better-sqlite3's SqliteError carries the extended result code as a string. */
function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export interface SqliteOpenOptions {
  busyTimeoutMs?: number;
}

export class SqliteCatalogStore implements CatalogStore {
  readonly dialect = 'sqlite' as const;

  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly writeTx: Database.Transaction<(fn: () => unknown) => unknown>;

  private constructor(
    private readonly db: Db,
    private readonly location: string,
  ) {
    this.stmt = prepareStatements(db);
    this.writeTx = db.transaction((fn: () => unknown) => fn());
  }

  /**
   * Opens (creating it and its parent directories if needed) and migrates the database at
   * `filename`, or an in-memory one for ':memory:'. Throws an Error naming the file on failure.
   */
  static open(filename: string, options: SqliteOpenOptions = {}): SqliteCatalogStore {
    const memory = filename === ':memory:';
    const location = memory ? ':memory:' : resolve(filename);
    let db: Db | undefined;
    try {
      if (!memory) mkdirSync(dirname(location), { recursive: true });
      db = new Database(location);
      // WAL lets readers proceed during a commit. synchronous=FULL fsyncs the WAL on every
      // commit: with NORMAL a power loss can drop commits that were already acknowledged.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      migrate(db, location);
      return new SqliteCatalogStore(db, location);
    } catch (err) {
      db?.close();
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot open SQLite catalog database at ${location}: ${reason}`, {
        cause: err,
      });
    }
  }

  async ping(): Promise<void> {
    this.guard(() => this.stmt.ping.get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // Namespaces

  async createNamespace(
    warehouse: string,
    namespace: NamespacePath,
    properties: Record<string, string>,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const path = encodeNamespace(namespace);
    const now = Date.now();
    this.write(idempotency, () => {
      const { changes } = this.stmt.insertNamespace.run({
        warehouse,
        path,
        parent: parentPath(namespace),
        depth: namespace.length,
        properties: JSON.stringify(properties),
        now,
      });
      if (changes === 0) throw namespaceExists(namespace);
    });
  }

  async getNamespace(
    warehouse: string,
    namespace: NamespacePath,
  ): Promise<NamespaceRecord | undefined> {
    const path = encodeNamespace(namespace);
    const row = this.guard(
      () => this.stmt.getNamespace.get({ warehouse, path }) as { properties: string } | undefined,
    );
    return row && { namespace: [...namespace], properties: parseProperties(row.properties) };
  }

  async listNamespaces(
    warehouse: string,
    parent: NamespacePath | undefined,
    page: PageRequest,
  ): Promise<Page<string[]>> {
    const parentKey = parent === undefined ? '' : encodeNamespace(parent);
    const query = decodePageRequest(page);
    return this.guard(() => {
      const rows = this.stmt.listNamespaces.all({
        warehouse,
        parent: parentKey,
        after: query.after ?? '',
        limit: query.limit ?? -1,
      }) as { path: string }[];
      // A parent with no row still exists implicitly while a namespace lies beneath it.
      if (
        parent !== undefined &&
        rows.length === 0 &&
        this.stmt.getNamespace.get({ warehouse, path: parentKey }) === undefined &&
        !this.hasDescendant(warehouse, parentKey)
      ) {
        throw noSuchNamespace(parent);
      }
      return toPage(
        rows,
        query,
        (r) => r.path,
        (r) => decodeNamespace(r.path),
      );
    });
  }

  async updateNamespaceProperties(
    warehouse: string,
    namespace: NamespacePath,
    removals: string[],
    updates: Record<string, string>,
    idempotency?: IdempotencyWrite,
  ): Promise<UpdatedProperties> {
    const path = encodeNamespace(namespace);
    const now = Date.now();
    return this.write(idempotency, () => {
      const row = this.stmt.getNamespace.get({ warehouse, path }) as
        { properties: string } | undefined;
      if (row === undefined) throw noSuchNamespace(namespace);
      const { properties, result } = applyPropertyChanges(
        parseProperties(row.properties),
        removals,
        updates,
      );
      this.stmt.setNamespaceProperties.run({
        warehouse,
        path,
        properties: JSON.stringify(properties),
        now,
      });
      return result;
    });
  }

  async dropNamespace(
    warehouse: string,
    namespace: NamespacePath,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const path = encodeNamespace(namespace);
    this.write(idempotency, () => {
      if (this.stmt.getNamespace.get({ warehouse, path }) === undefined) {
        throw noSuchNamespace(namespace);
      }
      if (this.stmt.anyObject.get({ warehouse, namespace: path }) !== undefined) {
        throw namespaceNotEmpty(namespace, 'objects');
      }
      if (this.stmt.anyFunction.get({ warehouse, namespace: path }) !== undefined) {
        throw namespaceNotEmpty(namespace, 'functions');
      }
      if (this.hasDescendant(warehouse, path)) throw namespaceNotEmpty(namespace, 'children');
      this.stmt.deleteNamespace.run({ warehouse, path });
    });
  }

  // Tables and views

  async listMetadataLocations(warehouse: string): Promise<string[]> {
    return this.guard(() =>
      (this.stmt.listMetadataLocations.all({ warehouse }) as { location: string }[]).map(
        (r) => r.location,
      ),
    );
  }

  async listObjects(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    page: PageRequest,
  ): Promise<Page<string>> {
    const path = encodeNamespace(namespace);
    const query = decodePageRequest(page);
    return this.guard(() => {
      const rows = this.stmt.listObjects.all({
        warehouse,
        namespace: path,
        kind,
        after: query.after ?? '',
        limit: query.limit ?? -1,
      }) as { name: string }[];
      if (rows.length === 0 && this.stmt.getNamespace.get({ warehouse, path }) === undefined) {
        throw noSuchNamespace(namespace);
      }
      return toPage(
        rows,
        query,
        (r) => r.name,
        (r) => r.name,
      );
    });
  }

  async getObject(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    name: string,
  ): Promise<CatalogObjectRecord | undefined> {
    const row = this.guard(
      () =>
        this.stmt.getObject.get({ warehouse, namespace: encodeNamespace(namespace), name }) as
          ObjectRow | undefined,
    );
    return row !== undefined && row.kind === kind ? toObjectRecord(row) : undefined;
  }

  async createObject(
    warehouse: string,
    record: Omit<CatalogObjectRecord, 'version'>,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const namespace = encodeNamespace(record.namespace);
    validateName(record.name);
    const now = Date.now();
    this.write(idempotency, () => {
      if (this.stmt.getNamespace.get({ warehouse, path: namespace }) === undefined) {
        throw noSuchNamespace(record.namespace);
      }
      const { changes } = this.stmt.insertObject.run({
        warehouse,
        namespace,
        name: record.name,
        kind: record.kind,
        metadataLocation: record.metadataLocation,
        metadataJson: record.metadataJson,
        now,
      });
      if (changes === 0) {
        const existing = this.stmt.getObject.get({ warehouse, namespace, name: record.name }) as
          ObjectRow | undefined;
        throw objectExists(
          (existing?.kind ?? record.kind) as ObjectKind,
          record.namespace,
          record.name,
        );
      }
    });
  }

  async dropObject(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    name: string,
    idempotency?: IdempotencyWrite,
  ): Promise<CatalogObjectRecord> {
    const path = encodeNamespace(namespace);
    return this.write(idempotency, () => {
      const row = this.stmt.deleteObject.get({ warehouse, namespace: path, name, kind }) as
        ObjectRow | undefined;
      if (row === undefined) throw noSuchObject(kind, namespace, name);
      return toObjectRecord(row);
    });
  }

  async renameObject(
    warehouse: string,
    kind: ObjectKind,
    from: { namespace: NamespacePath; name: string },
    to: { namespace: NamespacePath; name: string },
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const fromPath = encodeNamespace(from.namespace);
    const toPath = encodeNamespace(to.namespace);
    validateName(to.name);
    const now = Date.now();
    this.write(idempotency, () => {
      const source = this.stmt.getObject.get({
        warehouse,
        namespace: fromPath,
        name: from.name,
      }) as ObjectRow | undefined;
      if (source === undefined || source.kind !== kind) {
        throw noSuchObject(kind, from.namespace, from.name);
      }
      if (this.stmt.getNamespace.get({ warehouse, path: toPath }) === undefined) {
        throw noSuchNamespace(to.namespace);
      }
      const taken = this.stmt.getObject.get({ warehouse, namespace: toPath, name: to.name }) as
        ObjectRow | undefined;
      if (taken !== undefined) throw objectExists(taken.kind as ObjectKind, to.namespace, to.name);
      this.stmt.renameObject.run({
        warehouse,
        fromNamespace: fromPath,
        fromName: from.name,
        toNamespace: toPath,
        toName: to.name,
        now,
      });
    });
  }

  async commitObjects(
    warehouse: string,
    swaps: ObjectSwap[],
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const ordered = orderSwaps(swaps);
    const now = Date.now();
    this.write(idempotency, () => {
      for (const swap of ordered) {
        const namespace = encodeNamespace(swap.namespace);
        const { changes } = this.stmt.swapObject.run({
          warehouse,
          namespace,
          name: swap.name,
          kind: swap.kind,
          expected: swap.expectedMetadataLocation,
          metadataLocation: swap.metadataLocation,
          metadataJson: swap.metadataJson,
          now,
        });
        if (changes !== 1) {
          // Throwing rolls back the swaps already applied in this transaction.
          const current = this.stmt.getObject.get({ warehouse, namespace, name: swap.name }) as
            ObjectRow | undefined;
          throw commitFailed(swap, current);
        }
      }
    });
  }

  // Functions

  async listFunctions(
    warehouse: string,
    namespace: NamespacePath,
    page: PageRequest,
  ): Promise<Page<string>> {
    const path = encodeNamespace(namespace);
    const query = decodePageRequest(page);
    return this.guard(() => {
      const rows = this.stmt.listFunctions.all({
        warehouse,
        namespace: path,
        after: query.after ?? '',
        limit: query.limit ?? -1,
      }) as { name: string }[];
      if (rows.length === 0 && this.stmt.getNamespace.get({ warehouse, path }) === undefined) {
        throw noSuchNamespace(namespace);
      }
      return toPage(
        rows,
        query,
        (r) => r.name,
        (r) => r.name,
      );
    });
  }

  async getFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
  ): Promise<FunctionRecord | undefined> {
    const row = this.guard(
      () =>
        this.stmt.getFunction.get({ warehouse, namespace: encodeNamespace(namespace), name }) as
          FunctionRow | undefined,
    );
    return row && toFunctionRecord(row);
  }

  async createFunction(
    warehouse: string,
    record: Omit<FunctionRecord, 'version'>,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const namespace = encodeNamespace(record.namespace);
    validateName(record.name);
    const now = Date.now();
    this.write(idempotency, () => {
      if (this.stmt.getNamespace.get({ warehouse, path: namespace }) === undefined) {
        throw noSuchNamespace(record.namespace);
      }
      const { changes } = this.stmt.insertFunction.run({
        warehouse,
        namespace,
        name: record.name,
        metadataJson: record.metadataJson,
        now,
      });
      if (changes === 0) throw functionExists(record.namespace, record.name);
    });
  }

  async replaceFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
    expectedVersion: number,
    metadataJson: string,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const path = encodeNamespace(namespace);
    const now = Date.now();
    this.write(idempotency, () => {
      const { changes } = this.stmt.swapFunction.run({
        warehouse,
        namespace: path,
        name,
        expected: expectedVersion,
        metadataJson,
        now,
      });
      if (changes === 1) return;
      if (this.stmt.getFunction.get({ warehouse, namespace: path, name }) === undefined) {
        throw noSuchFunction(namespace, name);
      }
      throw functionChanged(namespace, name, expectedVersion);
    });
  }

  async dropFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const path = encodeNamespace(namespace);
    this.write(idempotency, () => {
      const { changes } = this.stmt.deleteFunction.run({ warehouse, namespace: path, name });
      if (changes === 0) throw noSuchFunction(namespace, name);
    });
  }

  // Idempotency

  async bindIdempotencyKey(key: string, request: IdempotencyRequest): Promise<IdempotencyRequest> {
    const row = this.guard(() =>
      this.writeTx.immediate(() => {
        this.stmt.bindKey.run({
          key,
          method: request.method,
          path: request.path,
          bodySha256: request.bodySha256,
          querySha256: request.querySha256,
          now: Date.now(),
        });
        return this.stmt.getKeyRequest.get({ key });
      }),
    ) as IdempotencyRequestRow;
    return toIdempotencyRequest(row);
  }

  async getIdempotentResponse(key: string): Promise<StoredResponse | undefined> {
    const row = this.guard(
      () => this.stmt.getKey.get({ key }) as { status: number; body: string } | undefined,
    );
    return row && toStoredResponse(row);
  }

  async recordIdempotentResponse(key: string, response: StoredResponse): Promise<void> {
    this.guard(() =>
      this.stmt.recordKey.run({
        key,
        status: response.status,
        body: serializeBody(response),
        now: Date.now(),
      }),
    );
  }

  async expireIdempotencyKeys(olderThanMs: number): Promise<number> {
    return this.guard(
      () =>
        this.writeTx.immediate(() => {
          const before = olderThanMs;
          const responses = this.stmt.expireKeys.all({ before }) as Array<{ key: string }>;
          const requests = this.stmt.expireKeyRequests.all({ before }) as Array<{ key: string }>;
          return new Set([...responses, ...requests].map((r) => r.key)).size;
        }) as number,
    );
  }

  // Internals

  private hasDescendant(warehouse: string, path: string): boolean {
    const { low, high } = descendantRange(path);
    return this.stmt.anyInRange.get({ warehouse, low, high }) !== undefined;
  }

  /**
   * Runs `fn` in a BEGIN IMMEDIATE transaction (the write lock is taken up front, so a
   * read-then-write never fails half way on SQLITE_BUSY), claiming the idempotency key first:
   * a duplicate key aborts before the mutation runs.
   */
  private write<T>(idempotency: IdempotencyWrite | undefined, fn: () => T): T {
    return this.guard(
      () =>
        this.writeTx.immediate(() => {
          if (idempotency !== undefined) this.claimKey(idempotency);
          return fn();
        }) as T,
    );
  }

  private claimKey({ key, response }: IdempotencyWrite): void {
    try {
      this.stmt.insertKey.run({
        key,
        status: response.status,
        body: serializeBody(response),
        now: Date.now(),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new IdempotencyKeyReplay(key);
      throw err;
    }
  }

  /**
   * SQLITE_BUSY/LOCKED mean the lock was never obtained, so nothing was applied: safe to report
   * as unavailable (the client retries). Anything else propagates as is.
   */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const code = sqliteCode(err);
      if (code?.startsWith('SQLITE_BUSY') || code?.startsWith('SQLITE_LOCKED')) {
        throw new ServiceUnavailableError(
          `the SQLite catalog database at ${this.location} is locked by another process (${code}); retry, or check that only one catalog server uses this file`,
        );
      }
      throw err;
    }
  }
}

function migrate(db: Db, location: string): void {
  db.transaction(() => {
    db.exec(SCHEMA_VERSION_DDL);
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as {
      v: number | null;
    };
    const insert = db.prepare(
      'INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)',
    );
    for (const migration of pendingMigrations(row.v ?? 0, location)) {
      for (const sql of migration.statements('sqlite')) db.exec(sql);
      insert.run(migration.version, migration.description, Date.now());
    }
  }).immediate();
}

function prepareStatements(db: Db) {
  const p = (sql: string): Stmt => db.prepare(sql);
  return {
    ping: p('SELECT 1'),
    insertKey: p(
      'INSERT INTO idempotency_keys (key, status, body, created_at) VALUES (@key, @status, @body, @now)',
    ),
    recordKey: p(
      'INSERT INTO idempotency_keys (key, status, body, created_at) VALUES (@key, @status, @body, @now) ON CONFLICT (key) DO NOTHING',
    ),
    getKey: p('SELECT status, body FROM idempotency_keys WHERE key = @key'),
    // A stored response goes with its key's binding, even when it was stored after the cutoff.
    expireKeys: p(
      `DELETE FROM idempotency_keys
       WHERE created_at < @before OR key IN (SELECT key FROM idempotency_requests WHERE created_at < @before)
       RETURNING key`,
    ),
    expireKeyRequests: p(
      'DELETE FROM idempotency_requests WHERE created_at < @before RETURNING key',
    ),
    bindKey: p(
      `INSERT INTO idempotency_requests (key, method, path, body_sha256, query_sha256, created_at)
       VALUES (@key, @method, @path, @bodySha256, @querySha256, @now)
       ON CONFLICT (key) DO NOTHING`,
    ),
    getKeyRequest: p(
      `SELECT ${IDEMPOTENCY_REQUEST_COLUMNS} FROM idempotency_requests WHERE key = @key`,
    ),
    getNamespace: p(
      'SELECT properties FROM namespaces WHERE warehouse = @warehouse AND path = @path',
    ),
    insertNamespace: p(
      `INSERT INTO namespaces (warehouse, path, parent, depth, properties, created_at, updated_at)
       VALUES (@warehouse, @path, @parent, @depth, @properties, @now, @now)
       ON CONFLICT (warehouse, path) DO NOTHING`,
    ),
    setNamespaceProperties: p(
      'UPDATE namespaces SET properties = @properties, updated_at = @now WHERE warehouse = @warehouse AND path = @path',
    ),
    deleteNamespace: p('DELETE FROM namespaces WHERE warehouse = @warehouse AND path = @path'),
    listNamespaces: p(
      `SELECT path FROM namespaces
       WHERE warehouse = @warehouse AND parent = @parent AND path > @after
       ORDER BY path LIMIT @limit`,
    ),
    anyInRange: p(
      'SELECT 1 FROM namespaces WHERE warehouse = @warehouse AND path >= @low AND path < @high LIMIT 1',
    ),
    anyObject: p(
      'SELECT 1 FROM objects WHERE warehouse = @warehouse AND namespace = @namespace LIMIT 1',
    ),
    anyFunction: p(
      'SELECT 1 FROM functions WHERE warehouse = @warehouse AND namespace = @namespace LIMIT 1',
    ),
    listFunctions: p(
      `SELECT name FROM functions
       WHERE warehouse = @warehouse AND namespace = @namespace AND name > @after
       ORDER BY name LIMIT @limit`,
    ),
    getFunction: p(
      `SELECT ${FUNCTION_COLUMNS} FROM functions WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name`,
    ),
    insertFunction: p(
      `INSERT INTO functions (warehouse, namespace, name, metadata_json, version, created_at, updated_at)
       VALUES (@warehouse, @namespace, @name, @metadataJson, 1, @now, @now)
       ON CONFLICT (warehouse, namespace, name) DO NOTHING`,
    ),
    swapFunction: p(
      `UPDATE functions SET metadata_json = @metadataJson, version = version + 1, updated_at = @now
       WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name AND version = @expected`,
    ),
    deleteFunction: p(
      'DELETE FROM functions WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name',
    ),
    listMetadataLocations: p(
      'SELECT metadata_location AS location FROM objects WHERE warehouse = @warehouse',
    ),
    listObjects: p(
      `SELECT name FROM objects
       WHERE warehouse = @warehouse AND namespace = @namespace AND kind = @kind AND name > @after
       ORDER BY name LIMIT @limit`,
    ),
    getObject: p(
      `SELECT ${OBJECT_COLUMNS} FROM objects WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name`,
    ),
    insertObject: p(
      `INSERT INTO objects (warehouse, namespace, name, kind, metadata_location, metadata_json, version, created_at, updated_at)
       VALUES (@warehouse, @namespace, @name, @kind, @metadataLocation, @metadataJson, 1, @now, @now)
       ON CONFLICT (warehouse, namespace, name) DO NOTHING`,
    ),
    deleteObject: p(
      `DELETE FROM objects WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name AND kind = @kind
       RETURNING ${OBJECT_COLUMNS}`,
    ),
    renameObject: p(
      `UPDATE objects SET namespace = @toNamespace, name = @toName, updated_at = @now
       WHERE warehouse = @warehouse AND namespace = @fromNamespace AND name = @fromName`,
    ),
    swapObject: p(
      `UPDATE objects
       SET metadata_location = @metadataLocation, metadata_json = @metadataJson, version = version + 1, updated_at = @now
       WHERE warehouse = @warehouse AND namespace = @namespace AND name = @name AND kind = @kind
         AND metadata_location = @expected`,
    ),
  };
}
