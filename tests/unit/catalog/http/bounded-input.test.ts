/**
 * Request limits through the real app (`app.inject`) on both stores: body size, JSON nesting,
 * property maps on every route that carries one. A refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_LIMITS } from '../../../../src/catalog/index.js';
import {
  build,
  stopSharedPostgres,
  type StoreKind,
  type TestCatalog,
} from '../../../support/catalog-app.js';

interface Res {
  status: number;
  // Response bodies are the spec's JSON, walked into by the assertions below.
  body: { error?: { message: string; type: string; code: number } } & Record<string, unknown>;
}

async function send(
  c: TestCatalog,
  method: 'POST' | 'GET' | 'HEAD',
  url: string,
  payload?: unknown,
) {
  const res = await c.inject({
    method,
    url,
    ...(payload === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        }),
  });
  return { status: res.statusCode, body: res.body ? res.json() : {} } as Res;
}

function expectBadRequest(res: Res, status: number, message: string | RegExp): void {
  expect({ status: res.status, type: res.body.error?.type, code: res.body.error?.code }).toEqual({
    status,
    type: 'BadRequestException',
    code: status,
  });
  if (typeof message === 'string') expect(res.body.error?.message).toBe(message);
  else expect(res.body.error?.message).toMatch(message);
}

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', type: 'long', required: true }],
};

const VIEW = (ns: string[]) => ({
  'version-id': 1,
  'timestamp-ms': 1_700_000_000_000,
  'schema-id': 0,
  summary: { 'engine-name': 'spark' },
  representations: [{ type: 'sql', sql: 'SELECT 1 AS id', dialect: 'spark' }],
  'default-namespace': ns,
});

/** A struct nested `levels` deep: each level is 3 levels of JSON (type, fields, field). */
function nestedSchema(levels: number) {
  let id = levels + 1;
  let type: unknown = 'long';
  for (let i = 0; i < levels; i++) {
    type = { type: 'struct', fields: [{ id: id--, name: `f${i}`, required: false, type }] };
  }
  return {
    type: 'struct',
    'schema-id': 0,
    fields: [{ id: id--, name: 'root', required: false, type }],
  };
}

const props = (n: number): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

const TOO_MANY = (where: string) =>
  `${where} has 6 properties: the limit is 5 per request object (the server's --max-properties)`;

describe.each<StoreKind>(['sqlite', 'postgres'])('request limits on %s', (store) => {
  let c: TestCatalog;
  let defaults: TestCatalog;
  beforeAll(async () => {
    c = await build({
      store,
      limits: { bodyLimitBytes: 16 * 1024, maxPropertyBytes: 100, maxProperties: 5 },
    });
    defaults = await build({ store });
  }, 120_000);
  afterAll(async () => {
    await c?.close();
    await defaults?.close();
    await stopSharedPostgres();
  });

  let counter = 0;
  const uniq = (p: string) => `${p}_${++counter}`;
  const nsUrl = (ns: string[]) => `/v1/namespaces/${encodeURIComponent(ns.join('\u001f'))}`;

  async function namespace(target = c): Promise<string[]> {
    const ns = [uniq('ns')];
    expect((await send(target, 'POST', '/v1/namespaces', { namespace: ns })).status).toBe(200);
    return ns;
  }

  it('a body over the limit → 413 naming the limit and the flag; nothing created', async () => {
    const ns = [uniq('big')];
    const res = await send(c, 'POST', '/v1/namespaces', {
      namespace: ns,
      properties: { comment: 'x'.repeat(20 * 1024) },
    });
    expectBadRequest(
      res,
      413,
      "Request body too large: the limit is 16384 bytes (16 KiB); send a smaller body, or raise the server's limit with --max-body-bytes",
    );
    expect((await send(c, 'HEAD', nsUrl(ns))).status).toBe(404);
  });

  it('a 100k-deep body → 400 about nesting, not a stack overflow; the server keeps serving', async () => {
    const deep = `{"namespace":["deep"],"properties":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await send(defaults, 'POST', '/v1/namespaces', deep);
    expectBadRequest(
      res,
      400,
      "JSON nesting depth exceeds 256: the body nests objects and arrays more than 256 levels deep (the server's limit, set with --max-json-depth)",
    );
    expect((await send(defaults, 'HEAD', nsUrl(['deep']))).status).toBe(404);
    expect((await send(defaults, 'GET', '/v1/config')).status).toBe(200);
  });

  it('a schema of structs nested 80 deep is within the default depth and creates the table', async () => {
    const ns = await namespace(defaults);
    const res = await send(defaults, 'POST', `${nsUrl(ns)}/tables`, {
      name: 't',
      schema: nestedSchema(80),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // One level more than allowed is refused by the same check.
    const limited = await build({ store, limits: { maxJsonDepth: 200 } });
    try {
      const ns2 = await namespace(limited);
      expectBadRequest(
        await send(limited, 'POST', `${nsUrl(ns2)}/tables`, {
          name: 't',
          schema: nestedSchema(80),
        }),
        400,
        /^JSON nesting depth exceeds 200: /,
      );
    } finally {
      await limited.close();
    }
    expect(DEFAULT_CATALOG_LIMITS.maxJsonDepth).toBe(256);
  });

  it('namespace properties: at the limits accepted; over them 400 naming the map or the key', async () => {
    const ns = [uniq('props')];
    expectBadRequest(
      await send(c, 'POST', '/v1/namespaces', { namespace: ns, properties: props(6) }),
      400,
      TOO_MANY('properties'),
    );
    // 34 × '€' is 34 characters but 102 bytes.
    expectBadRequest(
      await send(c, 'POST', '/v1/namespaces', {
        namespace: ns,
        properties: { note: '€'.repeat(34) },
      }),
      400,
      `Property "note" in properties is 102 bytes: the limit is 100 bytes (100 bytes) per property key or value (the server's --max-property-bytes)`,
    );
    expect((await send(c, 'HEAD', nsUrl(ns))).status).toBe(404);
    const ok = await send(c, 'POST', '/v1/namespaces', {
      namespace: ns,
      properties: { ...props(4), note: '€'.repeat(33) },
    });
    expect(ok.status).toBe(200);

    const url = `${nsUrl(ns)}/properties`;
    expectBadRequest(
      await send(c, 'POST', url, { removals: [], updates: props(6) }),
      400,
      TOO_MANY('updates'),
    );
    expectBadRequest(
      await send(c, 'POST', url, { removals: ['a', 'b', 'c', 'd', 'e', 'f'], updates: {} }),
      400,
      TOO_MANY('removals'),
    );
    expectBadRequest(
      await send(c, 'POST', url, { removals: [], updates: { ['k'.repeat(101)]: 'v' } }),
      400,
      new RegExp(`^Property key "${'k'.repeat(64)}…" in updates is 101 bytes: the limit is 100`),
    );
    const loaded = await send(c, 'GET', nsUrl(ns));
    // The location is the one loadNamespace advertises, not a stored property.
    expect(loaded.body['properties']).toEqual({
      ...props(4),
      note: '€'.repeat(33),
      location: expect.any(String),
    });
  });

  it('table create, commit and transaction: over the limits 400, and the table unchanged', async () => {
    const ns = await namespace();
    const tables = `${nsUrl(ns)}/tables`;
    expectBadRequest(
      await send(c, 'POST', tables, { name: 't', schema: SCHEMA, properties: props(6) }),
      400,
      TOO_MANY('properties'),
    );
    expect((await send(c, 'HEAD', `${tables}/t`)).status).toBe(404);
    expect(
      (await send(c, 'POST', tables, { name: 't', schema: SCHEMA, properties: { a: '1' } })).status,
    ).toBe(200);

    const commit = await send(c, 'POST', `${tables}/t`, {
      requirements: [],
      updates: [{ action: 'set-properties', updates: { big: 'x'.repeat(101) } }],
    });
    expectBadRequest(
      commit,
      400,
      /^Property "big" in updates\[0\] \(set-properties\) updates is 101 bytes: the limit is 100 bytes/,
    );
    const transaction = await send(c, 'POST', '/v1/transactions/commit', {
      'table-changes': [
        {
          identifier: { namespace: ns, name: 't' },
          requirements: [],
          updates: [{ action: 'set-properties', updates: props(6) }],
        },
      ],
    });
    expectBadRequest(
      transaction,
      400,
      TOO_MANY('table-changes[0].updates[0] (set-properties) updates'),
    );
    const loaded = await send(c, 'GET', `${tables}/t`);
    const metadata = loaded.body['metadata'] as { properties: Record<string, string> };
    expect(metadata.properties).toMatchObject({ a: '1' });
    expect(Object.keys(metadata.properties)).not.toContain('big');
    expect(Object.keys(metadata.properties)).not.toContain('k5');
  });

  it('view create and replace: over the limits 400, and the view unchanged', async () => {
    const ns = await namespace();
    const views = `${nsUrl(ns)}/views`;
    const create = (properties: Record<string, string>) =>
      send(c, 'POST', views, { name: 'v', schema: SCHEMA, 'view-version': VIEW(ns), properties });
    expectBadRequest(await create(props(6)), 400, TOO_MANY('properties'));
    expect((await send(c, 'HEAD', `${views}/v`)).status).toBe(404);
    expect((await create({ a: '1' })).status).toBe(200);
    const replace = await send(c, 'POST', `${views}/v`, {
      requirements: [],
      updates: [{ action: 'set-properties', updates: props(6) }],
    });
    expectBadRequest(replace, 400, TOO_MANY('updates[0] (set-properties) updates'));
    const loaded = await send(c, 'GET', `${views}/v`);
    expect((loaded.body['metadata'] as { properties: unknown }).properties).toEqual({ a: '1' });
  });
});
