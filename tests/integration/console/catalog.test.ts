import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CatalogNamespace,
  CatalogPage,
  CatalogTable,
  CatalogView,
} from '../../../src/console/api.js';
import type { CatalogSettings } from '../../../src/console/catalog/index.js';
import { buildConsoleApp } from '../../../src/console/server/index.js';
import { consoleDeps } from '../../support/console.js';
import { findFreePort, parseJson, stringifyJson } from '../../../src/lib/index.js';
import { build, type TestCatalog } from '../../support/catalog-app.js';

/**
 * The catalog browser's API against the real catalog (its service, SQLite store and file
 * warehouse, listening on a loopback socket), filled through its REST API with real commits.
 * The catalog's server records every URL it is asked, so a test proves what reached it.
 */

let catalog: TestCatalog;
let catalogUrl: string;
let settings: CatalogSettings | null;
let consoleApp: FastifyInstance;
let consoleUrl: string;
/** Every request URL the catalog received, in order. */
const seen: string[] = [];

const SEP = '\u001f';
const enc = (ns: string[]): string => encodeURIComponent(ns.join(SEP));
/** 2^53 + 1 and a long near 2^63: both lose digits through JSON.parse. */
const SNAP_1 = 9_007_199_254_740_993n;
const SNAP_2 = 8_765_432_109_876_543_211n;

async function catalogCall(method: string, path: string, body?: unknown) {
  const res = await fetch(`${catalogUrl}/v1/default${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: stringifyJson(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? parseJson(text) : undefined };
}

async function mustCall(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await catalogCall(method, path, body);
  expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
  return res.body;
}

/** A raw GET: fetch() normalizes `..` and `%2e%2e` away before sending, a hostile client does not. */
function rawGet(path: string): Promise<{ status: number; body: string; cacheControl?: string }> {
  const url = new URL(consoleUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          cacheControl: res.headers['cache-control'],
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function api<T>(path: string): Promise<T> {
  const r = await rawGet(path);
  expect(r.status, `${path}: ${r.body}`).toBe(200);
  expect(r.cacheControl).toBe('no-store');
  return JSON.parse(r.body) as T;
}

const ORDERS_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'id', type: 'long', required: true, doc: 'the order' },
    { id: 2, name: 'ts', type: 'timestamptz', required: true },
    { id: 3, name: 'amount', type: 'decimal(12,2)', required: false },
    {
      id: 4,
      name: 'customer',
      required: false,
      type: {
        type: 'struct',
        fields: [
          { id: 5, name: 'name', type: 'string', required: true },
          { id: 6, name: 'country', type: 'string', required: false },
        ],
      },
    },
    {
      id: 7,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 8, element: 'string', 'element-required': true },
    },
    {
      id: 9,
      name: 'counts',
      required: false,
      type: {
        type: 'map',
        'key-id': 10,
        key: 'string',
        'value-id': 11,
        value: 'long',
        'value-required': false,
      },
    },
  ],
};

function snapshot(
  id: bigint,
  parent: bigint | null,
  seq: number,
  location: string,
  summary: object,
) {
  return {
    'snapshot-id': id,
    ...(parent === null ? {} : { 'parent-snapshot-id': parent }),
    'sequence-number': seq,
    'timestamp-ms': 1_700_000_000_000 + seq * 1000,
    'manifest-list': `${location}/metadata/snap-${id}.avro`,
    summary,
    'schema-id': 0,
  };
}

beforeAll(async () => {
  catalog = await build({ store: 'sqlite' });
  catalog.app.server.on('request', (req: { url?: string }) => seen.push(req.url ?? ''));
  await catalog.app.listen({ host: '127.0.0.1', port: 0 });
  const a = catalog.app.server.address();
  catalogUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  settings = {
    url: catalogUrl,
    token: null,
    warehouses: [{ name: 'default', location: catalog.warehouse.location }],
  };
  consoleApp = await buildConsoleApp(consoleDeps({ catalog: async () => settings }));
  await consoleApp.listen({ host: '127.0.0.1', port: 0 });
  const c = consoleApp.server.address();
  consoleUrl = `http://127.0.0.1:${typeof c === 'object' && c ? c.port : 0}`;

  await mustCall('POST', '/namespaces', { namespace: ['sales'], properties: { owner: 'ana' } });
  await mustCall('POST', '/namespaces', { namespace: ['sales', 'eu'] });
  await mustCall('POST', '/namespaces', { namespace: ['many'] });
  await mustCall('POST', '/namespaces', { namespace: ['we ird%#?'] });

  // orders: a nested schema, a partition spec that evolves, a sort order, two snapshots, a tag.
  const created = (await mustCall('POST', `/namespaces/sales/tables`, {
    name: 'orders',
    schema: ORDERS_SCHEMA,
    'partition-spec': {
      'spec-id': 0,
      fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }],
    },
    'write-order': {
      'order-id': 1,
      fields: [
        { 'source-id': 1, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' },
      ],
    },
    properties: { 'write.format.default': 'parquet' },
  })) as {
    metadata: {
      location: string;
      schemas: { fields: { name: string; type: { fields?: { name: string; id: number }[] } }[] }[];
    };
  };
  const location = created.metadata.location;
  // The catalog assigns fresh ids on create, as Java does: read the nested field's back.
  const customerName = created.metadata.schemas[0]?.fields
    .find((f) => f.name === 'customer')
    ?.type.fields?.find((f) => f.name === 'name')?.id;
  await mustCall('POST', '/namespaces/sales/tables/orders', {
    requirements: [],
    updates: [
      {
        action: 'add-spec',
        spec: {
          fields: [
            { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
            {
              'source-id': customerName,
              'field-id': 1001,
              name: 'name_bucket',
              transform: 'bucket[16]',
            },
          ],
        },
      },
      { action: 'set-default-spec', 'spec-id': -1 },
    ],
  });
  await mustCall('POST', '/namespaces/sales/tables/orders', {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
    updates: [
      {
        action: 'add-snapshot',
        snapshot: snapshot(SNAP_1, null, 1, location, {
          operation: 'append',
          'added-data-files': '3',
          'added-records': '1000',
          'added-files-size': '4096',
          'total-records': '1000',
          'total-data-files': '3',
        }),
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_1 },
    ],
  });
  await mustCall('POST', '/namespaces/sales/tables/orders', {
    requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': SNAP_1 }],
    updates: [
      {
        action: 'add-snapshot',
        snapshot: snapshot(SNAP_2, SNAP_1, 2, location, {
          operation: 'overwrite',
          'added-data-files': '1',
          'deleted-data-files': '2',
          'added-records': '10',
          'deleted-records': '600',
          'removed-files-size': '2000',
        }),
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_2 },
      { action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': SNAP_1 },
    ],
  });

  // A view with SQL for two dialects, then a second version.
  const version = (id: number, sql: string) => ({
    'version-id': id,
    'timestamp-ms': 1_700_000_100_000 + id,
    'schema-id': 0,
    summary: { 'engine-name': 'trino' },
    representations: [
      { type: 'sql', sql, dialect: 'trino' },
      { type: 'sql', sql: `${sql} -- spark`, dialect: 'spark' },
    ],
    'default-namespace': ['sales'],
  });
  await mustCall('POST', '/namespaces/sales/views', {
    name: 'big_orders',
    schema: {
      type: 'struct',
      'schema-id': 0,
      fields: [{ id: 1, name: 'id', type: 'long', required: false }],
    },
    'view-version': version(1, 'SELECT id FROM orders'),
    properties: { comment: 'orders over 100' },
  });
  await mustCall('POST', '/namespaces/sales/views/big_orders', {
    updates: [
      {
        action: 'add-view-version',
        'view-version': version(2, 'SELECT id FROM orders WHERE amount > 100'),
      },
      { action: 'set-current-view-version', 'view-version-id': -1 },
    ],
  });

  // 205 tables: three pages of 100.
  for (let i = 0; i < 205; i++) {
    await mustCall('POST', '/namespaces/many/tables', {
      name: `t${String(i).padStart(3, '0')}`,
      schema: { type: 'struct', fields: [{ id: 1, name: 'x', type: 'int', required: false }] },
    });
  }
  await mustCall('POST', `/namespaces/${enc(['we ird%#?'])}/tables`, {
    name: 'tbl #?&',
    schema: { type: 'struct', fields: [{ id: 1, name: 'x', type: 'int', required: false }] },
  });
}, 300_000);

afterAll(async () => {
  await consoleApp?.close();
  await catalog?.close();
});

describe('listing', () => {
  it('the warehouse from the values', async () => {
    expect(await api('/api/catalog/warehouses')).toEqual([
      { name: 'default', location: catalog.warehouse.location },
    ]);
  });

  it('namespaces: top level, then a parent’s children, then one with its properties', async () => {
    const top = await api<CatalogPage<string[]>>('/api/catalog/default/namespaces');
    expect(top).toEqual({
      items: [['many'], ['sales'], ['we ird%#?']],
      nextPageToken: null,
    });
    const children = await api<CatalogPage<string[]>>(
      `/api/catalog/default/namespaces?parent=sales`,
    );
    expect(children.items).toEqual([['sales', 'eu']]);
    const ns = await api<CatalogNamespace>('/api/catalog/default/namespaces/sales');
    expect(ns.namespace).toEqual(['sales']);
    expect(ns.properties['owner']).toBe('ana');
    const nested = await api<CatalogNamespace>(
      `/api/catalog/default/namespaces/${enc(['sales', 'eu'])}`,
    );
    expect(nested.namespace).toEqual(['sales', 'eu']);
  });

  it('205 tables in pages of 100: the tokens round-trip, nothing twice, nothing missed', async () => {
    const names: string[] = [];
    const sizes: number[] = [];
    let token: string | null = null;
    do {
      const qs: string = token === null ? '' : `?pageToken=${encodeURIComponent(token)}`;
      const page: CatalogPage<string> = await api<CatalogPage<string>>(
        `/api/catalog/default/namespaces/many/tables${qs}`,
      );
      sizes.push(page.items.length);
      names.push(...page.items);
      token = page.nextPageToken;
    } while (token !== null && sizes.length < 10);
    expect(sizes).toEqual([100, 100, 5]);
    expect(new Set(names).size).toBe(205);
    expect(names).toEqual(Array.from({ length: 205 }, (_, i) => `t${String(i).padStart(3, '0')}`));
    const small = await api<CatalogPage<string>>(
      '/api/catalog/default/namespaces/many/tables?pageSize=7',
    );
    expect(small.items).toHaveLength(7);
    expect(small.nextPageToken).not.toBeNull();
  });

  it('tables and views of a namespace', async () => {
    expect(await api('/api/catalog/default/namespaces/sales/tables')).toEqual({
      items: ['orders'],
      nextPageToken: null,
    });
    expect(await api('/api/catalog/default/namespaces/sales/views')).toEqual({
      items: ['big_orders'],
      nextPageToken: null,
    });
  });

  it('names with spaces, %, # and ? reach the catalog percent-encoded, as one segment each', async () => {
    const before = seen.length;
    const page = await api<CatalogPage<string>>(
      `/api/catalog/default/namespaces/${enc(['we ird%#?'])}/tables`,
    );
    expect(page.items).toEqual(['tbl #?&']);
    const table = await api<CatalogTable>(
      `/api/catalog/default/namespaces/${enc(['we ird%#?'])}/tables/${encodeURIComponent('tbl #?&')}`,
    );
    expect(table.name).toBe('tbl #?&');
    expect(seen.slice(before)).toEqual([
      '/v1/config?warehouse=default',
      '/v1/default/namespaces/we%20ird%25%23%3F/tables?pageSize=100',
      '/v1/config?warehouse=default',
      '/v1/default/namespaces/we%20ird%25%23%3F/tables/tbl%20%23%3F%26',
    ]);
  });
});

describe('a table as loadTable gives it', () => {
  let table: CatalogTable;
  let raw: {
    'metadata-location': string;
    metadata: {
      'table-uuid': string;
      'current-snapshot-id': bigint;
      schemas: { fields: { name: string; id: number; type: unknown }[] }[];
      'metadata-log': { 'metadata-file': string }[];
    };
  };

  beforeAll(async () => {
    table = await api<CatalogTable>('/api/catalog/default/namespaces/sales/tables/orders');
    raw = (await mustCall('GET', '/namespaces/sales/tables/orders')) as typeof raw;
  });

  it('identity and location', () => {
    expect(table.namespace).toEqual(['sales']);
    expect(table.name).toBe('orders');
    expect(table.metadataLocation).toBe(raw['metadata-location']);
    expect(table.tableUuid).toBe(raw.metadata['table-uuid']);
    expect(table.formatVersion).toBe(2);
  });

  it('the schema, nested fields depth-first with the catalog’s ids', () => {
    const fields = raw.metadata.schemas[0]?.fields ?? [];
    const id = (name: string) => fields.find((f) => f.name === name)?.id;
    const tags = fields.find((f) => f.name === 'tags')?.type as { 'element-id': number };
    const counts = fields.find((f) => f.name === 'counts')?.type as {
      'key-id': number;
      'value-id': number;
    };
    expect(table.schema.fields.map((f) => [f.path, f.depth, f.type, f.required])).toEqual([
      ['id', 0, 'long', true],
      ['ts', 0, 'timestamptz', true],
      ['amount', 0, 'decimal(12, 2)', false],
      ['customer', 0, 'struct', false],
      ['customer.name', 1, 'string', true],
      ['customer.country', 1, 'string', false],
      ['tags', 0, 'list<string>', false],
      ['tags.element', 1, 'string', true],
      ['counts', 0, 'map<string, long>', false],
      ['counts.key', 1, 'string', true],
      ['counts.value', 1, 'long', false],
    ]);
    const byPath = new Map(table.schema.fields.map((f) => [f.path, f]));
    expect(byPath.get('id')?.id).toBe(id('id'));
    expect(byPath.get('id')?.doc).toBe('the order');
    expect(byPath.get('tags.element')?.id).toBe(tags['element-id']);
    expect(byPath.get('counts.key')?.id).toBe(counts['key-id']);
    expect(byPath.get('counts.value')?.id).toBe(counts['value-id']);
    expect(table.schema.identifierFieldIds).toEqual([id('id')]);
  });

  it('the evolved partition spec and the sort order, sources by name', () => {
    expect(table.specCount).toBe(2);
    expect(table.partitionSpec.specId).toBe(1);
    expect(table.partitionSpec.fields.map((f) => [f.name, f.sourceName, f.transform])).toEqual([
      ['ts_day', 'ts', 'day'],
      ['name_bucket', 'customer.name', 'bucket[16]'],
    ]);
    expect(table.sortOrder.fields).toEqual([
      expect.objectContaining({
        sourceName: 'id',
        transform: 'identity',
        direction: 'desc',
        nullOrder: 'nulls-last',
      }),
    ]);
  });

  it('snapshots newest first with 64-bit ids exact and the summary’s counts', () => {
    expect(table.currentSnapshotId).toBe(SNAP_2.toString());
    expect(String(raw.metadata['current-snapshot-id'])).toBe(SNAP_2.toString());
    expect(table.snapshots.map((s) => [s.snapshotId, s.parentSnapshotId, s.operation])).toEqual([
      [SNAP_2.toString(), SNAP_1.toString(), 'overwrite'],
      [SNAP_1.toString(), null, 'append'],
    ]);
    const [second, first] = table.snapshots;
    expect(second).toMatchObject({
      addedFiles: 1,
      deletedFiles: 2,
      addedRecords: 10,
      deletedRecords: 600,
      addedBytes: null,
      removedBytes: 2000,
    });
    expect(first).toMatchObject({
      addedFiles: 3,
      addedRecords: 1000,
      addedBytes: 4096,
      totalRecords: 1000,
    });
    expect(first?.summary['added-data-files']).toBe('3');
  });

  it('refs, the metadata log and the snapshot log', () => {
    expect(table.refs).toEqual([
      { name: 'main', type: 'branch', snapshotId: SNAP_2.toString() },
      { name: 'v1', type: 'tag', snapshotId: SNAP_1.toString() },
    ]);
    expect(table.metadataLog.map((e) => e.metadataFile)).toEqual(
      raw.metadata['metadata-log'].map((e) => e['metadata-file']).reverse(),
    );
    expect(table.metadataLog.length).toBe(3);
    expect(table.snapshotLog.map((e) => e.snapshotId)).toEqual([
      SNAP_2.toString(),
      SNAP_1.toString(),
    ]);
    expect(table.properties['write.format.default']).toBe('parquet');
  });
});

describe('a view as loadView gives it', () => {
  it('versions newest first with SQL per dialect', async () => {
    const view = await api<CatalogView>('/api/catalog/default/namespaces/sales/views/big_orders');
    const raw = (await mustCall('GET', '/namespaces/sales/views/big_orders')) as {
      'metadata-location': string;
      metadata: { 'view-uuid': string; 'current-version-id': number };
    };
    expect(view.viewUuid).toBe(raw.metadata['view-uuid']);
    expect(view.metadataLocation).toBe(raw['metadata-location']);
    expect(view.currentVersionId).toBe(raw.metadata['current-version-id']);
    expect(view.versions.map((v) => v.representations)).toEqual([
      [
        { dialect: 'trino', sql: 'SELECT id FROM orders WHERE amount > 100' },
        { dialect: 'spark', sql: 'SELECT id FROM orders WHERE amount > 100 -- spark' },
      ],
      [
        { dialect: 'trino', sql: 'SELECT id FROM orders' },
        { dialect: 'spark', sql: 'SELECT id FROM orders -- spark' },
      ],
    ]);
    expect(view.schema.fields.map((f) => f.name)).toEqual(['id']);
    expect(view.properties['comment']).toBe('orders over 100');
  });
});

describe('what the catalog does not have', () => {
  it.each([
    [
      'a table',
      '/namespaces/sales/tables/nope',
      '/api/catalog/default/namespaces/sales/tables/nope',
    ],
    ['a view', '/namespaces/sales/views/nope', '/api/catalog/default/namespaces/sales/views/nope'],
    ['a namespace', '/namespaces/nope', '/api/catalog/default/namespaces/nope'],
    [
      'a namespace’s tables',
      '/namespaces/nope/tables',
      '/api/catalog/default/namespaces/nope/tables',
    ],
  ])('%s: 404 with the catalog’s own message', async (_what, direct, path) => {
    const expected = await catalogCall('GET', direct);
    expect(expected.status).toBe(404);
    const message = (expected.body as { error: { message: string } }).error.message;
    const r = await rawGet(path);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({ error: message });
  });

  it('a warehouse the platform does not configure: 404 before the catalog', async () => {
    const before = seen.length;
    const r = await rawGet('/api/catalog/other/namespaces');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body)).toEqual({
      error:
        'no warehouse named "other"; the platform\'s are default (GET /api/catalog/warehouses)',
    });
    expect(seen.length).toBe(before);
  });
});

describe('hostile requests: a 4xx that says why, and nothing reaches the catalog', () => {
  const long = 'a'.repeat(256);
  it.each([
    [
      'traversal in a table name',
      '/api/catalog/default/namespaces/sales/tables/..',
      /is not a name/,
    ],
    ['encoded traversal', '/api/catalog/default/namespaces/%2e%2e/tables', /is not a name/],
    [
      'an encoded slash',
      '/api/catalog/default/namespaces/sales/tables/a%2F..%2F..%2Fconfig',
      /"\/"/,
    ],
    ['an encoded backslash', '/api/catalog/default/namespaces/sales%5C..', /"\/" or "\\"/],
    ['a NUL', '/api/catalog/default/namespaces/sales/tables/a%00b', /control character/],
    ['a newline', '/api/catalog/default/namespaces/sales/views/a%0Ab', /control character/],
    ['an overlong name', `/api/catalog/default/namespaces/sales/tables/${long}`, /longer than 255/],
    [
      'an empty level',
      '/api/catalog/default/namespaces/sales%1F%1Feu/tables',
      /level 2 of the namespace is empty/,
    ],
    [
      'a trailing empty level',
      '/api/catalog/default/namespaces/sales%1F',
      /level 2 of the namespace is empty/,
    ],
    [
      'too many levels',
      `/api/catalog/default/namespaces/${Array(17).fill('a').join('%1F')}`,
      /more than 16 levels/,
    ],
    [
      'a huge page',
      '/api/catalog/default/namespaces/many/tables?pageSize=1000000000',
      /whole number|1 to 1000/,
    ],
    ['a zero page', '/api/catalog/default/namespaces/many/tables?pageSize=0', /1 to 1000/],
    ['a page size in words', '/api/catalog/default/namespaces?pageSize=lots', /whole number/],
    ['a forged token', '/api/catalog/default/namespaces?pageToken=..%2F..%2Fx%00', /pageToken/],
    ['a repeated parameter', '/api/catalog/default/namespaces?pageSize=1&pageSize=2', /once/],
    [
      'an unknown parameter',
      '/api/catalog/default/namespaces/sales/tables?snapshots=all',
      /unknown parameter snapshots/,
    ],
    ['a hostile parent', '/api/catalog/default/namespaces?parent=..', /is not a name/],
    ['a hostile warehouse', '/api/catalog/..%2Fv1/namespaces', /warehouse name/],
  ])('%s', async (_what, path, message) => {
    const before = seen.length;
    const r = await rawGet(path);
    expect(r.status, r.body).toBe(400);
    expect((JSON.parse(r.body) as { error: string }).error).toMatch(message);
    expect(seen.slice(before)).toEqual([]);
  });

  it('a path the router cannot match is a JSON 404, never the catalog', async () => {
    const before = seen.length;
    for (const path of [
      '/api/catalog/default/namespaces/../../../v1/config',
      '/api/catalog/default/namespaces/sales/tables/orders/extra',
    ]) {
      const r = await rawGet(path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.status, path).toBeLessThan(500);
    }
    expect(seen.slice(before)).toEqual([]);
  });
});

describe('when the catalog is not there', () => {
  it('unreachable: 502 naming lakehouse status and the catalog’s logs', async () => {
    const saved = settings;
    settings = { ...(saved as CatalogSettings), url: `http://127.0.0.1:${await findFreePort()}` };
    try {
      const r = await rawGet('/api/catalog/default/namespaces');
      expect(r.status).toBe(502);
      const { error } = JSON.parse(r.body) as { error: string };
      expect(error).toMatch(/cannot be reached \(ECONNREFUSED\)/);
      expect(error).toContain('`lakehouse status`');
      expect(error).toContain('`lakehouse logs iceberg-catalog`');
    } finally {
      settings = saved;
    }
  });

  it('switched off: 503 saying so', async () => {
    const saved = settings;
    settings = null;
    try {
      for (const path of ['/api/catalog/warehouses', '/api/catalog/default/namespaces']) {
        const r = await rawGet(path);
        expect(r.status).toBe(503);
        expect(JSON.parse(r.body)).toEqual({
          error: expect.stringMatching(/icebergCatalog.enabled: false/),
        });
      }
    } finally {
      settings = saved;
    }
  });
});
