/**
 * Conformance with Apache Iceberg's Java client (RESTCatalog 1.10.1, the client Spark, Flink and
 * Trino embed): each scenario runs java/IcebergJavaClient.java against our real server, on SQLite
 * and on PostgreSQL, and the test asserts what the Java client reported, exception classes and
 * messages included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogServer, type RunningCatalog } from '../../../src/catalog/index.js';
import { freshDatabaseUrl, silentLogger, stopSharedPostgres } from '../../support/catalog-app.js';
import { javaScenarioRunner, type JavaScenarioRunner } from '../../support/java-iceberg.js';

const PROGRAM = fileURLToPath(new URL('./java/IcebergJavaClient.java', import.meta.url));

let runner: JavaScenarioRunner;

beforeAll(async () => {
  runner = await javaScenarioRunner(PROGRAM);
});

afterAll(async () => {
  await stopSharedPostgres();
});

const fail = (error: string, message: string) => ({ error, message });
const ok = (value: unknown) => ({ ok: value });

describe.each(['sqlite', 'postgres'] as const)('Java RESTCatalog on %s', (store) => {
  let dir: string;
  let server: RunningCatalog;
  let uri: string;
  const run = (scenario: string, ns: string, ...args: string[]) =>
    runner.run(uri, scenario, ns, ...args) as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-java-'));
    server = await startCatalogServer({
      host: '127.0.0.1',
      port: 0,
      db: await freshDatabaseUrl(store, dir),
      warehouses: [{ name: 'default', location: `file://${join(dir, 'wh')}` }],
      s3: {},
      logger: silentLogger,
    });
    uri = server.url;
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a table with fresh ids, as TableMetadata.newTableMetadata assigns them', async () => {
    const r = await run('create-fresh-ids', 'fresh');
    const expected = {
      schemaId: 0,
      schema: ['1:id:long', '2:data:string'],
      schemas: [0],
      lastColumnId: 2,
      spec: { specId: 0, fields: ['1000:data:identity(2)'] },
      specs: [0],
      lastPartitionId: 1000,
      sortOrder: { orderId: 1, fields: ['identity(1) ASC NULLS FIRST'] },
    };
    expect(r['created']).toMatchObject(expected);
    expect(r['loaded']).toMatchObject(expected);
  });

  it('commits a create transaction, and a second one for the same name fails', async () => {
    const r = await run('create-transaction', 'ctxn');
    expect(r['existsBeforeCommit']).toBe(false);
    expect(r['loaded']).toMatchObject({
      schema: ['1:id:long', '2:data:string', '3:extra:int'],
      lastColumnId: 3,
      spec: { specId: 0, fields: ['1000:id_bucket:bucket[8](1)'] },
      lastPartitionId: 1000,
      properties: { owner: 'java', stage: 'txn' },
    });
    expect(r['secondCreate']).toEqual(
      fail('AlreadyExistsException', 'Table already exists: ctxn.t'),
    );
  });

  it('commits replace transactions, keeping ids by name as Java assigns them', async () => {
    const r = await run('replace-transaction', 'rtxn');
    expect(r['replaced']).toMatchObject({
      schemaId: 1,
      // "data" keeps its id 2; "ts" is new, after the table's last column id.
      schema: ['2:data:string', '3:ts:timestamptz'],
      schemas: [0, 1],
      lastColumnId: 3,
      spec: { specId: 1, fields: ['1000:ts_day:day(3)'] },
    });
    expect(r['createdByReplace']).toMatchObject({
      schema: ['1:id:long', '2:data:string'],
      lastColumnId: 2,
    });
    expect(r['replaceMissing']).toEqual(
      fail('NoSuchTableException', 'Table does not exist: rtxn.nope'),
    );
  });

  it('lets one of two concurrent replace transactions win; the other fails or reapplies', async () => {
    const r = await run('concurrent-replace', 'crep');
    expect(r['first']).toEqual(ok('committed'));
    const second = r['second'] as Record<string, unknown>;
    const loaded = r['loaded'] as Record<string, unknown>;
    if ('error' in second) {
      expect(second['error']).toBe('CommitFailedException');
      expect(loaded['schema']).toEqual(['3:a:int']);
    } else {
      expect(second).toEqual(ok('committed'));
      expect(loaded['schema']).toEqual(['4:b:long']);
    }
  });

  it('evolves schema, spec and sort order, accepts a stale last-column-id, and reverts the schema', async () => {
    const r = await run('evolution', 'evo');
    expect(r['afterRename']).toMatchObject({
      schemaId: 2,
      schema: ['1:id:long', '2:payload:string', '3:extra:int'],
      lastColumnId: 3,
    });
    // The client sent last-column-id 2 (the new schema's highest id); ids never go backwards.
    expect(r['afterDelete']).toMatchObject({
      schemaId: 3,
      schema: ['1:id:long', '2:payload:string'],
      schemas: [0, 1, 2, 3],
      lastColumnId: 3,
    });
    expect(r['afterAddField']).toMatchObject({
      spec: { specId: 1, fields: ['1000:payload:identity(2)'] },
      lastPartitionId: 1000,
    });
    // Unpartitioned again: like Java's builder, the existing compatible spec 0 is reused.
    expect(r['afterRemoveField']).toMatchObject({ spec: { specId: 0, fields: [] }, specs: [0, 1] });
    expect(r['afterSort']).toMatchObject({
      sortOrder: {
        orderId: 1,
        fields: ['identity(1) ASC NULLS FIRST', 'identity(2) DESC NULLS LAST'],
      },
    });
    expect(r['afterRevert']).toMatchObject({
      schemaId: 0,
      schema: ['1:id:long', '2:data:string'],
      lastColumnId: 3,
    });
    expect(r['afterAddOnRevert']).toMatchObject({
      schema: ['1:id:long', '2:data:string', '4:later:string'],
      lastColumnId: 4,
    });
  });

  it('renames, registers and drops tables and views with the reference exceptions', async () => {
    const r = await run('names', 'nm');
    expect(r).toEqual({
      createNamespaceAgain: fail('AlreadyExistsException', 'Namespace already exists: nm'),
      createTableAgain: fail('AlreadyExistsException', 'Table already exists: nm.t1'),
      createTableOnView: fail(
        'AlreadyExistsException',
        'View with same name already exists: nm.v1',
      ),
      createViewAgain: fail('AlreadyExistsException', 'View already exists: nm.v1'),
      createViewOnTable: fail(
        'AlreadyExistsException',
        'Table with same name already exists: nm.t1',
      ),
      renameTable: ok(true),
      renameTableOntoTable: fail('AlreadyExistsException', 'Table already exists: nm.t3'),
      renameTableOntoView: fail(
        'AlreadyExistsException',
        'Cannot rename nm.t2 to nm.v1. View already exists',
      ),
      renameViewOntoTable: fail(
        'AlreadyExistsException',
        'Cannot rename nm.v1 to nm.t2. Table already exists',
      ),
      renameViewOntoView: fail(
        'AlreadyExistsException',
        'Cannot rename nm.v1 to nm.v2. View already exists',
      ),
      renameMissingTable: fail('NoSuchTableException', 'Table does not exist: nm.t1'),
      renameMissingView: fail('NoSuchViewException', 'View does not exist: nm.nov'),
      renameTableToMissingNamespace: fail(
        'NoSuchNamespaceException',
        'Namespace does not exist: nons',
      ),
      renameView: ok(true),
      register: ok(2),
      registeredLoads: ok(true),
      dropTable: ok(true),
      dropTableAgain: ok(false),
      loadDropped: fail('NoSuchTableException', 'Table does not exist: nm.t2'),
      dropView: ok(true),
      dropViewAgain: ok(false),
      loadDroppedView: fail('NoSuchViewException', 'View does not exist: nm.v2'),
      tables: ['nm.registered', 'nm.t3'],
      views: ['nm.v3'],
    });
  });

  it('answers NoSuchTable / NoSuchView for loads in a missing namespace, NoSuchNamespace for lists and creates', async () => {
    const r = await run('missing-namespace', 'absent');
    expect(r).toEqual({
      loadTable: fail('NoSuchTableException', 'Table does not exist: absent.t'),
      tableExists: ok(false),
      loadView: fail('NoSuchViewException', 'View does not exist: absent.v'),
      viewExists: ok(false),
      listTables: fail('NoSuchNamespaceException', 'Namespace does not exist: absent'),
      createTable: fail('NoSuchNamespaceException', 'Namespace does not exist: absent'),
      createView: fail('NoSuchNamespaceException', 'Namespace does not exist: absent'),
      dropTable: ok(false),
    });
  });

  it('loads metadata tables (ns.t.files), which the client resolves after a NoSuchTable', async () => {
    const r = await run('metadata-tables', 'meta');
    expect(r).toEqual({
      files: ok('FilesTable java.meta.t.files'),
      snapshots: ok('SnapshotsTable java.meta.t.snapshots'),
      history: ok('HistoryTable java.meta.t.history'),
      // The client reports the metadata table's own 404 when its base is missing too.
      missingBase: fail('NoSuchTableException', 'Table does not exist: meta.nope.files'),
    });
  });

  it('round-trips views without a default catalog, never storing a null for it', async () => {
    const r = await run('views', 'vw');
    const first = {
      versionId: 1,
      defaultCatalog: 'null',
      defaultNamespace: 'vw',
      sql: 'SELECT 1 AS n',
      schema: ['1:n:long'],
    };
    expect(r['created']).toEqual(first);
    expect(r['loaded']).toEqual(first);
    expect(r['replaced']).toEqual({
      versionId: 2,
      defaultCatalog: 'null',
      defaultNamespace: 'vw',
      sql: "SELECT 'x' AS m",
      schema: ['1:m:string'],
    });
    expect(r['viewExists']).toBe(true);

    // Clients other than Java send the unset field as null; it is stored and served absent.
    const body = {
      name: 'from_null',
      schema: { type: 'struct', fields: [{ id: 1, name: 'n', type: 'long', required: false }] },
      'view-version': {
        'version-id': 1,
        'timestamp-ms': Date.now(),
        'schema-id': 0,
        summary: {},
        representations: [{ type: 'sql', sql: 'SELECT 2 AS n', dialect: 'spark' }],
        'default-catalog': null,
        'default-namespace': ['vw'],
      },
      properties: {},
    };
    const res = await fetch(`${uri}/v1/namespaces/vw/views`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as {
      'metadata-location': string;
      metadata: { versions: Record<string, unknown>[] };
    };
    expect(created.metadata.versions[0]).not.toHaveProperty('default-catalog');
    const file = JSON.parse(
      readFileSync(new URL(created['metadata-location']), 'utf8'),
    ) as typeof created.metadata;
    expect(file.versions[0]).not.toHaveProperty('default-catalog');
    const loaded = await run('load-view', 'vw', 'from_null');
    expect(loaded['view']).toMatchObject({ defaultCatalog: 'null', sql: 'SELECT 2 AS n' });
  });
});
