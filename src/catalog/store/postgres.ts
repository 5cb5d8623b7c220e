/**
 * The catalog store on PostgreSQL through a pg.Pool. Concurrency control is the database's: a
 * commit is `UPDATE ... WHERE metadata_location = $expected` (READ COMMITTED re-checks the WHERE
 * against the latest row version after waiting for a concurrent writer's lock, so exactly one of
 * N racing commits on a base matches), and the row count says whether the swap happened.
 *
 * Operations that are one statement run without BEGIN/COMMIT (one round trip); the rest, and
 * everything carrying an idempotency key, run in a transaction.
 */
import pg from 'pg';
import { AlreadyExistsError, CommitFailedError, ServiceUnavailableError } from '../errors.js';
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
  redactUrl,
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

type Queryable = pg.Pool | pg.PoolClient;

export interface PostgresOpenOptions {
  /** Pool size; the benchmark's 32 clients mostly wait on row locks, not on connections. */
  maxConnections?: number;
  /** Limit on connecting and on waiting for a free pooled connection. */
  connectTimeoutMs?: number;
}

/** Serializes concurrent migrations from servers starting at once; any fixed 64-bit number. */
const MIGRATION_LOCK_ID = 7_305_231_914_025_001;

const SQL = {
  getObject: `SELECT ${OBJECT_COLUMNS} FROM objects WHERE warehouse = $1 AND namespace = $2 AND name = $3`,
  swapObject: `UPDATE objects
    SET metadata_location = $6, metadata_json = $7, version = version + 1, updated_at = $8
    WHERE warehouse = $1 AND namespace = $2 AND name = $3 AND kind = $4 AND metadata_location = $5`,
  getNamespace: 'SELECT properties FROM namespaces WHERE warehouse = $1 AND path = $2',
  insertKey: 'INSERT INTO idempotency_keys (key, status, body, created_at) VALUES ($1, $2, $3, $4)',
} as const;

// PostgreSQL error handling.

interface PgError {
  code?: string;
  table?: string;
  message?: string;
}

function pgCode(err: unknown): string | undefined {
  const code = (err as PgError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a connection failed, and what to do about it; undefined if `err` is not about the connection. */
function connectionProblem(err: unknown): { reason: string; hint: string } | undefined {
  const code = pgCode(err);
  const message = (err as PgError | null)?.message ?? '';
  const check = 'check --db';
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'connection refused', hint: `is the server running? ${check}` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: 'host not found', hint: `check the host name in --db` };
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: 'host unreachable', hint: `is the host up and the port open? ${check}` };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'connection reset', hint: `did the server restart? ${check}` };
    case '28P01':
    case '28000':
      return {
        reason: 'authentication failed',
        hint: 'check the user and password in --db and the server pg_hba.conf',
      };
    case '3D000':
      return { reason: 'database does not exist', hint: `create it (createdb) or ${check}` };
    case '57P01':
    case '57P02':
    case '57P03':
      return { reason: 'server shutting down or starting up', hint: 'retry in a moment' };
    case '53300':
      return {
        reason: 'too many connections',
        hint: 'raise max_connections on the server or lower the pool size',
      };
  }
  if (code?.startsWith('08')) return { reason: 'connection failure', hint: check };
  if (/timeout exceeded when trying to connect|connection timeout/i.test(message)) {
    return {
      reason: 'timed out connecting',
      hint: `is the server overloaded or unreachable? ${check}`,
    };
  }
  if (/Connection terminated|Client has encountered a connection error/i.test(message)) {
    return { reason: 'connection lost', hint: `did the server restart? ${check}` };
  }
  return undefined;
}

/** host:port as the user wrote it in the URL, for messages. Throws on a malformed URL. */
function describeEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(
      `malformed database URL "${redactUrl(url)}": expected postgres://user[:password]@host[:port]/database`,
    );
  }
  const socketHost = parsed.searchParams.get('host');
  const host = socketHost ?? (parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost');
  return `${host}:${parsed.port || '5432'}`;
}

export class PostgresCatalogStore implements CatalogStore {
  readonly dialect = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly endpoint: string,
  ) {}

  /**
   * Connects, migrates under an advisory lock, and returns the store. Throws an Error naming
   * host:port and what to check when the server cannot be reached.
   */
  static async open(url: string, options: PostgresOpenOptions = {}): Promise<PostgresCatalogStore> {
    const endpoint = describeEndpoint(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 16,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle pooled client whose server connection dies emits 'error' on the pool; unhandled,
    // that would crash the process. The pool already discards the client; the next query
    // opens a fresh connection or reports the outage itself.
    pool.on('error', () => undefined);
    const store = new PostgresCatalogStore(pool, endpoint);
    try {
      await store.migrate();
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      const problem = connectionProblem(err);
      if (problem) {
        throw new Error(
          `cannot connect to PostgreSQL at ${endpoint} (${problem.reason}): ${problem.hint}`,
          { cause: err },
        );
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`cannot open the PostgreSQL catalog database at ${endpoint}: ${reason}`, {
        cause: err,
      });
    }
  }

  async ping(): Promise<void> {
    await this.read((c) => c.query('SELECT 1'));
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
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
    await this.write(idempotency, async (c) => {
      const { rowCount } = await c.query(
        `INSERT INTO namespaces (warehouse, path, parent, depth, properties, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (warehouse, path) DO NOTHING`,
        [warehouse, path, parentPath(namespace), namespace.length, JSON.stringify(properties), now],
      );
      if (rowCount === 0) throw namespaceExists(namespace);
    });
  }

  async getNamespace(
    warehouse: string,
    namespace: NamespacePath,
  ): Promise<NamespaceRecord | undefined> {
    const path = encodeNamespace(namespace);
    const { rows } = await this.read((c) =>
      c.query<{ properties: string }>({
        name: 'lh_get_namespace',
        text: SQL.getNamespace,
        values: [warehouse, path],
      }),
    );
    const row = rows[0];
    return row && { namespace: [...namespace], properties: parseProperties(row.properties) };
  }

  async listNamespaces(
    warehouse: string,
    parent: NamespacePath | undefined,
    page: PageRequest,
  ): Promise<Page<string[]>> {
    const parentKey = parent === undefined ? '' : encodeNamespace(parent);
    const query = decodePageRequest(page);
    return this.read(async (c) => {
      const { rows } = await c.query<{ path: string }>(
        `SELECT path FROM namespaces WHERE warehouse = $1 AND parent = $2 AND path > $3
         ORDER BY path LIMIT $4`,
        [warehouse, parentKey, query.after ?? '', query.limit ?? null],
      );
      if (parent !== undefined && rows.length === 0) {
        // A parent with no row still exists implicitly while a namespace lies beneath it.
        const { low, high } = descendantRange(parentKey);
        const found = await c.query(
          `SELECT 1 FROM namespaces WHERE warehouse = $1
           AND (path = $2 OR (path >= $3 AND path < $4)) LIMIT 1`,
          [warehouse, parentKey, low, high],
        );
        if (found.rowCount === 0) throw noSuchNamespace(parent);
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
    return this.transaction(idempotency, async (c) => {
      const { rows } = await c.query<{ properties: string }>(`${SQL.getNamespace} FOR UPDATE`, [
        warehouse,
        path,
      ]);
      const row = rows[0];
      if (row === undefined) throw noSuchNamespace(namespace);
      const { properties, result } = applyPropertyChanges(
        parseProperties(row.properties),
        removals,
        updates,
      );
      await c.query(
        'UPDATE namespaces SET properties = $3, updated_at = $4 WHERE warehouse = $1 AND path = $2',
        [warehouse, path, JSON.stringify(properties), Date.now()],
      );
      return result;
    });
  }

  async dropNamespace(
    warehouse: string,
    namespace: NamespacePath,
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const path = encodeNamespace(namespace);
    const { low, high } = descendantRange(path);
    await this.transaction(idempotency, async (c) => {
      // FOR UPDATE conflicts with the KEY SHARE lock a concurrent createObject's foreign key
      // check takes, so no object can appear in the namespace between the check and the delete.
      const found = await c.query(`${SQL.getNamespace} FOR UPDATE`, [warehouse, path]);
      if (found.rowCount === 0) throw noSuchNamespace(namespace);
      const held = await c.query<{ objects: boolean; functions: boolean; children: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM objects WHERE warehouse = $1 AND namespace = $2) AS objects,
                EXISTS (SELECT 1 FROM functions WHERE warehouse = $1 AND namespace = $2) AS functions,
                EXISTS (SELECT 1 FROM namespaces WHERE warehouse = $1 AND path >= $3 AND path < $4) AS children`,
        [warehouse, path, low, high],
      );
      if (held.rows[0]?.objects) throw namespaceNotEmpty(namespace, 'objects');
      if (held.rows[0]?.functions) throw namespaceNotEmpty(namespace, 'functions');
      if (held.rows[0]?.children) throw namespaceNotEmpty(namespace, 'children');
      await c.query('DELETE FROM namespaces WHERE warehouse = $1 AND path = $2', [warehouse, path]);
    });
  }

  // Tables and views

  async listMetadataLocations(warehouse: string): Promise<string[]> {
    return this.read(async (c) => {
      const { rows } = await c.query<{ location: string }>(
        'SELECT metadata_location AS location FROM objects WHERE warehouse = $1',
        [warehouse],
      );
      return rows.map((r) => r.location);
    });
  }

  async listObjects(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    page: PageRequest,
  ): Promise<Page<string>> {
    const path = encodeNamespace(namespace);
    const query = decodePageRequest(page);
    return this.read(async (c) => {
      const { rows } = await c.query<{ name: string }>(
        `SELECT name FROM objects WHERE warehouse = $1 AND namespace = $2 AND kind = $3 AND name > $4
         ORDER BY name LIMIT $5`,
        [warehouse, path, kind, query.after ?? '', query.limit ?? null],
      );
      if (rows.length === 0) {
        const found = await c.query(SQL.getNamespace, [warehouse, path]);
        if (found.rowCount === 0) throw noSuchNamespace(namespace);
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
    const path = encodeNamespace(namespace);
    // The hot path: one primary-key lookup through a statement each connection prepares once.
    const { rows } = await this.read((c) =>
      c.query<ObjectRow>({
        name: 'lh_get_object',
        text: SQL.getObject,
        values: [warehouse, path, name],
      }),
    );
    const row = rows[0];
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
    await this.write(idempotency, async (c) => {
      let inserted: number | null;
      try {
        // The foreign key doubles as the namespace existence check: one statement, one trip.
        ({ rowCount: inserted } = await c.query(
          `INSERT INTO objects (warehouse, namespace, name, kind, metadata_location, metadata_json, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)
           ON CONFLICT (warehouse, namespace, name) DO NOTHING`,
          [
            warehouse,
            namespace,
            record.name,
            record.kind,
            record.metadataLocation,
            record.metadataJson,
            now,
          ],
        ));
      } catch (err) {
        if (pgCode(err) === '23503') throw noSuchNamespace(record.namespace);
        throw err;
      }
      if (inserted === 0) {
        const { rows } = await c.query<ObjectRow>(SQL.getObject, [
          warehouse,
          namespace,
          record.name,
        ]);
        const existingKind = (rows[0]?.kind ?? record.kind) as ObjectKind;
        throw objectExists(existingKind, record.namespace, record.name);
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
    return this.write(idempotency, async (c) => {
      const { rows } = await c.query<ObjectRow>(
        `DELETE FROM objects WHERE warehouse = $1 AND namespace = $2 AND name = $3 AND kind = $4
         RETURNING ${OBJECT_COLUMNS}`,
        [warehouse, path, name, kind],
      );
      const row = rows[0];
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
    await this.transaction(idempotency, async (c) => {
      const source = await c.query<ObjectRow>(`${SQL.getObject} FOR UPDATE`, [
        warehouse,
        fromPath,
        from.name,
      ]);
      if (source.rows[0]?.kind !== kind) throw noSuchObject(kind, from.namespace, from.name);
      const target = await c.query<{ ns: boolean; kind: string | null }>(
        `SELECT EXISTS (SELECT 1 FROM namespaces WHERE warehouse = $1 AND path = $2) AS ns,
                (SELECT kind FROM objects WHERE warehouse = $1 AND namespace = $2 AND name = $3) AS kind`,
        [warehouse, toPath, to.name],
      );
      if (!target.rows[0]?.ns) throw noSuchNamespace(to.namespace);
      const takenBy = target.rows[0].kind;
      if (takenBy !== null) throw objectExists(takenBy as ObjectKind, to.namespace, to.name);
      try {
        await c.query(
          `UPDATE objects SET namespace = $4, name = $5, updated_at = $6
           WHERE warehouse = $1 AND namespace = $2 AND name = $3`,
          [warehouse, fromPath, from.name, toPath, to.name, Date.now()],
        );
      } catch (err) {
        // Lost a race after the checks above: someone created the name, or dropped the namespace.
        if (pgCode(err) === '23505') throw objectExists(kind, to.namespace, to.name);
        if (pgCode(err) === '23503') throw noSuchNamespace(to.namespace);
        throw err;
      }
    });
  }

  async commitObjects(
    warehouse: string,
    swaps: ObjectSwap[],
    idempotency?: IdempotencyWrite,
  ): Promise<void> {
    const ordered = orderSwaps(swaps);
    const now = Date.now();
    // One swap alone is atomic as a single UPDATE: no transaction, one round trip.
    const run = ordered.length === 1 ? this.write.bind(this) : this.transaction.bind(this);
    await run(idempotency, async (c) => {
      for (const swap of ordered) {
        const namespace = encodeNamespace(swap.namespace);
        const { rowCount } = await c.query({
          name: 'lh_swap_object',
          text: SQL.swapObject,
          values: [
            warehouse,
            namespace,
            swap.name,
            swap.kind,
            swap.expectedMetadataLocation,
            swap.metadataLocation,
            swap.metadataJson,
            now,
          ],
        });
        if (rowCount !== 1) {
          // Throwing rolls back the swaps already applied in this transaction.
          const { rows } = await c.query<ObjectRow>(SQL.getObject, [
            warehouse,
            namespace,
            swap.name,
          ]);
          throw commitFailed(swap, rows[0]);
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
    return this.read(async (c) => {
      const { rows } = await c.query<{ name: string }>(
        `SELECT name FROM functions WHERE warehouse = $1 AND namespace = $2 AND name > $3
         ORDER BY name LIMIT $4`,
        [warehouse, path, query.after ?? '', query.limit ?? null],
      );
      if (rows.length === 0) {
        const found = await c.query(SQL.getNamespace, [warehouse, path]);
        if (found.rowCount === 0) throw noSuchNamespace(namespace);
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
    const path = encodeNamespace(namespace);
    const { rows } = await this.read((c) =>
      c.query<FunctionRow>(
        `SELECT ${FUNCTION_COLUMNS} FROM functions WHERE warehouse = $1 AND namespace = $2 AND name = $3`,
        [warehouse, path, name],
      ),
    );
    const row = rows[0];
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
    await this.write(idempotency, async (c) => {
      let inserted: number | null;
      try {
        // The foreign key doubles as the namespace existence check: one statement, one trip.
        ({ rowCount: inserted } = await c.query(
          `INSERT INTO functions (warehouse, namespace, name, metadata_json, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 1, $5, $5)
           ON CONFLICT (warehouse, namespace, name) DO NOTHING`,
          [warehouse, namespace, record.name, record.metadataJson, now],
        ));
      } catch (err) {
        if (pgCode(err) === '23503') throw noSuchNamespace(record.namespace);
        throw err;
      }
      if (inserted === 0) throw functionExists(record.namespace, record.name);
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
    await this.write(idempotency, async (c) => {
      // READ COMMITTED re-checks the WHERE after a concurrent writer's commit: one racer wins.
      const { rowCount } = await c.query(
        `UPDATE functions SET metadata_json = $5, version = version + 1, updated_at = $6
         WHERE warehouse = $1 AND namespace = $2 AND name = $3 AND version = $4`,
        [warehouse, path, name, expectedVersion, metadataJson, Date.now()],
      );
      if (rowCount === 1) return;
      const found = await c.query(
        'SELECT 1 FROM functions WHERE warehouse = $1 AND namespace = $2 AND name = $3',
        [warehouse, path, name],
      );
      if (found.rowCount === 0) throw noSuchFunction(namespace, name);
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
    await this.write(idempotency, async (c) => {
      const { rowCount } = await c.query(
        'DELETE FROM functions WHERE warehouse = $1 AND namespace = $2 AND name = $3',
        [warehouse, path, name],
      );
      if (rowCount === 0) throw noSuchFunction(namespace, name);
    });
  }

  // Idempotency

  async bindIdempotencyKey(key: string, request: IdempotencyRequest): Promise<IdempotencyRequest> {
    // Binding the same request twice changes nothing, so a connection lost at any point is as
    // safe to retry as a read. Two statements, not one: a SELECT in the INSERT's statement would
    // not see a binding committed concurrently, which the INSERT waited for.
    const { rows } = await this.read(async (c) => {
      await c.query(
        `INSERT INTO idempotency_requests (key, method, path, body_sha256, query_sha256, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`,
        [key, request.method, request.path, request.bodySha256, request.querySha256, Date.now()],
      );
      return c.query<IdempotencyRequestRow>(
        `SELECT ${IDEMPOTENCY_REQUEST_COLUMNS} FROM idempotency_requests WHERE key = $1`,
        [key],
      );
    });
    const row = rows[0];
    // Only an expiry between the two statements removes it; the request is then the first again.
    return row ? toIdempotencyRequest(row) : this.bindIdempotencyKey(key, request);
  }

  async getIdempotentResponse(key: string): Promise<StoredResponse | undefined> {
    const { rows } = await this.read((c) =>
      c.query<{ status: number; body: string }>(
        'SELECT status, body FROM idempotency_keys WHERE key = $1',
        [key],
      ),
    );
    const row = rows[0];
    return row && toStoredResponse(row);
  }

  async recordIdempotentResponse(key: string, response: StoredResponse): Promise<void> {
    await this.write(undefined, (c) =>
      c.query(`${SQL.insertKey} ON CONFLICT (key) DO NOTHING`, [
        key,
        response.status,
        serializeBody(response),
        Date.now(),
      ]),
    );
  }

  async expireIdempotencyKeys(olderThanMs: number): Promise<number> {
    return this.transaction(undefined, async (c) => {
      // A stored response goes with its key's binding, even when it was stored after the cutoff.
      const responses = await c.query<{ key: string }>(
        `DELETE FROM idempotency_keys
         WHERE created_at < $1 OR key IN (SELECT key FROM idempotency_requests WHERE created_at < $1)
         RETURNING key`,
        [olderThanMs],
      );
      const requests = await c.query<{ key: string }>(
        'DELETE FROM idempotency_requests WHERE created_at < $1 RETURNING key',
        [olderThanMs],
      );
      return new Set([...responses.rows, ...requests.rows].map((r) => r.key)).size;
    });
  }

  // Internals

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Held to the end of the transaction: a second server starting now waits here, then
      // finds the migrations applied.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
      await client.query(SCHEMA_VERSION_DDL);
      const { rows } = await client.query<{ v: number | null }>(
        'SELECT MAX(version) AS v FROM schema_version',
      );
      for (const migration of pendingMigrations(rows[0]?.v ?? 0, this.endpoint)) {
        for (const sql of migration.statements('postgres')) await client.query(sql);
        await client.query(
          'INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.description, Date.now()],
        );
      }
      await client.query('COMMIT');
      client.release();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw err;
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      // Nothing was sent: whatever was asked for is known not to have happened.
      throw this.unavailable(err) ?? err;
    }
  }

  private unavailable(err: unknown): ServiceUnavailableError | undefined {
    const problem = connectionProblem(err);
    return (
      problem &&
      new ServiceUnavailableError(
        `cannot reach the catalog database (PostgreSQL at ${this.endpoint}): ${problem.reason}; ${problem.hint}`,
      )
    );
  }

  /** A read: a connection failure at any point changed nothing. */
  private async read<T>(fn: (c: Queryable) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (err) {
      const unavailable = this.unavailable(err);
      client.release(unavailable ? (err as Error) : undefined);
      throw unavailable ?? err;
    }
  }

  /**
   * A mutation that is one autocommitted statement — unless it carries an idempotency key,
   * which must be claimed in the same transaction, so it becomes a transaction.
   */
  private async write<T>(
    idempotency: IdempotencyWrite | undefined,
    fn: (c: Queryable) => Promise<T>,
  ): Promise<T> {
    if (idempotency !== undefined) return this.transaction(idempotency, fn);
    const client = await this.connect();
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (err) {
      if (connectionProblem(err)) {
        client.release(err as Error);
        // The statement may have committed before the connection dropped.
        throw outcomeUnknown(this.endpoint, err);
      }
      client.release();
      throw mapTransactionError(err);
    }
  }

  /** BEGIN, claim the idempotency key first, run `fn`, COMMIT; ROLLBACK on any error. */
  private async transaction<T>(
    idempotency: IdempotencyWrite | undefined,
    fn: (c: Queryable) => Promise<T>,
  ): Promise<T> {
    const client = await this.connect();
    let committing = false;
    try {
      await client.query('BEGIN');
      if (idempotency !== undefined) await claimKey(client, idempotency);
      const result = await fn(client);
      committing = true;
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      if (connectionProblem(err)) {
        client.release(err as Error);
        // Before COMMIT was sent, the server rolls back when the connection goes; after, the
        // commit may or may not have landed.
        throw committing ? outcomeUnknown(this.endpoint, err) : (this.unavailable(err) ?? err);
      }
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackErr) {
        client.release(rollbackErr as Error);
      }
      throw mapTransactionError(err);
    }
  }
}

async function claimKey(client: Queryable, { key, response }: IdempotencyWrite): Promise<void> {
  try {
    await client.query({
      name: 'lh_insert_key',
      text: SQL.insertKey,
      values: [key, response.status, serializeBody(response), Date.now()],
    });
  } catch (err) {
    // A concurrent request with this key inserted it first: we waited for it to commit.
    if (pgCode(err) === '23505') throw new IdempotencyKeyReplay(key);
    throw err;
  }
}

/** Errors that mean "rolled back, retry": the swap did not happen. */
function mapTransactionError(err: unknown): unknown {
  const code = pgCode(err);
  if (code === '40P01' || code === '40001') {
    return new CommitFailedError(
      'Commit failed: a concurrent transaction conflicted with this one; refresh and retry',
    );
  }
  if (code === '23505') {
    const table = (err as PgError).table;
    if (table === 'idempotency_keys') return new IdempotencyKeyReplay('(unknown)');
    return new AlreadyExistsError(`Already exists: ${(err as PgError).message ?? ''}`);
  }
  return err;
}

function outcomeUnknown(endpoint: string, err: unknown): Error {
  const problem = connectionProblem(err);
  return new Error(
    `lost the connection to PostgreSQL at ${endpoint} (${problem?.reason ?? 'connection lost'}) while committing; the change may or may not have been applied`,
    { cause: err },
  );
}
