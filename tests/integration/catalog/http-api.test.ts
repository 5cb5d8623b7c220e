/**
 * The catalog's HTTP API against the Iceberg REST spec, in-process through `app.inject()`, on
 * both stores. Bodies are asserted exactly (server-generated UUIDs and timestamps by pattern).
 * Tests in a suite share one app and database, each in namespaces of its own; tests that need
 * exact global state (listings, metrics, auth) build a fresh app.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogStartupError, startCatalogServer } from '../../../src/catalog/index.js';
import {
  build,
  buildReplica,
  freshDatabaseUrl,
  silentLogger,
  stopSharedPostgres,
  type StoreKind,
  type TestCatalog,
} from '../../support/catalog-app.js';

// Response bodies are arbitrary JSON that the tests walk into and then assert exactly with
// toEqual; restating every spec shape as a type here would duplicate the schemas under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

interface Res {
  status: number;
  body: Json;
  text: string;
  headers: Record<string, string | string[] | number | undefined>;
}

type Method = NonNullable<InjectOptions['method']>;

async function call(
  c: TestCatalog,
  method: Method,
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const opts: InjectOptions = { method, url, headers: { ...headers } };
  if (payload !== undefined) {
    opts.payload = typeof payload === 'string' ? payload : JSON.stringify(payload);
    opts.headers = { 'content-type': 'application/json', ...headers };
  }
  const res = await c.inject(opts);
  const type = String(res.headers['content-type'] ?? '');
  const body: Json =
    type.startsWith('application/json') && res.body ? JSON.parse(res.body) : undefined;
  return { status: res.statusCode, body, text: res.body, headers: res.headers };
}

function errorOf(status: number, type: string, message: string | RegExp | undefined = undefined) {
  return {
    error: {
      message:
        message === undefined
          ? expect.any(String)
          : message instanceof RegExp
            ? expect.stringMatching(message)
            : message,
      type,
      code: status,
    },
  };
}

function expectError(res: Res, status: number, type: string, message?: string | RegExp): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: errorOf(status, type, message),
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_SRC = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The spec's multi-level namespace in a path segment: levels joined by 0x1F, URL-encoded. */
const enc = (ns: string[]): string => encodeURIComponent(ns.join('\u001f'));

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function metadataFileRe(tableLocation: string, version: number): RegExp {
  return new RegExp(
    `^${escapeRe(tableLocation)}/metadata/${String(version).padStart(5, '0')}-${UUID_SRC}\\.metadata\\.json$`,
  );
}

const toPath = (location: string): string => fileURLToPath(location);

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'data', type: 'string', required: false },
  ],
};

const EXPECTED_ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'POST /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/views/rename',
  'POST /v1/{prefix}/namespaces/{namespace}/register-view',
  'GET /v1/{prefix}/namespaces/{namespace}/functions',
  'GET /v1/{prefix}/namespaces/{namespace}/functions/{function}',
];

function snapshot(id: number, seq: number, location: string, parent?: number) {
  return {
    'snapshot-id': id,
    ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
    'sequence-number': seq,
    'timestamp-ms': 1_700_000_000_000 + seq,
    'manifest-list': `${location}/metadata/snap-${id}.avro`,
    summary: { operation: 'append' },
    'schema-id': 0,
  };
}

function viewVersion(versionId: number, ns: string[], sql: string) {
  return {
    'version-id': versionId,
    'timestamp-ms': 1_700_000_000_000 + versionId,
    'schema-id': 0,
    summary: { 'engine-name': 'spark', 'engine-version': '3.5.1' },
    representations: [{ type: 'sql', sql, dialect: 'spark' }],
    'default-namespace': ns,
  };
}

const VIEW_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'x', type: 'int', required: false }],
};

describe.each<StoreKind>(['sqlite', 'postgres'])('catalog HTTP API on %s', (store) => {
  let c: TestCatalog;
  let counter = 0;
  /** A name no other test in this suite uses. */
  const uniq = (prefix: string): string => `${prefix}_${++counter}`;
  /** The `location` loadNamespace advertises when a namespace has none (Trino needs one). */
  const nsLocation = (ns: string[], target = c): string =>
    [target.warehouse.location, ...ns.map(encodeURIComponent)].join('/');

  beforeAll(async () => {
    c = await build({ store });
  });
  afterAll(async () => {
    await c?.close();
  });

  const req = (method: Method, url: string, payload?: unknown, headers?: Record<string, string>) =>
    call(c, method, url, payload, headers);

  async function newNamespace(props: Record<string, string> = {}, target = c): Promise<string[]> {
    const ns = [uniq('ns')];
    const res = await call(target, 'POST', '/v1/namespaces', { namespace: ns, properties: props });
    expect(res.status).toBe(200);
    return ns;
  }

  async function createTable(
    ns: string[],
    name: string,
    properties: Record<string, string> = {},
    target = c,
  ): Promise<Json> {
    const res = await call(target, 'POST', `/v1/namespaces/${enc(ns)}/tables`, {
      name,
      schema: SCHEMA,
      properties,
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  const tableUrl = (ns: string[], name: string): string =>
    `/v1/namespaces/${enc(ns)}/tables/${encodeURIComponent(name)}`;

  async function loadTable(ns: string[], name: string): Promise<Json> {
    const res = await req('GET', tableUrl(ns, name));
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function setProps(
    ns: string[],
    name: string,
    updates: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<Res> {
    return req(
      'POST',
      tableUrl(ns, name),
      { requirements: [], updates: [{ action: 'set-properties', updates }] },
      headers,
    );
  }

  async function createView(ns: string[], name: string, sql = 'SELECT 1 AS x'): Promise<Json> {
    const res = await req('POST', `/v1/namespaces/${enc(ns)}/views`, {
      name,
      schema: VIEW_SCHEMA,
      'view-version': viewVersion(1, ns, sql),
      properties: { comment: 'test view' },
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  // ---------------------------------------------------------------------------------- config

  describe('GET /v1/config', () => {
    it('returns defaults, overrides and exactly the implemented endpoints', async () => {
      const res = await req('GET', '/v1/config');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        defaults: {},
        overrides: {},
        endpoints: EXPECTED_ENDPOINTS,
        'idempotency-key-lifetime': 'PT30M',
      });
    });

    it('every advertised endpoint is routed, and an unadvertised spec endpoint is not implemented', async () => {
      for (const endpoint of EXPECTED_ENDPOINTS) {
        const [method, template] = endpoint.split(' ') as [Method, string];
        const url = template
          .replace('/{prefix}', '')
          .replace('{namespace}', 'no_such_ns')
          .replace('{table}', 't')
          .replace('{view}', 'v')
          .replace('{function}', 'f');
        const res = await req(method, url, method === 'POST' ? {} : undefined);
        expect(res.body?.error?.type, `${endpoint} -> ${res.status} ${res.text}`).not.toBe(
          'NoSuchEndpointException',
        );
        expect(res.status, endpoint).toBeLessThan(500);
      }
      // Implemented now (vended-credentials.test.ts): a missing table is a 404 like loadTable's.
      const creds = await req('GET', '/v1/namespaces/a/tables/t/credentials');
      expect(creds.status).toBe(404);
    });

    it('?warehouse= by name or by location overrides the prefix; unknown warehouse is 404', async () => {
      const { name, location } = c.warehouse;
      const expected = {
        defaults: {},
        overrides: { prefix: name, warehouse: location },
        endpoints: EXPECTED_ENDPOINTS,
        'idempotency-key-lifetime': 'PT30M',
      };
      expect((await req('GET', `/v1/config?warehouse=${name}`)).body).toEqual(expected);
      const byLocation = await req('GET', `/v1/config?warehouse=${encodeURIComponent(location)}`);
      expect({ status: byLocation.status, body: byLocation.body }).toEqual({
        status: 200,
        body: expected,
      });
      const byLocationSlash = await req(
        'GET',
        `/v1/config?warehouse=${encodeURIComponent(`${location}/`)}`,
      );
      expect(byLocationSlash.body).toEqual(expected);
      const unknown = await req('GET', '/v1/config?warehouse=nope');
      expectError(
        unknown,
        404,
        'NoSuchWarehouseException',
        /^Warehouse "nope" does not exist; known: default \(file:\/\/\//,
      );
    });

    it('with several warehouses: the default prefix is advertised, and prefixed routes are scoped', async () => {
      const multi = await build({ store, extraWarehouses: ['second'] });
      try {
        const [def, second] = multi.warehouses as [
          TestCatalog['warehouse'],
          TestCatalog['warehouse'],
        ];
        const config = await call(multi, 'GET', '/v1/config');
        expect(config.body.overrides).toEqual({ prefix: 'default', warehouse: def.location });
        const cfg2 = await call(multi, 'GET', '/v1/config?warehouse=second');
        expect(cfg2.body.overrides).toEqual({ prefix: 'second', warehouse: second.location });
        const cfg3 = await call(
          multi,
          'GET',
          `/v1/config?warehouse=${encodeURIComponent(second.location)}`,
        );
        expect(cfg3.body.overrides).toEqual({ prefix: 'second', warehouse: second.location });

        const created = await call(multi, 'POST', '/v1/second/namespaces', {
          namespace: ['only_in_second'],
        });
        expect(created.status).toBe(200);
        expect((await call(multi, 'GET', '/v1/second/namespaces')).body).toEqual({
          namespaces: [['only_in_second']],
          'next-page-token': null,
        });
        expect((await call(multi, 'GET', '/v1/namespaces')).body).toEqual({
          namespaces: [],
          'next-page-token': null,
        });
        expect((await call(multi, 'GET', '/v1/default/namespaces')).body).toEqual({
          namespaces: [],
          'next-page-token': null,
        });
        // A table created under the prefix lives in that warehouse's location.
        // Without the prefix the default warehouse answers, which has no such namespace.
        const wrongWh = await call(multi, 'POST', '/v1/namespaces/only_in_second/tables', {
          name: 't',
          schema: SCHEMA,
        });
        expectError(wrongWh, 404, 'NoSuchNamespaceException');
        const t2 = await call(multi, 'POST', '/v1/second/namespaces/only_in_second/tables', {
          name: 't',
          schema: SCHEMA,
        });
        expect(t2.status).toBe(200);
        expect(t2.body.metadata.location).toBe(`${second.location}/only_in_second/t`);

        const unknown = await call(multi, 'GET', '/v1/nope/namespaces');
        expectError(unknown, 404, 'NoSuchWarehouseException', /^Warehouse "nope" does not exist/);
      } finally {
        await multi.close();
      }
    });

    it('routes under the prefix of the single warehouse work; an unknown prefix is 404', async () => {
      const ns = await newNamespace();
      const res = await req('GET', `/v1/default/namespaces/${enc(ns)}`);
      expect(res.body).toEqual({ namespace: ns, properties: { location: nsLocation(ns) } });
      const unknown = await req('GET', `/v1/nope/namespaces/${enc(ns)}`);
      expectError(
        unknown,
        404,
        'NoSuchWarehouseException',
        'Warehouse "nope" does not exist; known: default',
      );
    });
  });

  // ------------------------------------------------------------------------------ namespaces

  describe('namespaces', () => {
    it('create returns the namespace and properties; a duplicate is 409', async () => {
      const ns = [uniq('create')];
      const res = await req('POST', '/v1/namespaces', {
        namespace: ns,
        properties: { owner: 'ana' },
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { namespace: ns, properties: { owner: 'ana' } },
      });
      const noProps = await req('POST', '/v1/namespaces', { namespace: [uniq('noprops')] });
      expect(noProps.body.properties).toEqual({});
      const dup = await req('POST', '/v1/namespaces', { namespace: ns });
      expectError(dup, 409, 'AlreadyExistsException', `Namespace already exists: ${ns[0]}`);
      // The duplicate did not touch the properties.
      expect((await req('GET', `/v1/namespaces/${enc(ns)}`)).body).toEqual({
        namespace: ns,
        properties: { owner: 'ana', location: nsLocation(ns) },
      });
    });

    it("load keeps a namespace's own location and advertises the default one only when unset", async () => {
      const elsewhere = `${c.warehouse.location}/elsewhere/ns`;
      const own = await newNamespace({ location: elsewhere });
      expect((await req('GET', `/v1/namespaces/${enc(own)}`)).body.properties).toEqual({
        location: elsewhere,
      });
      const plain = await newNamespace();
      // Advertised, not stored: removing "location" reports it missing.
      const removed = await req('POST', `/v1/namespaces/${enc(plain)}/properties`, {
        removals: ['location'],
      });
      expect(removed.body).toEqual({ updated: [], removed: [], missing: ['location'] });
    });

    it('load, HEAD 204 and 404', async () => {
      const ns = await newNamespace({ a: '1' });
      expect((await req('GET', `/v1/namespaces/${enc(ns)}`)).body).toEqual({
        namespace: ns,
        properties: { a: '1', location: nsLocation(ns) },
      });
      const head = await req('HEAD', `/v1/namespaces/${enc(ns)}`);
      expect({ status: head.status, text: head.text }).toEqual({ status: 204, text: '' });
      const missing = await req('HEAD', '/v1/namespaces/missing_ns');
      expect({ status: missing.status, text: missing.text }).toEqual({ status: 404, text: '' });
      const load = await req('GET', '/v1/namespaces/missing_ns');
      expectError(load, 404, 'NoSuchNamespaceException', 'Namespace does not exist: missing_ns');
    });

    it('lists top level and children of a multi-level parent', async () => {
      const fresh = await build({ store });
      try {
        for (const ns of [['b'], ['a'], ['a', 'x'], ['a', 'y'], ['a', 'x', 'deep'], ['c']]) {
          expect((await call(fresh, 'POST', '/v1/namespaces', { namespace: ns })).status).toBe(200);
        }
        expect((await call(fresh, 'GET', '/v1/namespaces')).body).toEqual({
          namespaces: [['a'], ['b'], ['c']],
          'next-page-token': null,
        });
        expect((await call(fresh, 'GET', '/v1/namespaces?parent=a')).body).toEqual({
          namespaces: [
            ['a', 'x'],
            ['a', 'y'],
          ],
          'next-page-token': null,
        });
        expect((await call(fresh, 'GET', '/v1/namespaces?parent=a%1Fx')).body).toEqual({
          namespaces: [['a', 'x', 'deep']],
          'next-page-token': null,
        });
        expect(
          (await call(fresh, 'GET', `/v1/namespaces/${enc(['a', 'x', 'deep'])}`)).body,
        ).toEqual({
          namespace: ['a', 'x', 'deep'],
          properties: { location: nsLocation(['a', 'x', 'deep'], fresh) },
        });
        const missingParent = await call(fresh, 'GET', '/v1/namespaces?parent=zz');
        expectError(missingParent, 404, 'NoSuchNamespaceException');
      } finally {
        await fresh.close();
      }
    });

    it('paginates: pageSize=2, following next-page-token returns every child once, in order', async () => {
      const parent = await newNamespace();
      const children = ['e', 'c', 'a', 'd', 'b'];
      for (const child of children) {
        expect(
          (await req('POST', '/v1/namespaces', { namespace: [...parent, child] })).status,
        ).toBe(200);
      }
      const seen: string[][] = [];
      const pageSizes: number[] = [];
      let token: string | null = null;
      do {
        const tokenParam: string = token === null ? '' : `&pageToken=${encodeURIComponent(token)}`;
        const res: Res = await req(
          'GET',
          `/v1/namespaces?parent=${enc(parent)}&pageSize=2${tokenParam}`,
        );
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(['namespaces', 'next-page-token']);
        seen.push(...(res.body.namespaces as string[][]));
        pageSizes.push(res.body.namespaces.length);
        token = res.body['next-page-token'];
      } while (token !== null && pageSizes.length < 10);
      expect(pageSizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'].map((x) => [...parent, x]));
      const bad = await req('GET', '/v1/namespaces?pageSize=0');
      expectError(
        bad,
        400,
        'BadRequestException',
        'Invalid pageSize "0": must be a positive integer',
      );
      const badToken = await req('GET', '/v1/namespaces?pageToken=garbage');
      expectError(
        badToken,
        400,
        'BadRequestException',
        'Invalid pageToken: not a token returned by this catalog',
      );
    });

    it('updates properties: updated, removed, missing; a key in both is 422', async () => {
      const ns = await newNamespace({ a: '1', b: '2', c: '3' });
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/properties`, {
        removals: ['b', 'zz'],
        updates: { c: '33', d: '4' },
      });
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { updated: ['c', 'd'], removed: ['b'], missing: ['zz'] },
      });
      expect((await req('GET', `/v1/namespaces/${enc(ns)}`)).body.properties).toEqual({
        a: '1',
        c: '33',
        d: '4',
        location: nsLocation(ns),
      });
      const both = await req('POST', `/v1/namespaces/${enc(ns)}/properties`, {
        removals: ['a'],
        updates: { a: 'x' },
      });
      expectError(
        both,
        422,
        'UnprocessableEntityException',
        'Properties both updated and removed: a; a key may appear in only one of them',
      );
      expect((await req('GET', `/v1/namespaces/${enc(ns)}`)).body.properties).toEqual({
        a: '1',
        c: '33',
        d: '4',
        location: nsLocation(ns),
      });
      const missing = await req('POST', '/v1/namespaces/missing_ns/properties', {
        updates: { a: 'b' },
      });
      expectError(missing, 404, 'NoSuchNamespaceException');
    });

    it('drop: empty 204, non-empty 409, missing 404', async () => {
      const empty = await newNamespace();
      const drop = await req('DELETE', `/v1/namespaces/${enc(empty)}`);
      expect({ status: drop.status, text: drop.text }).toEqual({ status: 204, text: '' });
      expect((await req('HEAD', `/v1/namespaces/${enc(empty)}`)).status).toBe(404);

      const withTable = await newNamespace();
      await createTable(withTable, 't');
      const notEmpty = await req('DELETE', `/v1/namespaces/${enc(withTable)}`);
      expectError(notEmpty, 409, 'NamespaceNotEmptyException');
      expect((await req('HEAD', `/v1/namespaces/${enc(withTable)}`)).status).toBe(204);

      const withChild = await newNamespace();
      await req('POST', '/v1/namespaces', { namespace: [...withChild, 'child'] });
      expectError(
        await req('DELETE', `/v1/namespaces/${enc(withChild)}`),
        409,
        'NamespaceNotEmptyException',
      );

      const withView = await newNamespace();
      await createView(withView, 'v');
      expectError(
        await req('DELETE', `/v1/namespaces/${enc(withView)}`),
        409,
        'NamespaceNotEmptyException',
      );

      const missing = await req('DELETE', '/v1/namespaces/missing_ns');
      expectError(missing, 404, 'NoSuchNamespaceException');
    });
  });

  // ---------------------------------------------------------------------------------- tables

  describe('tables', () => {
    it('create: format-version 2 by default, location under the warehouse, 00000 metadata file on disk', async () => {
      const ns = await newNamespace();
      const before = Date.now();
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'events',
        schema: SCHEMA,
        properties: { owner: 'ana' },
      });
      expect(res.status, res.text).toBe(200);
      const location = `${c.warehouse.location}/${ns[0]}/events`;
      expect(res.body).toEqual({
        'metadata-location': expect.stringMatching(metadataFileRe(location, 0)),
        metadata: {
          'format-version': 2,
          'table-uuid': expect.stringMatching(UUID),
          location,
          'last-sequence-number': 0,
          'last-updated-ms': expect.any(Number),
          'last-column-id': 2,
          'current-schema-id': 0,
          schemas: [SCHEMA],
          'default-spec-id': 0,
          'partition-specs': [{ 'spec-id': 0, fields: [] }],
          'last-partition-id': 999,
          'default-sort-order-id': 0,
          'sort-orders': [{ 'order-id': 0, fields: [] }],
          properties: { owner: 'ana' },
          'current-snapshot-id': -1,
          snapshots: [],
          refs: {},
          'snapshot-log': [],
          'metadata-log': [],
          statistics: [],
          'partition-statistics': [],
        },
        config: {},
      });
      expect(res.body.metadata['last-updated-ms']).toBeGreaterThanOrEqual(before);
      const file = toPath(res.body['metadata-location']);
      expect(existsSync(file)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(res.body.metadata);
      // Load returns the same thing.
      expect(await loadTable(ns, 'events')).toEqual(res.body);
      const head = await req('HEAD', tableUrl(ns, 'events'));
      expect({ status: head.status, text: head.text }).toEqual({ status: 204, text: '' });
      expect((await req('HEAD', tableUrl(ns, 'nope'))).status).toBe(404);
      const dup = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'events',
        schema: SCHEMA,
      });
      expectError(dup, 409, 'AlreadyExistsException', `Table already exists: ${ns[0]}.events`);
      const noNs = await req('POST', '/v1/namespaces/missing_ns/tables', {
        name: 't',
        schema: SCHEMA,
      });
      expectError(noNs, 404, 'NoSuchNamespaceException', 'Namespace does not exist: missing_ns');
    });

    it('create v1 and v3 through the format-version property', async () => {
      const ns = await newNamespace();
      const v1 = await createTable(ns, 't1', { 'format-version': '1' });
      expect(v1.metadata['format-version']).toBe(1);
      expect(v1.metadata.schema).toEqual(SCHEMA);
      expect(v1.metadata['partition-spec']).toEqual([]);
      expect(v1.metadata.properties).toEqual({});
      expect(v1.metadata['current-snapshot-id']).toBe(-1);
      const v3 = await createTable(ns, 't3', { 'format-version': '3', k: 'v' });
      expect(v3.metadata['format-version']).toBe(3);
      expect(v3.metadata['next-row-id']).toBe(0);
      expect(v3.metadata['current-snapshot-id']).toBeNull();
      expect(v3.metadata.properties).toEqual({ k: 'v' });
      expect('schema' in v3.metadata).toBe(false);
      const v9 = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 't9',
        schema: SCHEMA,
        properties: { 'format-version': '9' },
      });
      expectError(
        v9,
        400,
        'BadRequestException',
        'Unsupported format version: "9" (supported: 1 to 3)',
      );
      expect((await req('HEAD', tableUrl(ns, 't9'))).status).toBe(404);
    });

    it('stage-create stores nothing; the commit with assert-create (pyiceberg create_table_transaction) creates it', async () => {
      const ns = await newNamespace();
      const staged = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'staged',
        schema: SCHEMA,
        'stage-create': true,
        properties: { 'write.format.default': 'parquet' },
      });
      expect(staged.status, staged.text).toBe(200);
      expect(Object.keys(staged.body).sort()).toEqual(['config', 'metadata']);
      expect((await req('HEAD', tableUrl(ns, 'staged'))).status).toBe(404);
      const location = `${c.warehouse.location}/${ns[0]}/staged`;
      expect(existsSync(toPath(location))).toBe(false);

      const uuid = staged.body.metadata['table-uuid'] as string;
      const commit = await req('POST', tableUrl(ns, 'staged'), {
        identifier: { namespace: ns, name: 'staged' },
        requirements: [{ type: 'assert-create' }],
        updates: [
          { action: 'assign-uuid', uuid },
          { action: 'upgrade-format-version', 'format-version': 2 },
          { action: 'add-schema', schema: SCHEMA, 'last-column-id': 2 },
          { action: 'set-current-schema', 'schema-id': -1 },
          { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
          { action: 'set-default-spec', 'spec-id': -1 },
          { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
          { action: 'set-default-sort-order', 'sort-order-id': -1 },
          { action: 'set-location', location },
          { action: 'set-properties', updates: { 'write.format.default': 'parquet' } },
        ],
      });
      expect(commit.status, commit.text).toBe(200);
      expect(commit.body['metadata-location']).toMatch(metadataFileRe(location, 0));
      expect(commit.body.metadata).toMatchObject({
        'format-version': 2,
        'table-uuid': uuid,
        location,
        'current-schema-id': 0,
        schemas: [SCHEMA],
        'default-spec-id': 0,
        'default-sort-order-id': 0,
        properties: { 'write.format.default': 'parquet' },
        'metadata-log': [],
      });
      expect((await req('HEAD', tableUrl(ns, 'staged'))).status).toBe(204);
      const loaded = await loadTable(ns, 'staged');
      expect(loaded['metadata-location']).toBe(commit.body['metadata-location']);
      expect(existsSync(toPath(loaded['metadata-location']))).toBe(true);
      // A second assert-create commit loses: the table exists now.
      const again = await req('POST', tableUrl(ns, 'staged'), {
        requirements: [{ type: 'assert-create' }],
        updates: [{ action: 'assign-uuid', uuid: randomUUID() }],
      });
      expectError(again, 409, 'CommitFailedException', 'Requirement failed: table already exists');
    });

    it('load with ETag, If-None-Match → 304, a commit changes the ETag', async () => {
      const ns = await newNamespace();
      await createTable(ns, 't');
      const first = await req('GET', tableUrl(ns, 't'));
      const etag = first.headers['etag'] as string;
      expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
      const notModified = await req('GET', tableUrl(ns, 't'), undefined, { 'if-none-match': etag });
      expect({ status: notModified.status, text: notModified.text }).toEqual({
        status: 304,
        text: '',
      });
      const refsEtag = (await req('GET', `${tableUrl(ns, 't')}?snapshots=refs`)).headers['etag'];
      expect(refsEtag).not.toBe(etag);
      expect((await setProps(ns, 't', { k: 'v' })).status).toBe(200);
      const after = await req('GET', tableUrl(ns, 't'), undefined, { 'if-none-match': etag });
      expect(after.status).toBe(200);
      expect(after.headers['etag']).not.toBe(etag);
      expect(after.body.metadata.properties).toEqual({ k: 'v' });
    });

    it('snapshots=refs returns only the snapshots a ref points at', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const loc = created.metadata.location as string;
      const add = await req('POST', tableUrl(ns, 't'), {
        requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
        updates: [
          { action: 'add-snapshot', snapshot: snapshot(1001, 1, loc) },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1001 },
          { action: 'add-snapshot', snapshot: snapshot(1002, 2, loc, 1001) },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1002 },
        ],
      });
      expect(add.status, add.text).toBe(200);
      const all = await loadTable(ns, 't');
      expect(all.metadata.snapshots.map((s: Json) => s['snapshot-id'])).toEqual([1001, 1002]);
      expect(all.metadata['current-snapshot-id']).toBe(1002);
      expect(all.metadata.refs).toEqual({ main: { 'snapshot-id': 1002, type: 'branch' } });
      const refs = await req('GET', `${tableUrl(ns, 't')}?snapshots=refs`);
      expect(refs.status).toBe(200);
      expect(refs.body.metadata.snapshots).toEqual([snapshot(1002, 2, loc, 1001)]);
      expect({ ...refs.body.metadata, snapshots: [] }).toEqual({ ...all.metadata, snapshots: [] });
      const explicitAll = await req('GET', `${tableUrl(ns, 't')}?snapshots=all`);
      expect(explicitAll.body).toEqual(all);
      const bad = await req('GET', `${tableUrl(ns, 't')}?snapshots=some`);
      expectError(bad, 400, 'BadRequestException', 'Invalid snapshots="some": use all or refs');
    });

    it('each failing requirement type → 409 CommitFailedException, table unchanged', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const uuid = created.metadata['table-uuid'] as string;
      const wrong = randomUUID();
      const cases: Array<[Json, string]> = [
        [{ type: 'assert-create' }, 'Requirement failed: table already exists'],
        [
          { type: 'assert-table-uuid', uuid: wrong },
          `Requirement failed: UUID does not match: expected ${wrong} != ${uuid}`,
        ],
        [
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 5 },
          'Requirement failed: branch or tag main is missing, expected 5',
        ],
        [
          { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 99 },
          'Requirement failed: last assigned field id changed: expected id 99 != 2',
        ],
        [
          { type: 'assert-current-schema-id', 'current-schema-id': 7 },
          'Requirement failed: current schema id changed: expected 7 != 0',
        ],
        [
          { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 5 },
          'Requirement failed: last assigned partition id changed: expected id 5 != 999',
        ],
        [
          { type: 'assert-default-spec-id', 'default-spec-id': 3 },
          'Requirement failed: default partition spec changed: expected id 3 != 0',
        ],
        [
          { type: 'assert-default-sort-order-id', 'default-sort-order-id': 4 },
          'Requirement failed: default sort order changed: expected id 4 != 0',
        ],
      ];
      for (const [requirement, message] of cases) {
        const res = await req('POST', tableUrl(ns, 't'), {
          requirements: [{ type: 'assert-table-uuid', uuid }, requirement],
          updates: [{ action: 'set-properties', updates: { changed: 'yes' } }],
        });
        expectError(res, 409, 'CommitFailedException', message);
      }
      expect(await loadTable(ns, 't')).toEqual(created);
      const files = readdirSync(toPath(`${created.metadata.location}/metadata`));
      expect(files).toHaveLength(1);
      // The same requirements met: 200.
      const ok = await req('POST', tableUrl(ns, 't'), {
        requirements: [
          { type: 'assert-table-uuid', uuid },
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null },
          { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 2 },
          { type: 'assert-current-schema-id', 'current-schema-id': 0 },
          { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 },
          { type: 'assert-default-spec-id', 'default-spec-id': 0 },
          { type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 },
        ],
        updates: [{ action: 'set-properties', updates: { changed: 'yes' } }],
      });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.body.metadata.properties).toEqual({ changed: 'yes' });
      const missing = await req('POST', tableUrl(ns, 'missing'), { requirements: [], updates: [] });
      expectError(missing, 404, 'NoSuchTableException', `Table does not exist: ${ns[0]}.missing`);
    });

    it('stale base: two clients commit on the same base with assert-ref-snapshot-id; the second is 409', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const loc = created.metadata.location as string;
      const base = await req('POST', tableUrl(ns, 't'), {
        requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
        updates: [
          { action: 'add-snapshot', snapshot: snapshot(1, 1, loc) },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
        ],
      });
      expect(base.status, base.text).toBe(200);
      const commitFrom = (id: number) =>
        req('POST', tableUrl(ns, 't'), {
          requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 1 }],
          updates: [
            { action: 'add-snapshot', snapshot: snapshot(id, 2, loc, 1) },
            { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
          ],
        });
      const a = await commitFrom(2);
      expect(a.status, a.text).toBe(200);
      const b = await commitFrom(3);
      expectError(
        b,
        409,
        'CommitFailedException',
        'Requirement failed: branch main has changed: expected id 1 != 2',
      );
      const loaded = await loadTable(ns, 't');
      expect(loaded['metadata-location']).toBe(a.body['metadata-location']);
      expect(loaded.metadata.snapshots.map((s: Json) => s['snapshot-id'])).toEqual([1, 2]);
    });

    it('10 concurrent non-conflicting commits to one table all succeed', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const uuid = created.metadata['table-uuid'] as string;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          req('POST', tableUrl(ns, 't'), {
            requirements: [{ type: 'assert-table-uuid', uuid }],
            updates: [{ action: 'set-properties', updates: { [`p${i}`]: String(i) } }],
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
      const loaded = await loadTable(ns, 't');
      expect(loaded.metadata.properties).toEqual(
        Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, String(i)])),
      );
      expect(loaded['metadata-location']).toMatch(metadataFileRe(created.metadata.location, 10));
      expect(loaded.metadata['metadata-log']).toHaveLength(10);
      // Every response's location is distinct: each commit landed exactly once.
      expect(new Set(results.map((r) => r.body['metadata-location'])).size).toBe(10);
      // Files of lost swaps were cleaned up: exactly the 11 committed files remain.
      expect(readdirSync(toPath(`${created.metadata.location}/metadata`)).sort()).toHaveLength(11);
    });

    it('two replicas on one database: racing commits are retried on the new base and all land', async () => {
      const replica = await buildReplica(c);
      try {
        const ns = await newNamespace();
        const created = await createTable(ns, 't');
        const uuid = created.metadata['table-uuid'] as string;
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            call(i % 2 ? replica : c, 'POST', tableUrl(ns, 't'), {
              requirements: [{ type: 'assert-table-uuid', uuid }],
              updates: [{ action: 'set-properties', updates: { [`r${i}`]: String(i) } }],
            }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
        const loaded = await loadTable(ns, 't');
        expect(loaded.metadata.properties).toEqual(
          Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`r${i}`, String(i)])),
        );
        expect(loaded.metadata['metadata-log']).toHaveLength(12);
        // Each replica serializes its own writers, so only cross-replica races lose a swap;
        // with 6 writers each side, some must have lost and been retried.
        const retries = async (t: TestCatalog) =>
          (await t.metrics.commitRetries.get()).values.reduce((sum, v) => sum + v.value, 0);
        expect((await retries(c)) + (await retries(replica))).toBeGreaterThan(0);
        // Files of lost swaps were deleted: exactly the 13 committed files remain.
        expect(readdirSync(toPath(`${created.metadata.location}/metadata`))).toHaveLength(13);
      } finally {
        await replica.close();
      }
    });

    it('names new metadata files <version>-<uuid>.metadata.json with increasing versions and logs the previous ones', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const loc = created.metadata.location as string;
      const locations = [created['metadata-location'] as string];
      for (let i = 1; i <= 3; i++) {
        const res = await setProps(ns, 't', { [`k${i}`]: `v${i}` });
        expect(res.status, res.text).toBe(200);
        expect(res.body['metadata-location']).toMatch(metadataFileRe(loc, i));
        expect(existsSync(toPath(res.body['metadata-location']))).toBe(true);
        locations.push(res.body['metadata-location']);
      }
      const loaded = await loadTable(ns, 't');
      expect(loaded.metadata['metadata-log'].map((e: Json) => e['metadata-file'])).toEqual(
        locations.slice(0, 3),
      );
      for (const entry of loaded.metadata['metadata-log'])
        expect(entry['timestamp-ms']).toEqual(expect.any(Number));
      // A commit that changes nothing writes nothing.
      const noop = await setProps(ns, 't', { k1: 'v1' });
      expect(noop.status).toBe(200);
      expect(noop.body['metadata-location']).toBe(locations[3]);
    });

    it('previous-versions-max=2 with delete-after-commit keeps 2 log entries and deletes older files', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't', {
        'write.metadata.previous-versions-max': '2',
        'write.metadata.delete-after-commit.enabled': 'true',
      });
      const locations = [created['metadata-location'] as string];
      for (let i = 1; i <= 4; i++) {
        const res = await setProps(ns, 't', { n: String(i) });
        expect(res.status, res.text).toBe(200);
        locations.push(res.body['metadata-location']);
      }
      const loaded = await loadTable(ns, 't');
      expect(loaded['metadata-location']).toBe(locations[4]);
      expect(loaded.metadata['metadata-log'].map((e: Json) => e['metadata-file'])).toEqual([
        locations[2],
        locations[3],
      ]);
      expect(locations.map((l) => existsSync(toPath(l)))).toEqual([false, false, true, true, true]);
    });

    it('drop: 204 then 404, files kept; purgeRequested=true deletes the table directory', async () => {
      const ns = await newNamespace();
      const kept = await createTable(ns, 'kept');
      const drop = await req('DELETE', tableUrl(ns, 'kept'));
      expect({ status: drop.status, text: drop.text }).toEqual({ status: 204, text: '' });
      expectError(
        await req('GET', tableUrl(ns, 'kept')),
        404,
        'NoSuchTableException',
        `Table does not exist: ${ns[0]}.kept`,
      );
      expectError(await req('DELETE', tableUrl(ns, 'kept')), 404, 'NoSuchTableException');
      expect(existsSync(toPath(kept['metadata-location']))).toBe(true);

      const purged = await createTable(ns, 'purged');
      expect((await setProps(ns, 'purged', { a: 'b' })).status).toBe(200);
      const dir = toPath(purged.metadata.location);
      expect(readdirSync(join(dir, 'metadata'))).toHaveLength(2);
      const purge = await req('DELETE', `${tableUrl(ns, 'purged')}?purgeRequested=true`);
      expect(purge.status).toBe(204);
      expect(existsSync(dir)).toBe(false);
      expect((await req('HEAD', tableUrl(ns, 'purged'))).status).toBe(404);
      // The namespace is empty again.
      expect((await req('DELETE', `/v1/namespaces/${enc(ns)}`)).status).toBe(204);
    });

    it('rename across namespaces; destination exists → 409; source missing → 404', async () => {
      const from = await newNamespace();
      const to = await newNamespace();
      const created = await createTable(from, 't');
      await createTable(to, 'taken');
      const rename = await req('POST', '/v1/tables/rename', {
        source: { namespace: from, name: 't' },
        destination: { namespace: to, name: 't2' },
      });
      expect({ status: rename.status, text: rename.text }).toEqual({ status: 204, text: '' });
      expect((await req('HEAD', tableUrl(from, 't'))).status).toBe(404);
      expect(await loadTable(to, 't2')).toEqual(created);

      const exists = await req('POST', '/v1/tables/rename', {
        source: { namespace: to, name: 't2' },
        destination: { namespace: to, name: 'taken' },
      });
      expectError(exists, 409, 'AlreadyExistsException');
      const missing = await req('POST', '/v1/tables/rename', {
        source: { namespace: from, name: 'nope' },
        destination: { namespace: to, name: 'x' },
      });
      expectError(missing, 404, 'NoSuchTableException');
      const noDestNs = await req('POST', '/v1/tables/rename', {
        source: { namespace: to, name: 't2' },
        destination: { namespace: ['missing_ns'], name: 'x' },
      });
      expectError(noDestNs, 404, 'NoSuchNamespaceException');
      expect(await loadTable(to, 't2')).toEqual(created);
    });

    it('register from another table’s metadata file, then unregister (files kept)', async () => {
      const ns = await newNamespace();
      const other = await newNamespace();
      await createTable(ns, 'source');
      const committed = await setProps(ns, 'source', { a: '1' });
      const location = committed.body['metadata-location'] as string;

      const reg = await req('POST', `/v1/namespaces/${enc(other)}/register`, {
        name: 'copy',
        'metadata-location': location,
      });
      expect({ status: reg.status, body: reg.body }).toEqual({
        status: 200,
        body: { 'metadata-location': location, metadata: committed.body.metadata, config: {} },
      });
      expect(await loadTable(other, 'copy')).toEqual(reg.body);
      const dup = await req('POST', `/v1/namespaces/${enc(other)}/register`, {
        name: 'copy',
        'metadata-location': location,
      });
      expectError(dup, 409, 'AlreadyExistsException');
      const badLocation = await req('POST', `/v1/namespaces/${enc(other)}/register`, {
        name: 'bad',
        'metadata-location': `${c.warehouse.location}/nothing/here.metadata.json`,
      });
      expectError(badLocation, 400, 'BadRequestException');

      const unreg = await req('POST', `${tableUrl(other, 'copy')}/unregister`);
      expect({ status: unreg.status, body: unreg.body }).toEqual({
        status: 200,
        body: { 'metadata-location': location, metadata: committed.body.metadata },
      });
      expect((await req('HEAD', tableUrl(other, 'copy'))).status).toBe(404);
      expect(existsSync(toPath(location))).toBe(true);
      expect((await loadTable(ns, 'source'))['metadata-location']).toBe(location);
      expectError(
        await req('POST', `${tableUrl(other, 'copy')}/unregister`),
        404,
        'NoSuchTableException',
      );
    });

    it('lists tables paginated (views are not tables)', async () => {
      const ns = await newNamespace();
      for (const name of ['t4', 't2', 't5', 't1', 't3']) await createTable(ns, name);
      await createView(ns, 'a_view');
      const seen: Json[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const tokenParam: string = token === null ? '' : `&pageToken=${encodeURIComponent(token)}`;
        const res: Res = await req(
          'GET',
          `/v1/namespaces/${enc(ns)}/tables?pageSize=2${tokenParam}`,
        );
        expect(res.status).toBe(200);
        expect(res.body.identifiers.length).toBe(pages < 2 ? 2 : 1);
        seen.push(...res.body.identifiers);
        token = res.body['next-page-token'];
        pages++;
      } while (token !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(['t1', 't2', 't3', 't4', 't5'].map((name) => ({ namespace: ns, name })));
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/tables`)).body).toEqual({
        identifiers: seen,
        'next-page-token': null,
      });
      expectError(
        await req('GET', '/v1/namespaces/missing_ns/tables'),
        404,
        'NoSuchNamespaceException',
      );
    });
  });

  // ---------------------------------------------------------------------------- transactions

  describe('POST /transactions/commit', () => {
    it('updates two tables atomically; one stale requirement → 409 and neither changes', async () => {
      const ns = await newNamespace();
      const a = await createTable(ns, 'a');
      const b = await createTable(ns, 'b');
      const change = (name: string, uuid: string, updates: Record<string, string>) => ({
        identifier: { namespace: ns, name },
        requirements: [{ type: 'assert-table-uuid', uuid }],
        updates: [{ action: 'set-properties', updates }],
      });
      const ok = await req('POST', '/v1/transactions/commit', {
        'table-changes': [
          change('a', a.metadata['table-uuid'], { x: '1' }),
          change('b', b.metadata['table-uuid'], { y: '2' }),
        ],
      });
      expect({ status: ok.status, text: ok.text }).toEqual({ status: 204, text: '' });
      const a1 = await loadTable(ns, 'a');
      const b1 = await loadTable(ns, 'b');
      expect(a1.metadata.properties).toEqual({ x: '1' });
      expect(b1.metadata.properties).toEqual({ y: '2' });
      expect(a1['metadata-location']).toMatch(metadataFileRe(a.metadata.location, 1));
      expect(b1['metadata-location']).toMatch(metadataFileRe(b.metadata.location, 1));

      const wrong = randomUUID();
      const stale = await req('POST', '/v1/transactions/commit', {
        'table-changes': [
          change('a', a.metadata['table-uuid'], { x: 'changed' }),
          change('b', wrong, { y: 'changed' }),
        ],
      });
      expectError(
        stale,
        409,
        'CommitFailedException',
        `Requirement failed: UUID does not match: expected ${wrong} != ${b.metadata['table-uuid']}`,
      );
      expect(await loadTable(ns, 'a')).toEqual(a1);
      expect(await loadTable(ns, 'b')).toEqual(b1);
      expect(readdirSync(toPath(`${a.metadata.location}/metadata`))).toHaveLength(2);

      const missingTable = await req('POST', '/v1/transactions/commit', {
        'table-changes': [
          change('a', a.metadata['table-uuid'], { x: 'z' }),
          change('nope', wrong, {}),
        ],
      });
      expectError(missingTable, 404, 'NoSuchTableException');
      expect(await loadTable(ns, 'a')).toEqual(a1);
    });
  });

  // ----------------------------------------------------------------------------------- views

  describe('views', () => {
    it('create, load, list, HEAD', async () => {
      const ns = await newNamespace();
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/views`, {
        name: 'v',
        schema: VIEW_SCHEMA,
        'view-version': viewVersion(1, ns, 'SELECT 1 AS x'),
        properties: { comment: 'test view' },
      });
      expect(res.status, res.text).toBe(200);
      const location = `${c.warehouse.location}/${ns[0]}/v`;
      expect(res.body).toEqual({
        'metadata-location': expect.stringMatching(
          new RegExp(`^${escapeRe(location)}/metadata/\\d{5}-${UUID_SRC}\\.metadata\\.json$`),
        ),
        metadata: {
          'view-uuid': expect.stringMatching(UUID),
          'format-version': 1,
          location,
          'current-version-id': 1,
          versions: [viewVersion(1, ns, 'SELECT 1 AS x')],
          'version-log': [{ 'version-id': 1, 'timestamp-ms': 1_700_000_000_001 }],
          schemas: [VIEW_SCHEMA],
          properties: { comment: 'test view' },
        },
        config: {},
      });
      expect(JSON.parse(readFileSync(toPath(res.body['metadata-location']), 'utf8'))).toEqual(
        res.body.metadata,
      );
      const load = await req('GET', `/v1/namespaces/${enc(ns)}/views/v`);
      expect({ status: load.status, body: load.body }).toEqual({ status: 200, body: res.body });
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}/views/v`)).status).toBe(204);
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}/views/nope`)).status).toBe(404);
      await createView(ns, 'a');
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/views`)).body).toEqual({
        identifiers: [
          { namespace: ns, name: 'a' },
          { namespace: ns, name: 'v' },
        ],
        'next-page-token': null,
      });
      const page = await req('GET', `/v1/namespaces/${enc(ns)}/views?pageSize=1`);
      expect(page.body.identifiers).toEqual([{ namespace: ns, name: 'a' }]);
      expect(typeof page.body['next-page-token']).toBe('string');
      expectError(
        await req('GET', `/v1/namespaces/${enc(ns)}/views/nope`),
        404,
        'NoSuchViewException',
        `View does not exist: ${ns[0]}.nope`,
      );
      const dup = await req('POST', `/v1/namespaces/${enc(ns)}/views`, {
        name: 'v',
        schema: VIEW_SCHEMA,
        'view-version': viewVersion(1, ns, 'SELECT 2'),
        properties: {},
      });
      expectError(dup, 409, 'AlreadyExistsException', `View already exists: ${ns[0]}.v`);
    });

    it('replace with add-view-version + set-current-view-version -1; assert-view-uuid failing → 409', async () => {
      const ns = await newNamespace();
      const created = await createView(ns, 'v');
      const uuid = created.metadata['view-uuid'] as string;
      const url = `/v1/namespaces/${enc(ns)}/views/v`;
      const replaced = await req('POST', url, {
        requirements: [{ type: 'assert-view-uuid', uuid }],
        updates: [
          { action: 'add-view-version', 'view-version': viewVersion(2, ns, 'SELECT 2 AS x') },
          { action: 'set-current-view-version', 'view-version-id': -1 },
        ],
      });
      expect(replaced.status, replaced.text).toBe(200);
      expect(replaced.body.metadata).toEqual({
        ...created.metadata,
        'current-version-id': 2,
        versions: [viewVersion(1, ns, 'SELECT 1 AS x'), viewVersion(2, ns, 'SELECT 2 AS x')],
        'version-log': [
          { 'version-id': 1, 'timestamp-ms': 1_700_000_000_001 },
          { 'version-id': 2, 'timestamp-ms': 1_700_000_000_002 },
        ],
      });
      expect(replaced.body['metadata-location']).not.toBe(created['metadata-location']);
      expect(existsSync(toPath(replaced.body['metadata-location']))).toBe(true);
      expect((await req('GET', url)).body).toEqual(replaced.body);

      const wrong = randomUUID();
      const failed = await req('POST', url, {
        requirements: [{ type: 'assert-view-uuid', uuid: wrong }],
        updates: [{ action: 'set-properties', updates: { a: 'b' } }],
      });
      expectError(
        failed,
        409,
        'CommitFailedException',
        `Requirement failed: view UUID does not match: expected ${wrong} != ${uuid}`,
      );
      expect((await req('GET', url)).body).toEqual(replaced.body);
      expectError(
        await req('POST', `/v1/namespaces/${enc(ns)}/views/nope`, {
          requirements: [],
          updates: [],
        }),
        404,
        'NoSuchViewException',
      );
    });

    it('rename, drop, register-view', async () => {
      const ns = await newNamespace();
      const other = await newNamespace();
      const created = await createView(ns, 'v');
      const rename = await req('POST', '/v1/views/rename', {
        source: { namespace: ns, name: 'v' },
        destination: { namespace: other, name: 'w' },
      });
      expect(rename.status).toBe(204);
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}/views/v`)).status).toBe(404);
      expect((await req('GET', `/v1/namespaces/${enc(other)}/views/w`)).body).toEqual(created);
      expectError(
        await req('POST', '/v1/views/rename', {
          source: { namespace: ns, name: 'v' },
          destination: { namespace: other, name: 'x' },
        }),
        404,
        'NoSuchViewException',
      );

      const drop = await req('DELETE', `/v1/namespaces/${enc(other)}/views/w`);
      expect({ status: drop.status, text: drop.text }).toEqual({ status: 204, text: '' });
      expectError(
        await req('GET', `/v1/namespaces/${enc(other)}/views/w`),
        404,
        'NoSuchViewException',
      );
      expectError(
        await req('DELETE', `/v1/namespaces/${enc(other)}/views/w`),
        404,
        'NoSuchViewException',
      );
      expect(existsSync(toPath(created['metadata-location']))).toBe(true);

      const registered = await req('POST', `/v1/namespaces/${enc(ns)}/register-view`, {
        name: 'back',
        'metadata-location': created['metadata-location'],
      });
      expect({ status: registered.status, body: registered.body }).toEqual({
        status: 200,
        body: created,
      });
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/views/back`)).body).toEqual(created);
    });

    it('a view and a table cannot share a name', async () => {
      const ns = await newNamespace();
      await createTable(ns, 'table_first');
      await createView(ns, 'view_first');
      const view = await req('POST', `/v1/namespaces/${enc(ns)}/views`, {
        name: 'table_first',
        schema: VIEW_SCHEMA,
        'view-version': viewVersion(1, ns, 'SELECT 1'),
        properties: {},
      });
      expectError(
        view,
        409,
        'AlreadyExistsException',
        `Table with same name already exists: ${ns[0]}.table_first`,
      );
      const table = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'view_first',
        schema: SCHEMA,
      });
      expectError(
        table,
        409,
        'AlreadyExistsException',
        `View with same name already exists: ${ns[0]}.view_first`,
      );
      const renameOnto = await req('POST', '/v1/tables/rename', {
        source: { namespace: ns, name: 'table_first' },
        destination: { namespace: ns, name: 'view_first' },
      });
      expectError(renameOnto, 409, 'AlreadyExistsException');
      expect((await req('HEAD', tableUrl(ns, 'table_first'))).status).toBe(204);
    });
  });

  // --------------------------------------------------------------------------------- metrics

  describe('metrics', () => {
    it('a ScanReport is counted; /metrics has request and commit counters', async () => {
      const fresh = await build({ store });
      try {
        const ns = await newNamespace({}, fresh);
        const created = await createTable(ns, 't', {}, fresh);
        const url = `/v1/namespaces/${enc(ns)}/tables/t`;
        const report = {
          'report-type': 'scan-report',
          'table-name': `${ns[0]}.t`,
          'snapshot-id': -1,
          filter: true,
          'schema-id': 0,
          'projected-field-ids': [1, 2],
          'projected-field-names': ['id', 'data'],
          metrics: {
            'total-planning-duration': {
              count: 1,
              'time-unit': 'nanoseconds',
              'total-duration': 1000,
            },
          },
        };
        const posted = await call(fresh, 'POST', `${url}/metrics`, report);
        expect({ status: posted.status, text: posted.text }).toEqual({ status: 204, text: '' });
        expectError(
          await call(fresh, 'POST', `/v1/namespaces/${enc(ns)}/tables/nope/metrics`, report),
          404,
          'NoSuchTableException',
        );
        expectError(
          await call(fresh, 'POST', `${url}/metrics`, { metrics: {} }),
          400,
          'BadRequestException',
        );

        for (const i of [1, 2])
          expect(
            (
              await call(fresh, 'POST', url, {
                requirements: [],
                updates: [{ action: 'set-properties', updates: { i: String(i) } }],
              })
            ).status,
          ).toBe(200);
        const conflict = await call(fresh, 'POST', url, {
          requirements: [{ type: 'assert-table-uuid', uuid: randomUUID() }],
          updates: [],
        });
        expect(conflict.status).toBe(409);
        expect(created.metadata.location).toBeTruthy();

        const metrics = await call(fresh, 'GET', '/metrics');
        expect(metrics.status).toBe(200);
        expect(String(metrics.headers['content-type'])).toMatch(/^text\/plain/);
        const lines = metrics.text.split('\n');
        expect(lines).toContain(
          'lakehouse_catalog_metrics_reports_total{report_type="scan-report"} 1',
        );
        expect(lines).toContain(
          'lakehouse_catalog_commits_total{kind="table",outcome="committed"} 2',
        );
        expect(lines).toContain(
          'lakehouse_catalog_commits_total{kind="table",outcome="conflict"} 1',
        );
        expect(lines).toContain('lakehouse_catalog_commit_conflicts_total 1');
        expect(lines).toContain(
          'lakehouse_catalog_http_requests_total{route="/v1/namespaces/:namespace/tables/:table",method="POST",status="200"} 2',
        );
        expect(lines).toContain(
          'lakehouse_catalog_http_requests_total{route="/v1/namespaces/:namespace/tables/:table",method="POST",status="409"} 1',
        );
        expect(lines).toContain(
          'lakehouse_catalog_http_requests_total{route="/v1/namespaces",method="POST",status="200"} 1',
        );
        expect(lines).toContain(
          'lakehouse_catalog_http_request_duration_seconds_count{route="/v1/namespaces/:namespace/tables/:table",method="POST"} 3',
        );
        expect(
          lines.some((l) =>
            l.startsWith(
              'lakehouse_catalog_http_request_duration_seconds_bucket{le="0.0005",route="/v1/namespaces"',
            ),
          ),
        ).toBe(true);
        expect(lines.some((l) => l.startsWith('lakehouse_catalog_process_cpu_seconds_total'))).toBe(
          true,
        );
      } finally {
        await fresh.close();
      }
    });
  });

  // ---------------------------------------------------------------------------------- errors

  describe('errors', () => {
    it('malformed JSON → 400 BadRequestException and nothing created', async () => {
      const name = uniq('malformed');
      const res = await req('POST', '/v1/namespaces', `{"namespace": ["${name}"`);
      expectError(res, 400, 'BadRequestException', /^Malformed JSON body: /);
      expect((await req('HEAD', `/v1/namespaces/${name}`)).status).toBe(404);
      const ns = await newNamespace();
      const table = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, `{"name":"t","schema":`);
      expectError(table, 400, 'BadRequestException', /^Malformed JSON body: /);
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/tables`)).body.identifiers).toEqual([]);
    });

    it('unknown update action → 400', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const res = await req('POST', tableUrl(ns, 't'), {
        requirements: [],
        updates: [{ action: 'set-foo', foo: 1 }],
      });
      expectError(
        res,
        400,
        'BadRequestException',
        'Invalid commit table request: updates[0].action: unknown action "set-foo"',
      );
      expect(await loadTable(ns, 't')).toEqual(created);
    });

    it('invalid identifiers → 400', async () => {
      const emptyLevel = await req('POST', '/v1/namespaces', { namespace: ['a', ''] });
      expectError(
        emptyLevel,
        400,
        'BadRequestException',
        'Invalid namespace ["a",""]: level "" — it is empty',
      );
      for (const [level, problem] of [
        ['.', "'.' is not allowed"],
        ['..', "'..' is not allowed"],
        ['a\u0000b', 'it holds a control character'],
        ['a\u007fb', 'it holds a control character'],
      ]) {
        const res = await req('POST', '/v1/namespaces', { namespace: ['x', level] });
        expectError(
          res,
          400,
          'BadRequestException',
          `Invalid namespace ${JSON.stringify(['x', level])}: level ${JSON.stringify(level)} — ${problem}`,
        );
      }
      const noLevels = await req('POST', '/v1/namespaces', { namespace: [] });
      expectError(
        noLevels,
        400,
        'BadRequestException',
        'Invalid namespace: it must have at least one level',
      );
      const pathLevel = await req('GET', '/v1/namespaces/a%1F%1Fb');
      expectError(
        pathLevel,
        400,
        'BadRequestException',
        'Invalid namespace "a\\u001f\\u001fb": empty level',
      );
      const ns = await newNamespace();
      for (const name of ['', '.', '..', 'x\u0000', 'x\u001b']) {
        for (const kind of ['tables', 'views'] as const) {
          const res = await req('POST', `/v1/namespaces/${enc(ns)}/${kind}`, {
            name,
            schema: SCHEMA,
            ...(kind === 'views' ? { 'view-version': viewVersion(1, ns, 'SELECT 1') } : {}),
          });
          expectError(res, 400, 'BadRequestException', /^Invalid (table|view) name /);
        }
      }
    });

    it("a '/' in a table name or a namespace level is encoded in the derived location", async () => {
      const ns = [uniq('a/b')];
      expect((await req('POST', '/v1/namespaces', { namespace: ns })).status).toBe(200);
      const created = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'tab/le',
        schema: SCHEMA,
      });
      expect(created.status).toBe(200);
      const location: string = created.body.metadata.location;
      expect(location).toBe(
        `${c.warehouse.location}/${encodeURIComponent(ns[0] as string).replace('%2F', '%252F')}/tab%252Fle`,
      );
      const dir = toPath(location);
      expect(dir.startsWith(`${c.warehouse.dir}/`)).toBe(true);
      expect(existsSync(toPath(created.body['metadata-location']))).toBe(true);
      // The name is one folder: no `tab` folder with `le` below it.
      expect(readdirSync(dirname(dir))).toEqual([basename(dir)]);
      expect((await req('GET', tableUrl(ns, 'tab/le'))).status).toBe(200);
    });

    it('invalid schema (duplicate field ids) → 400 and no table', async () => {
      const ns = await newNamespace();
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 't',
        schema: {
          type: 'struct',
          fields: [
            { id: 1, name: 'a', type: 'long', required: true },
            { id: 1, name: 'b', type: 'string', required: false },
          ],
        },
      });
      expectError(res, 400, 'BadRequestException');
      expect(res.body.error.message).toMatch(/\b1\b/);
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(404);
    });

    it('unknown table → NoSuchTableException, unknown view → NoSuchViewException, unknown endpoint', async () => {
      const ns = await newNamespace();
      expectError(
        await req('GET', tableUrl(ns, 'nope')),
        404,
        'NoSuchTableException',
        `Table does not exist: ${ns[0]}.nope`,
      );
      expectError(
        await req('GET', `/v1/namespaces/${enc(ns)}/views/nope`),
        404,
        'NoSuchViewException',
        `View does not exist: ${ns[0]}.nope`,
      );
      // The spec's 404 for a table route, also when the namespace is missing (Java's client
      // resolves `ns.t.files` as a metadata table only after a NoSuchTableException).
      expectError(
        await req('GET', '/v1/namespaces/missing_ns/tables/t'),
        404,
        'NoSuchTableException',
        'Table does not exist: missing_ns.t',
      );
      expectError(
        await req('GET', '/v2/nothing'),
        404,
        'NoSuchEndpointException',
        'No such endpoint: GET /v2/nothing',
      );
    });

    it('fuzz: malformed bodies across endpoints never 5xx and never change state', async () => {
      const ns = await newNamespace({ keep: 'me' });
      const created = await createTable(ns, 't');
      const view = await createView(ns, 'v');
      const n = enc(ns);
      const state = async () => ({
        namespaces: (await req('GET', '/v1/namespaces')).body,
        ns: (await req('GET', `/v1/namespaces/${n}`)).body,
        children: (await req('GET', `/v1/namespaces?parent=${n}`)).body,
        tables: (await req('GET', `/v1/namespaces/${n}/tables`)).body,
        views: (await req('GET', `/v1/namespaces/${n}/views`)).body,
        table: (await req('GET', `/v1/namespaces/${n}/tables/t`)).body,
        view: (await req('GET', `/v1/namespaces/${n}/views/v`)).body,
        files: readdirSync(toPath(`${created.metadata.location}/metadata`)).sort(),
      });
      const before = await state();
      expect(before.table).toEqual(created);
      expect(before.view).toEqual(view);
      const t = `/v1/namespaces/${n}/tables/t`;
      const cases: Array<[Method, string, unknown]> = [
        ['POST', '/v1/namespaces', 'null'],
        ['POST', '/v1/namespaces', '[]'],
        ['POST', '/v1/namespaces', '"x"'],
        ['POST', '/v1/namespaces', { namespace: 'flat' }],
        ['POST', '/v1/namespaces', { namespace: [1, 2] }],
        ['POST', '/v1/namespaces', { namespace: ['x'], properties: { a: 1 } }],
        ['POST', '/v1/namespaces', { namespace: ['x\u0001'] }],
        ['POST', `/v1/namespaces/${n}/properties`, { updates: ['a'] }],
        ['POST', `/v1/namespaces/${n}/properties`, { removals: 'keep' }],
        ['POST', `/v1/namespaces/${n}/tables`, {}],
        ['POST', `/v1/namespaces/${n}/tables`, { name: 'x' }],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          { name: 'x', schema: { type: 'struct', fields: 'no' } },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          {
            name: 'x',
            schema: {
              type: 'struct',
              fields: [{ id: 1, name: 'a', type: 'nope', required: true }],
            },
          },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          {
            name: 'x',
            schema: SCHEMA,
            'partition-spec': { fields: [{ 'source-id': 99, transform: 'identity', name: 'p' }] },
          },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          {
            name: 'x',
            schema: SCHEMA,
            'partition-spec': { fields: [{ 'source-id': 1, transform: 'frobnicate', name: 'p' }] },
          },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          {
            name: 'x',
            schema: SCHEMA,
            'write-order': {
              'order-id': 1,
              fields: [
                {
                  'source-id': 42,
                  transform: 'identity',
                  direction: 'asc',
                  'null-order': 'nulls-first',
                },
              ],
            },
          },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/tables`,
          { name: 'x', schema: SCHEMA, properties: { 'format-version': 'two' } },
        ],
        ['POST', t, {}],
        ['POST', t, { requirements: 'none', updates: [] }],
        ['POST', t, { requirements: [{ type: 'assert-nothing' }], updates: [] }],
        [
          'POST',
          t,
          { requirements: [], updates: [{ action: 'set-current-schema', 'schema-id': 42 }] },
        ],
        ['POST', t, { requirements: [], updates: [{ action: 'set-default-spec', 'spec-id': 9 }] }],
        [
          'POST',
          t,
          {
            requirements: [],
            updates: [
              { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 77 },
            ],
          },
        ],
        [
          'POST',
          t,
          {
            requirements: [],
            updates: [{ action: 'upgrade-format-version', 'format-version': 1 }],
          },
        ],
        [
          'POST',
          t,
          {
            requirements: [],
            updates: [
              {
                action: 'add-schema',
                schema: {
                  type: 'struct',
                  fields: [
                    { id: 1, name: 'a', type: 'long', required: true },
                    { id: 1, name: 'b', type: 'long', required: true },
                  ],
                },
              },
            ],
          },
        ],
        ['POST', t, { requirements: [], updates: [{ action: 'assign-uuid', uuid: randomUUID() }] }],
        [
          'POST',
          t,
          { requirements: [], updates: [{ action: 'remove-snapshots', 'snapshot-ids': 'all' }] },
        ],
        [
          'POST',
          t,
          { identifier: { namespace: ['other'], name: 't' }, requirements: [], updates: [] },
        ],
        ['DELETE', `${t}?purgeRequested=maybe`, undefined],
        ['GET', `/v1/namespaces?pageSize=-3`, undefined],
        ['POST', '/v1/tables/rename', { source: { namespace: ns, name: 't' } }],
        [
          'POST',
          '/v1/tables/rename',
          { source: { namespace: ns, name: 't' }, destination: { namespace: ns, name: '' } },
        ],
        ['POST', '/v1/transactions/commit', { 'table-changes': [] }],
        [
          'POST',
          '/v1/transactions/commit',
          { 'table-changes': [{ requirements: [], updates: [] }] },
        ],
        ['POST', `/v1/namespaces/${n}/register`, { name: 'r', 'metadata-location': '' }],
        [
          'POST',
          `/v1/namespaces/${n}/register`,
          { name: 'r', 'metadata-location': 'ftp://x/y.json' },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/register`,
          { name: 'r', 'metadata-location': view['metadata-location'] },
        ],
        ['POST', `/v1/namespaces/${n}/views`, { name: 'w', schema: VIEW_SCHEMA }],
        [
          'POST',
          `/v1/namespaces/${n}/views/v`,
          { updates: [{ action: 'set-current-view-version', 'view-version-id': 99 }] },
        ],
        [
          'POST',
          `/v1/namespaces/${n}/register-view`,
          { name: 'w', 'metadata-location': created['metadata-location'] },
        ],
        ['POST', '/v1/oauth/tokens', 'grant_type=client_credentials'],
      ];
      expect(cases.length).toBeGreaterThanOrEqual(30);
      for (const [method, url, payload] of cases) {
        const res = await req(method, url, payload);
        const label = `${method} ${url} ${typeof payload === 'string' ? payload : JSON.stringify(payload)} -> ${res.status} ${res.text}`;
        expect(res.status, label).toBeGreaterThanOrEqual(400);
        expect(res.status, label).toBeLessThan(500);
        if (res.status !== 404 || res.body?.error?.type !== 'NoSuchEndpointException') {
          expect(res.body?.error?.code, label).toBe(res.status);
        }
      }
      expect(await state()).toEqual(before);
    });
  });

  // ---------------------------------------------------------------------------- idempotency

  describe('Idempotency-Key', () => {
    it('create namespace twice with one key: the second replays the first 200', async () => {
      const key = randomUUID();
      const ns = [uniq('idem')];
      const first = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns, properties: { a: '1' } },
        { 'idempotency-key': key },
      );
      expect({ status: first.status, body: first.body }).toEqual({
        status: 200,
        body: { namespace: ns, properties: { a: '1' } },
      });
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const second = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns, properties: { a: '1' } },
        { 'idempotency-key': key },
      );
      expect({
        status: second.status,
        body: second.body,
        replayed: second.headers['idempotent-replayed'],
      }).toEqual({
        status: 200,
        body: first.body,
        replayed: 'true',
      });
      // Without the key the duplicate is a conflict, as always.
      expectError(
        await req('POST', '/v1/namespaces', { namespace: ns }),
        409,
        'AlreadyExistsException',
      );
    });

    it('a commit retried with its key is applied once', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const key = randomUUID();
      const first = await setProps(ns, 't', { once: 'yes' }, { 'idempotency-key': key });
      expect(first.status, first.text).toBe(200);
      const second = await setProps(ns, 't', { once: 'yes' }, { 'idempotency-key': key });
      expect({
        status: second.status,
        body: second.body,
        replayed: second.headers['idempotent-replayed'],
      }).toEqual({
        status: 200,
        body: first.body,
        replayed: 'true',
      });
      const loaded = await loadTable(ns, 't');
      expect(loaded['metadata-location']).toBe(first.body['metadata-location']);
      expect(loaded['metadata-location']).toMatch(metadataFileRe(created.metadata.location, 1));
      expect(loaded.metadata['metadata-log']).toHaveLength(1);
      // The key belongs to that request: another body with it is refused, not answered.
      const third = await setProps(ns, 't', { other: 'x' }, { 'idempotency-key': key });
      expectError(
        third,
        422,
        'UnprocessableEntityException',
        `Idempotency-Key ${key} was first used for POST ${tableUrl(ns, 't')} with another body; use a new key for a new request`,
      );
      expect((await loadTable(ns, 't')).metadata.properties).toEqual({ once: 'yes' });
    });

    it('a 4xx is final and replayed; different keys behave normally', async () => {
      const ns = await newNamespace();
      const key = randomUUID();
      const conflict = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': key },
      );
      expectError(conflict, 409, 'AlreadyExistsException');
      expect((await req('DELETE', `/v1/namespaces/${enc(ns)}`)).status).toBe(204);
      const replay = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': key },
      );
      expect({
        status: replay.status,
        body: replay.body,
        replayed: replay.headers['idempotent-replayed'],
      }).toEqual({
        status: 409,
        body: conflict.body,
        replayed: 'true',
      });
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}`)).status).toBe(404);

      const a = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': randomUUID() },
      );
      expect(a.status).toBe(200);
      expect(a.headers['idempotent-replayed']).toBeUndefined();
      const b = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': randomUUID() },
      );
      expectError(b, 409, 'AlreadyExistsException');
      expect(b.headers['idempotent-replayed']).toBeUndefined();

      const invalid = await req(
        'POST',
        '/v1/namespaces',
        { namespace: [uniq('k')] },
        { 'idempotency-key': 'short' },
      );
      expectError(
        invalid,
        400,
        'BadRequestException',
        'Invalid Idempotency-Key header: use a UUID (UUIDv7 recommended)',
      );
    });
  });

  // ------------------------------------------------------------------------------------ auth

  describe('authentication', () => {
    const TOKEN = 'static-token-0123456789abcdef';
    const SECRET = 'client-secret-0123456789';
    let authed: TestCatalog;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lakehouse-auth-'));
      const file = join(dir, 'auth.yaml');
      writeFileSync(
        file,
        `tokens:\n  - ${TOKEN}\nclients:\n  - id: spark\n    secret: ${SECRET}\n`,
      );
      authed = await build({ store, authFile: file });
    });
    afterAll(async () => {
      await authed?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('no or wrong token → 401; the static token works', async () => {
      const none = await call(authed, 'GET', '/v1/namespaces');
      expectError(
        none,
        401,
        'NotAuthorizedException',
        'Missing or invalid bearer token: send Authorization: Bearer <token>',
      );
      const wrong = await call(authed, 'GET', '/v1/namespaces', undefined, {
        authorization: 'Bearer nope',
      });
      expectError(wrong, 401, 'NotAuthorizedException');
      const noCreate = await call(authed, 'POST', '/v1/namespaces', { namespace: ['sneaky'] });
      expect(noCreate.status).toBe(401);
      const ok = await call(authed, 'GET', '/v1/namespaces', undefined, {
        authorization: `Bearer ${TOKEN}`,
      });
      expect({ status: ok.status, body: ok.body }).toEqual({
        status: 200,
        body: { namespaces: [], 'next-page-token': null },
      });
      const config = await call(authed, 'GET', '/v1/config', undefined, {
        authorization: `Bearer ${TOKEN}`,
      });
      expect(config.body.endpoints).toEqual(['POST /v1/oauth/tokens', ...EXPECTED_ENDPOINTS]);
    });

    it('OAuth2 client credentials issue a working token; a wrong secret is invalid_client', async () => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'spark',
        client_secret: SECRET,
        scope: 'catalog',
      });
      const res = await authed.inject({
        method: 'POST',
        url: '/v1/oauth/tokens',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      expect(res.statusCode, res.body).toBe(200);
      const token = res.json() as Json;
      expect(token).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 3600,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      });
      const used = await call(
        authed,
        'POST',
        '/v1/namespaces',
        { namespace: ['via_oauth'] },
        { authorization: `Bearer ${token.access_token}` },
      );
      expect(used.status).toBe(200);
      const tampered = `${token.access_token}x`;
      expect(
        (
          await call(authed, 'GET', '/v1/namespaces', undefined, {
            authorization: `Bearer ${tampered}`,
          })
        ).status,
      ).toBe(401);

      const bad = await authed.inject({
        method: 'POST',
        url: '/v1/oauth/tokens',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'spark',
          client_secret: 'wrong-secret-0123456789',
        }).toString(),
      });
      expect({ status: bad.statusCode, body: bad.json() as Json }).toEqual({
        status: 401,
        body: { error: 'invalid_client', error_description: 'Unknown client or wrong secret' },
      });
      const grant = await authed.inject({
        method: 'POST',
        url: '/v1/oauth/tokens',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=password&client_id=spark',
      });
      expect({ status: grant.statusCode, error: (grant.json() as Json).error }).toEqual({
        status: 400,
        error: 'unsupported_grant_type',
      });
    });

    it('/healthz, /readyz and /metrics need no token', async () => {
      expect((await call(authed, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
      expect((await call(authed, 'GET', '/readyz')).status).toBe(200);
      expect((await call(authed, 'GET', '/metrics')).status).toBe(200);
    });
  });

  describe('startCatalogServer', () => {
    it('refuses 0.0.0.0 without auth unless insecure', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lakehouse-start-'));
      try {
        const db = await freshDatabaseUrl(store, dir);
        const warehouses = [{ name: 'default', location: `file://${join(dir, 'wh')}` }];
        const options = { host: '0.0.0.0', port: 0, db, warehouses, s3: {}, logger: silentLogger };
        const err = await startCatalogServer(options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(CatalogStartupError);
        expect((err as CatalogStartupError).message).toBe(
          'refusing to listen on 0.0.0.0 without authentication',
        );
        expect((err as CatalogStartupError).help).toBe(
          'pass --auth-tokens <file>, or --insecure if the network is trusted',
        );
        const running = await startCatalogServer({ ...options, insecure: true });
        try {
          const port = Number(new URL(running.url).port);
          const res = await fetch(`http://127.0.0.1:${port}/v1/config`);
          expect(res.status).toBe(200);
        } finally {
          await running.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('health', () => {
    it('/readyz 200 with checks, /healthz ok; /readyz 503 when the database is gone', async () => {
      const ready = await req('GET', '/readyz');
      expect({ status: ready.status, body: ready.body }).toEqual({
        status: 200,
        body: { status: 'ready', checks: { database: 'ok', 'warehouse:default': 'ok' } },
      });
      expect(await req('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
      const fresh = await build({ store });
      try {
        await fresh.store.close();
        const down = await call(fresh, 'GET', '/readyz');
        expect(down.status).toBe(503);
        expect(down.body.status).toBe('not ready');
        expect(down.body.checks['warehouse:default']).toBe('ok');
        expect(down.body.checks.database).not.toBe('ok');
        expect((await call(fresh, 'GET', '/healthz')).status).toBe(200);
      } finally {
        await fresh.app.close();
        rmSync(join(fresh.warehouse.dir, '..'), { recursive: true, force: true });
      }
    });
  });
});

afterAll(async () => {
  await stopSharedPostgres();
});
