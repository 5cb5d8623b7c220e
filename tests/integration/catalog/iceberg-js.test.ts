/**
 * Drives our Iceberg REST catalog with iceberg-js, a real third-party TypeScript client: a
 * namespace and a table through their whole life (create, load, list, exists, drop) on MinIO.
 */
import {
  getCurrentSchema,
  IcebergError,
  IcebergRestCatalog,
  type CreateTableRequest,
} from 'iceberg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';

const BUCKET = 'lakehouse-js';
const WAREHOUSE = `s3://${BUCKET}/warehouse`;
const NS = ['js_it'];
const CHILD_NS = ['js_it', 'nested'];
const TABLE = { namespace: NS, name: 'orders' };
const TABLE_KEY_PREFIX = 'warehouse/js_it/orders/';

const SCHEMA_FIELDS = [
  { id: 1, name: 'order_id', type: 'long', required: true },
  { id: 2, name: 'customer', type: 'string', required: false },
  { id: 3, name: 'placed_at', type: 'timestamptz', required: false },
  // Not a decimal: iceberg-js types it as an object, the REST spec as the string "decimal(P,S)".
  { id: 4, name: 'total', type: 'double', required: false },
] satisfies CreateTableRequest['schema']['fields'];

const CREATE: CreateTableRequest = {
  name: TABLE.name,
  schema: { type: 'struct', 'schema-id': 0, fields: SCHEMA_FIELDS, 'identifier-field-ids': [1] },
  // Unpartitioned: iceberg-js 0.7 types partition fields as `source_id`/`field_id`, while the
  // REST spec (and our catalog) use `source-id`/`field-id`.
  'partition-spec': { 'spec-id': 0, fields: [] },
  'write-order': { 'order-id': 0, fields: [] },
  properties: { 'write.format.default': 'parquet', owner: 'iceberg-js' },
};

let minio: MinioServer;
let server: CatalogProcess;
let catalog: IcebergRestCatalog;

beforeAll(async () => {
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  server = await spawnCatalog({
    warehouse: WAREHOUSE,
    s3: {
      endpoint: minio.endpoint,
      region: minio.region,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    },
  });
  catalog = new IcebergRestCatalog({ baseUrl: server.url, auth: { type: 'none' } });
});

afterAll(async () => {
  await server?.stop();
  await minio?.stop();
});

/** The IcebergError a call fails with (fails the test if it succeeds or throws something else). */
async function icebergError(call: Promise<unknown>): Promise<IcebergError> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IcebergError);
  return err as IcebergError;
}

describe('iceberg-js against our REST catalog', () => {
  let tableUuid: string | undefined;

  it('creates, lists and drops namespaces, nested ones included', async () => {
    await catalog.createNamespace({ namespace: NS }, { properties: { owner: 'iceberg-js' } });
    await catalog.createNamespace({ namespace: CHILD_NS });
    expect(await catalog.namespaceExists({ namespace: NS })).toBe(true);
    expect((await catalog.loadNamespaceMetadata({ namespace: NS })).properties.owner).toBe(
      'iceberg-js',
    );
    expect(await catalog.listNamespaces()).toEqual([{ namespace: NS }]);
    expect(await catalog.listNamespaces({ namespace: NS })).toEqual([{ namespace: CHILD_NS }]);
    expect((await icebergError(catalog.createNamespace({ namespace: NS }))).status).toBe(409);

    await catalog.dropNamespace({ namespace: CHILD_NS });
    expect(await catalog.namespaceExists({ namespace: CHILD_NS })).toBe(false);
    expect(await catalog.listNamespaces({ namespace: NS })).toEqual([]);
  });

  it('creates a table and writes its first metadata file to MinIO', async () => {
    const metadata = await catalog.createTable({ namespace: NS }, CREATE);
    expect(metadata.location).toBe(`${WAREHOUSE}/js_it/orders`);
    expect(metadata['format-version']).toBe(2);
    expect(metadata['current-schema-id']).toBe(0);
    expect(getCurrentSchema(metadata)?.fields).toEqual(SCHEMA_FIELDS);
    expect(metadata.properties).toMatchObject({ owner: 'iceberg-js' });
    expect(metadata['current-snapshot-id'] ?? -1).toBe(-1);
    tableUuid = metadata['table-uuid'];
    expect(tableUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const keys = await minio.listKeys(BUCKET, TABLE_KEY_PREFIX);
    expect(keys.filter((k) => k.endsWith('.metadata.json'))).toHaveLength(1);
  });

  it('loads, lists and finds the table', async () => {
    const loaded = await catalog.loadTable(TABLE);
    expect(loaded['table-uuid']).toBe(tableUuid);
    expect(loaded.location).toBe(`${WAREHOUSE}/js_it/orders`);
    expect(getCurrentSchema(loaded)?.fields).toEqual(SCHEMA_FIELDS);
    expect(await catalog.listTables({ namespace: NS })).toEqual([TABLE]);
    expect(await catalog.tableExists(TABLE)).toBe(true);
    expect(await catalog.tableExists({ namespace: NS, name: 'missing' })).toBe(false);
  });

  it('refuses a second table of the same name, and createTableIfNotExists returns the first', async () => {
    expect((await icebergError(catalog.createTable({ namespace: NS }, CREATE))).status).toBe(409);
    const existing = await catalog.createTableIfNotExists({ namespace: NS }, CREATE);
    expect(existing['table-uuid']).toBe(tableUuid);
  });

  it('refuses to drop a namespace that still holds a table', async () => {
    expect(await catalog.tableExists(TABLE)).toBe(true);
    expect((await icebergError(catalog.dropNamespace({ namespace: NS }))).status).toBe(409);
  });

  it('drops the table with purge: gone from the catalog and from MinIO', async () => {
    await catalog.dropTable(TABLE, { purge: true });
    expect(await catalog.tableExists(TABLE)).toBe(false);
    expect((await icebergError(catalog.loadTable(TABLE))).status).toBe(404);
    expect(await catalog.listTables({ namespace: NS })).toEqual([]);
    expect(await minio.listKeys(BUCKET, TABLE_KEY_PREFIX)).toEqual([]);
  });

  it('drops the emptied namespace', async () => {
    await catalog.dropNamespace({ namespace: NS });
    expect(await catalog.namespaceExists({ namespace: NS })).toBe(false);
    expect(await catalog.listNamespaces()).toEqual([]);
    expect((await icebergError(catalog.dropNamespace({ namespace: NS }))).status).toBe(404);
  });
});
