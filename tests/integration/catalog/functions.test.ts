/**
 * Functions (UDFs) over HTTP, on both stores: the spec's listFunctions and loadFunction, and the
 * catalog's own create, update and drop. A real catalog app on a fresh SQLite file or a fresh
 * database on a real PostgreSQL server; requests through `app.inject()`; bodies asserted exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportPostgresCatalog,
  importSqliteCatalog,
  openCatalogStore,
  snapshotSqlite,
} from '../../../src/catalog/store/index.js';
import {
  build,
  stopSharedPostgres,
  type StoreKind,
  type TestCatalog,
} from '../../support/catalog-app.js';

// Response bodies are arbitrary JSON, walked into and asserted exactly with toEqual.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

interface Res {
  status: number;
  body: Json;
  text: string;
}

type Method = NonNullable<InjectOptions['method']>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The spec's multi-level namespace in a path segment: levels joined by 0x1F, URL-encoded. */
const enc = (ns: string[]): string => encodeURIComponent(ns.join('\u001f'));
const fnUrl = (ns: string[], name?: string): string =>
  `/v1/namespaces/${enc(ns)}/functions${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;

function sql(dialect: string, text: string) {
  return { type: 'sql', dialect, sql: text };
}

/** add_one(int) and add_one(float), as in the UDF spec's example. */
function addOne(name = 'add_one') {
  return {
    name,
    doc: 'Add one to the input value',
    properties: { owner: 'analytics' },
    definitions: [
      {
        'specific-name': 'add_one_int',
        parameters: [{ name: 'x', type: 'int', doc: 'Input integer' }],
        'return-type': 'int',
        'return-nullable': true,
        doc: 'Add one to the input integer',
        version: {
          representations: [sql('trino', 'x + 1'), sql('spark', 'x + 1')],
          deterministic: true,
          'on-null-input': 'return-null',
        },
      },
      {
        'specific-name': 'add_one_float',
        parameters: [{ name: 'x', type: 'float', doc: 'Input float' }],
        'return-type': 'float',
        version: { representations: [sql('trino', 'x + 1.0')] },
      },
    ],
  };
}

function simple(name: string) {
  return {
    name,
    definitions: [
      {
        parameters: [{ name: 'x', type: 'long' }],
        'return-type': 'long',
        version: { representations: [sql('trino', 'x * 2')] },
      },
    ],
  };
}

function errorOf(status: number, type: string, message?: string | RegExp) {
  return {
    status,
    body: {
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
    },
  };
}

afterAll(async () => {
  await stopSharedPostgres();
});

/** One request sent as written: no URL normalization of `.` or `..` segments. */
function rawRequest(
  base: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  const headers: Record<string, string> =
    body === undefined ? {} : { 'content-type': 'application/json' };
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe.each<StoreKind>(['sqlite', 'postgres'])('catalog functions on %s', (store) => {
  let c: TestCatalog;
  let counter = 0;
  const uniq = (prefix: string): string => `${prefix}_${++counter}`;

  beforeAll(async () => {
    c = await build({ store });
  });
  afterAll(async () => {
    await c?.close();
  });

  async function req(
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
    return { status: res.statusCode, body, text: res.body };
  }

  const expectError = (res: Res, status: number, type: string, message?: string | RegExp) =>
    expect({ status: res.status, body: res.body }).toEqual(errorOf(status, type, message));

  async function newNamespace(): Promise<string[]> {
    const ns = [uniq('ns')];
    const res = await req('POST', '/v1/namespaces', { namespace: ns });
    expect(res.status, res.text).toBe(200);
    return ns;
  }

  async function create(ns: string[], body: unknown): Promise<Json> {
    const res = await req('POST', fnUrl(ns), body);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  it('creates a function with overloads; loadFunction returns its FunctionMetadata exactly', async () => {
    const ns = await newNamespace();
    const before = Date.now();
    const created = await create(ns, addOne());
    const after = Date.now();
    const metadata = created.metadata;
    expect(Object.keys(created)).toEqual(['metadata']);
    expect(metadata['function-uuid']).toMatch(UUID);
    const ts = metadata['definition-log'][0]['timestamp-ms'];
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
    expect(metadata).toEqual({
      'function-uuid': metadata['function-uuid'],
      'format-version': 1,
      definitions: [
        {
          'definition-id': 'int',
          'specific-name': 'add_one_int',
          parameters: [{ name: 'x', type: 'int', doc: 'Input integer' }],
          'return-type': 'int',
          'return-nullable': true,
          versions: [
            {
              'version-id': 1,
              representations: [sql('trino', 'x + 1'), sql('spark', 'x + 1')],
              deterministic: true,
              'on-null-input': 'return-null',
              'timestamp-ms': ts,
            },
          ],
          'current-version-id': 1,
          'function-type': 'udf',
          doc: 'Add one to the input integer',
        },
        {
          'definition-id': 'float',
          'specific-name': 'add_one_float',
          parameters: [{ name: 'x', type: 'float', doc: 'Input float' }],
          'return-type': 'float',
          versions: [
            { 'version-id': 1, representations: [sql('trino', 'x + 1.0')], 'timestamp-ms': ts },
          ],
          'current-version-id': 1,
          'function-type': 'udf',
        },
      ],
      'definition-log': [
        {
          'timestamp-ms': ts,
          'definition-versions': [
            { 'definition-id': 'int', 'version-id': 1 },
            { 'definition-id': 'float', 'version-id': 1 },
          ],
        },
      ],
      properties: { owner: 'analytics' },
      doc: 'Add one to the input value',
    });
    const loaded = await req('GET', fnUrl(ns, 'add_one'));
    expect(loaded.status).toBe(200);
    expect(loaded.body).toEqual(created);

    const list = await req('GET', fnUrl(ns));
    expect({ status: list.status, body: list.body }).toEqual({
      status: 200,
      body: { identifiers: [[...ns, 'add_one']], 'next-page-token': null },
    });
  });

  it('a UDTF with a struct return type and nested parameter types', async () => {
    const ns = await newNamespace();
    const returns = {
      type: 'struct',
      fields: [
        { id: 1, name: 'name', type: 'string' },
        { id: 2, name: 'color', type: 'string' },
      ],
    };
    const created = await create(ns, {
      name: 'fruits_by_color',
      definitions: [
        {
          parameters: [
            { name: 'c', type: 'string' },
            {
              name: 'tags',
              type: {
                type: 'map',
                key: 'string',
                value: { type: 'list', element: 'decimal(9,2)' },
              },
            },
          ],
          'return-type': returns,
          'function-type': 'udtf',
          version: {
            representations: [sql('trino', 'SELECT name, color FROM fruits WHERE color = c')],
          },
        },
      ],
    });
    expect(created.metadata.definitions[0]['definition-id']).toBe(
      'string,map<string,list<decimal(9,2)>>',
    );
    expect(created.metadata.definitions[0]['return-type']).toEqual(returns);
    expect((await req('GET', fnUrl(ns, 'fruits_by_color'))).body).toEqual(created);
  });

  it('lists 205 functions in pages of 100: 100, 100, 5, in name order, no gap or duplicate', async () => {
    const ns = await newNamespace();
    const names = Array.from({ length: 205 }, (_, i) => `f${String(i).padStart(3, '0')}`);
    // Created out of order: the listing's order is the catalog's, not the creation order.
    for (const name of [...names].reverse()) await create(ns, simple(name));
    const pages: string[][] = [];
    let token: string | null = null;
    do {
      const q: string = token === null ? '' : `&pageToken=${encodeURIComponent(token)}`;
      const res = await req('GET', `${fnUrl(ns)}?pageSize=100${q}`);
      expect(res.status, res.text).toBe(200);
      for (const id of res.body.identifiers) expect(id.slice(0, -1)).toEqual(ns);
      pages.push(res.body.identifiers.map((id: string[]) => id[id.length - 1]));
      token = res.body['next-page-token'];
    } while (token !== null && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 5]);
    expect(pages.flat()).toEqual(names);
    const all = await req('GET', fnUrl(ns));
    expect(all.body.identifiers).toHaveLength(205);
    expect(all.body['next-page-token']).toBeNull();

    expectError(
      await req('GET', `${fnUrl(ns)}?pageToken=not-ours`),
      400,
      'BadRequestException',
      'Invalid pageToken: not a token returned by this catalog',
    );
    expectError(
      await req('GET', `${fnUrl(ns)}?pageSize=0`),
      400,
      'BadRequestException',
      'Invalid pageSize "0": must be a positive integer',
    );
  });

  it('updates: a new version becomes current, a rollback, a new overload, a removed one, properties', async () => {
    const ns = await newNamespace();
    const base = (await create(ns, addOne())).metadata;
    const url = fnUrl(ns, 'add_one');

    const v2 = await req('POST', url, {
      updates: [
        {
          action: 'add-definition-version',
          'definition-id': 'int',
          version: { representations: [sql('trino', 'x + 2')], deterministic: true },
        },
      ],
    });
    expect(v2.status, v2.text).toBe(200);
    const int2 = v2.body.metadata.definitions[0];
    expect(int2['current-version-id']).toBe(2);
    expect(int2.versions.map((v: Json) => v['version-id'])).toEqual([1, 2]);
    expect(v2.body.metadata['function-uuid']).toBe(base['function-uuid']);
    expect((await req('GET', url)).body).toEqual(v2.body);

    const rolled = await req('POST', url, {
      updates: [
        { action: 'set-current-version', 'definition-id': 'int', 'version-id': 1 },
        {
          action: 'add-definition',
          definition: {
            parameters: [
              { name: 'x', type: 'int' },
              { name: 'y', type: 'int' },
            ],
            'return-type': 'int',
            version: { representations: [sql('trino', 'x + y + 1')] },
          },
        },
        { action: 'remove-definition', 'definition-id': 'float' },
        { action: 'set-properties', updates: { tier: 'gold' } },
        { action: 'remove-properties', removals: ['owner'] },
      ],
    });
    expect(rolled.status, rolled.text).toBe(200);
    const m = rolled.body.metadata;
    expect(m.definitions.map((d: Json) => [d['definition-id'], d['current-version-id']])).toEqual([
      ['int', 1],
      ['int,int', 1],
    ]);
    expect(m.properties).toEqual({ tier: 'gold' });
    expect(m['definition-log'].map((e: Json) => e['definition-versions'])).toEqual([
      [
        { 'definition-id': 'int', 'version-id': 1 },
        { 'definition-id': 'float', 'version-id': 1 },
      ],
      [
        { 'definition-id': 'int', 'version-id': 2 },
        { 'definition-id': 'float', 'version-id': 1 },
      ],
      [
        { 'definition-id': 'int', 'version-id': 1 },
        { 'definition-id': 'int,int', 'version-id': 1 },
      ],
    ]);
    expect((await req('GET', url)).body).toEqual(rolled.body);

    // An overload that exists is a conflict, and the whole update applies or none of it.
    const conflict = await req('POST', url, {
      updates: [
        { action: 'set-properties', updates: { tier: 'silver' } },
        {
          action: 'add-definition',
          definition: {
            parameters: [{ name: 'z', type: 'int' }],
            'return-type': 'int',
            version: { representations: [sql('trino', 'z')] },
          },
        },
      ],
    });
    expectError(
      conflict,
      409,
      'AlreadyExistsException',
      'Function definition already exists: parameter types (int); add a version to it with add-definition-version',
    );
    expect((await req('GET', url)).body).toEqual(rolled.body);

    // An update that changes nothing answers the current metadata, unchanged.
    const same = await req('POST', url, {
      updates: [{ action: 'set-current-version', 'definition-id': 'int', 'version-id': 1 }],
    });
    expect(same.body).toEqual(rolled.body);
  });

  it('concurrent updates of one function all apply: none is lost to the compare-and-swap', async () => {
    const ns = await newNamespace();
    await create(ns, simple('busy'));
    const url = fnUrl(ns, 'busy');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        req('POST', url, {
          updates: [
            {
              action: 'add-definition-version',
              'definition-id': 'long',
              version: { representations: [sql('trino', `x * ${i + 3}`)] },
            },
          ],
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const def = (await req('GET', url)).body.metadata.definitions[0];
    expect(def.versions.map((v: Json) => v['version-id'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bodies = def.versions.slice(1).map((v: Json) => v.representations[0].sql);
    expect([...bodies].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `x * ${i + 3}`).sort());
  });

  it('drop: 204, then the function is gone; 404s say whether the namespace or the function is missing', async () => {
    const ns = await newNamespace();
    await create(ns, simple('gone'));
    const drop = await req('DELETE', fnUrl(ns, 'gone'));
    expect(drop.status).toBe(204);
    const fid = `${ns.join('.')}.gone`;
    expectError(
      await req('GET', fnUrl(ns, 'gone')),
      404,
      'NoSuchFunctionException',
      `Function does not exist: ${fid}`,
    );
    expectError(
      await req('DELETE', fnUrl(ns, 'gone')),
      404,
      'NoSuchFunctionException',
      `Function does not exist: ${fid}`,
    );
    expectError(
      await req('POST', fnUrl(ns, 'gone'), {
        updates: [{ action: 'set-properties', updates: { a: 'b' } }],
      }),
      404,
      'NoSuchFunctionException',
      `Function does not exist: ${fid}`,
    );
    expect((await req('GET', fnUrl(ns))).body).toEqual({
      identifiers: [],
      'next-page-token': null,
    });

    const missing = ['no_such_ns'];
    const nsMsg = 'Namespace does not exist: no_such_ns';
    expectError(await req('GET', fnUrl(missing)), 404, 'NoSuchNamespaceException', nsMsg);
    expectError(await req('GET', fnUrl(missing, 'f')), 404, 'NoSuchNamespaceException', nsMsg);
    expectError(await req('DELETE', fnUrl(missing, 'f')), 404, 'NoSuchNamespaceException', nsMsg);
    expectError(
      await req('POST', fnUrl(missing), simple('f')),
      404,
      'NoSuchNamespaceException',
      nsMsg,
    );
    expectError(
      await req('GET', '/v1/nope/namespaces/a/functions'),
      404,
      'NoSuchWarehouseException',
    );
  });

  it('a second create of a name is 409; a function may share its name with a view', async () => {
    const ns = await newNamespace();
    const first = await create(ns, simple('shared'));
    expectError(
      await req('POST', fnUrl(ns), addOne('shared')),
      409,
      'AlreadyExistsException',
      `Function already exists: ${ns.join('.')}.shared`,
    );
    expect((await req('GET', fnUrl(ns, 'shared'))).body).toEqual(first);
    const view = await req('POST', `/v1/namespaces/${enc(ns)}/views`, {
      name: 'shared',
      schema: {
        type: 'struct',
        'schema-id': 0,
        fields: [{ id: 1, name: 'x', type: 'int', required: false }],
      },
      'view-version': {
        'version-id': 1,
        'timestamp-ms': 1_700_000_000_000,
        'schema-id': 0,
        summary: {},
        representations: [{ type: 'sql', sql: 'SELECT 1 AS x', dialect: 'spark' }],
        'default-namespace': ns,
      },
    });
    expect(view.status, view.text).toBe(200);
    expect((await req('GET', fnUrl(ns, 'shared'))).body).toEqual(first);
    expect((await req('GET', `/v1/namespaces/${enc(ns)}/views/shared`)).status).toBe(200);
  });

  it('a namespace holding functions cannot be dropped until they are', async () => {
    const ns = await newNamespace();
    await create(ns, simple('keep'));
    expectError(
      await req('DELETE', `/v1/namespaces/${enc(ns)}`),
      409,
      'NamespaceNotEmptyException',
      `Namespace is not empty: ${ns.join('.')} contains functions`,
    );
    expect((await req('GET', fnUrl(ns, 'keep'))).status).toBe(200);
    expect((await req('DELETE', fnUrl(ns, 'keep'))).status).toBe(204);
    expect((await req('DELETE', `/v1/namespaces/${enc(ns)}`)).status).toBe(204);
  });

  it('an Idempotency-Key replays the create instead of creating twice', async () => {
    const ns = await newNamespace();
    const key = '0190b9a8-4d1c-7cc2-a6a3-6a2b4c8e9f01'.replace(
      'f01',
      String(counter).padStart(3, '0'),
    );
    const first = await req('POST', fnUrl(ns), simple('once'), { 'idempotency-key': key });
    const again = await req('POST', fnUrl(ns), simple('once'), { 'idempotency-key': key });
    expect(first.status).toBe(200);
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
    expect((await req('GET', fnUrl(ns))).body.identifiers).toEqual([[...ns, 'once']]);
  });

  it('hostile names and bodies get a 4xx and change nothing', async () => {
    const ns = await newNamespace();
    const existing = await create(ns, addOne('target'));
    const target = fnUrl(ns, 'target');
    const attempts: Array<[Method, string, unknown, number, string, string | RegExp]> = [
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), name: '' },
        400,
        'BadRequestException',
        'Invalid function name "": it is empty',
      ],
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), name: '..' },
        400,
        'BadRequestException',
        `Invalid function name "..": '..' is not allowed`,
      ],
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), name: 'a\u0000b' },
        400,
        'BadRequestException',
        /holds a control character/,
      ],
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), name: 42 },
        400,
        'BadRequestException',
        /^Invalid create function request: name: /,
      ],
      [
        'POST',
        fnUrl(['a', '..']),
        simple('x'),
        400,
        'BadRequestException',
        `Invalid namespace ["a",".."]: level ".." — '..' is not allowed`,
      ],
      [
        'POST',
        fnUrl(ns),
        '{"name": "x", "definitions": [',
        400,
        'BadRequestException',
        /^Malformed JSON body/,
      ],
      ['POST', fnUrl(ns), [], 400, 'BadRequestException', /^Invalid create function request/],
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), location: 'file:///etc' },
        400,
        'BadRequestException',
        'Invalid create function request: (root): Unrecognized key: "location"',
      ],
      [
        'POST',
        fnUrl(ns),
        {
          ...simple('x'),
          definitions: [{ ...simple('x').definitions[0], 'definition-id': 'bigint' }],
        },
        400,
        'BadRequestException',
        /definition-id: "bigint" does not match its parameter types; the canonical id is "long"/,
      ],
      [
        'POST',
        fnUrl(ns),
        {
          ...simple('x'),
          definitions: [{ ...simple('x').definitions[0], 'return-type': 'decimal(99,1)' }],
        },
        400,
        'BadRequestException',
        /decimal precision 99 is out of range/,
      ],
      [
        'POST',
        fnUrl(ns),
        {
          ...simple('x'),
          definitions: [
            { ...simple('x').definitions[0], version: { representations: [sql('trino', '')] } },
          ],
        },
        400,
        'BadRequestException',
        /sql: must hold the SQL text/,
      ],
      [
        'POST',
        fnUrl(ns),
        {
          ...simple('x'),
          definitions: [
            {
              ...simple('x').definitions[0],
              version: { representations: [{ type: 'python', dialect: 'py', sql: 'x' }] },
            },
          ],
        },
        400,
        'BadRequestException',
        /representations\[0\]\.type/,
      ],
      [
        'POST',
        fnUrl(ns),
        { ...simple('x'), properties: { a: 1 } },
        400,
        'BadRequestException',
        /properties\.a/,
      ],
      [
        'POST',
        fnUrl(ns),
        `{"name":"x","definitions":${'['.repeat(300)}${']'.repeat(300)}}`,
        400,
        'BadRequestException',
        /nest/i,
      ],
      [
        'POST',
        target,
        { updates: [] },
        400,
        'BadRequestException',
        'Invalid update function request: updates: needs at least one update',
      ],
      [
        'POST',
        target,
        { updates: [{ action: 'set-location', location: 's3://x' }] },
        400,
        'BadRequestException',
        'Invalid update function request: updates[0].action: unknown action "set-location"',
      ],
      [
        'POST',
        target,
        '{"updates":[{"action":"set-current-version","definition-id":"int","version-id":123456789012345678901}]}',
        400,
        'BadRequestException',
        /version-id/,
      ],
      [
        'POST',
        target,
        { updates: [{ action: 'set-current-version', 'definition-id': 'int', 'version-id': 9 }] },
        400,
        'BadRequestException',
        'Invalid function update: updates[0].version-id: definition (int) has no version 9 (it has 1)',
      ],
      [
        'POST',
        target,
        {
          updates: [
            { action: 'remove-definition', 'definition-id': 'int' },
            { action: 'remove-definition', 'definition-id': 'float' },
          ],
        },
        400,
        'BadRequestException',
        /drop the function instead/,
      ],
      [
        'POST',
        target,
        {
          updates: [
            {
              action: 'add-definition-version',
              'definition-id': 'int',
              version: { representations: [sql('spark', '1'), sql('SPARK', '2')] },
            },
          ],
        },
        400,
        'BadRequestException',
        /at most one per dialect/,
      ],
      [
        'POST',
        target,
        {
          updates: [
            {
              action: 'add-definition',
              definition: {
                'specific-name': 'add_one_int',
                parameters: [{ name: 'y', type: 'long' }],
                'return-type': 'long',
                version: { representations: [sql('trino', 'y')] },
              },
            },
          ],
        },
        400,
        'BadRequestException',
        /"add_one_int" is already the specific-name of definitions\[0\]/,
      ],
      [
        'POST',
        target,
        { updates: [{ action: 'set-properties', updates: { big: 'x'.repeat(70_000) } }] },
        400,
        'BadRequestException',
        /bytes/,
      ],
    ];
    for (const [method, url, body, status, type, message] of attempts) {
      const res = await req(method, url, body);
      expect(
        { status: res.status, body: res.body },
        `${method} ${url} ${JSON.stringify(body)?.slice(0, 200)}`,
      ).toEqual(errorOf(status, type, message));
    }
    expect((await req('GET', target)).body).toEqual(existing);
    expect((await req('GET', fnUrl(ns))).body).toEqual({
      identifiers: [[...ns, 'target']],
      'next-page-token': null,
    });
  });

  it('a function name of . or .. in the path is a 400, sent raw as a hostile client would', async () => {
    const ns = await newNamespace();
    const existing = await create(ns, simple('stay'));
    // fetch() and inject() resolve `..` (even `%2E%2E`) away before sending; a raw client does not.
    const address = await c.app.listen({ host: '127.0.0.1', port: 0 });
    for (const name of ['.', '..']) {
      for (const method of ['GET', 'DELETE', 'POST'] as const) {
        const body =
          method === 'POST'
            ? JSON.stringify({ updates: [{ action: 'set-properties', updates: { a: 'b' } }] })
            : undefined;
        const res = await rawRequest(address, method, `${fnUrl(ns)}/${name}`, body);
        expect({ status: res.status, body: JSON.parse(res.body) }, `${method} ${name}`).toEqual(
          errorOf(
            400,
            'BadRequestException',
            `Invalid function name "${name}": '${name}' is not allowed`,
          ),
        );
      }
    }
    expect((await req('GET', fnUrl(ns, 'stay'))).body).toEqual(existing);
    expect((await req('GET', `/v1/namespaces/${enc(ns)}`)).status).toBe(200);
  });

  it('functions survive a snapshot of the catalog database and its load into another', async () => {
    const ns = await newNamespace();
    const created = await create(ns, addOne('kept'));
    const dir = mkdtempSync(join(tmpdir(), 'lakehouse-fn-snap-'));
    try {
      const file = join(dir, 'snapshot.db');
      if (store === 'postgres') await exportPostgresCatalog(c.dbUrl, file);
      else await snapshotSqlite(c.dbUrl.slice('sqlite:'.length), file);
      const target = join(dir, 'restored.db');
      const counts = await importSqliteCatalog(file, target);
      expect(counts.functions).toBeGreaterThanOrEqual(1);
      const restored = await openCatalogStore(`sqlite:${target}`);
      try {
        const record = await restored.getFunction(c.warehouse.name, ns, 'kept');
        expect(JSON.parse(record?.metadataJson ?? 'null')).toEqual(created.metadata);
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
