/**
 * An Idempotency-Key answers only the request that first used it, through the real app
 * (`app.inject`) on both stores: another method, route, body or query with the key is 422 and
 * changes nothing; the same request again is replayed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  build,
  stopSharedPostgres,
  type StoreKind,
  type TestCatalog,
} from '../../../support/catalog-app.js';

interface Res {
  status: number;
  replayed: unknown;
  body: { error?: { message: string; type: string; code: number } } & Record<string, unknown>;
}

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', type: 'long', required: true }],
};

describe.each<StoreKind>(['sqlite', 'postgres'])('Idempotency-Key binding on %s', (store) => {
  let c: TestCatalog;
  beforeAll(async () => {
    c = await build({ store });
  }, 120_000);
  afterAll(async () => {
    await c?.close();
    await stopSharedPostgres();
  });

  let counter = 0;
  const uniq = (p: string) => `${p}_${++counter}`;
  const nsUrl = (ns: string[]) => `/v1/namespaces/${encodeURIComponent(ns.join('\u001f'))}`;

  async function send(
    method: 'POST' | 'GET' | 'HEAD' | 'DELETE',
    url: string,
    payload?: unknown,
    key?: string,
  ): Promise<Res> {
    const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await c.inject({
      method,
      url,
      headers,
      ...(payload === undefined
        ? {}
        : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
    });
    return {
      status: res.statusCode,
      replayed: res.headers['idempotent-replayed'],
      body: res.body ? res.json() : {},
    };
  }

  function expect422(res: Res, message: string): void {
    expect(res).toEqual({
      status: 422,
      replayed: undefined,
      body: { error: { message, type: 'UnprocessableEntityException', code: 422 } },
    });
  }

  async function tableWithNamespace(): Promise<{ ns: string[]; table: string }> {
    const ns = [uniq('ns')];
    expect((await send('POST', '/v1/namespaces', { namespace: ns })).status).toBe(200);
    const table = `${nsUrl(ns)}/tables/t`;
    expect((await send('POST', `${nsUrl(ns)}/tables`, { name: 't', schema: SCHEMA })).status).toBe(
      200,
    );
    return { ns, table };
  }

  it('a key from a create namespace, reused on DELETE of a table → 422, and the table stays', async () => {
    const { table } = await tableWithNamespace();
    const key = randomUUID();
    const created = [uniq('first')];
    const first = await send('POST', '/v1/namespaces', { namespace: created }, key);
    expect(first.status).toBe(200);

    const reused = await send('DELETE', table, undefined, key);
    expect422(
      reused,
      `Idempotency-Key ${key} was first used for POST /v1/namespaces, not DELETE ${table}; use a new key for a new request`,
    );
    expect((await send('HEAD', table)).status).toBe(204);

    // The first request again is still answered from its stored response.
    expect(await send('POST', '/v1/namespaces', { namespace: created }, key)).toEqual({
      ...first,
      replayed: 'true',
    });
    expect((await send('DELETE', table, undefined, randomUUID())).status).toBe(204);
    expect((await send('HEAD', table)).status).toBe(404);
  });

  it('the same route with another body → 422; nothing created; the first body replays', async () => {
    const key = randomUUID();
    const [a, b] = [[uniq('a')], [uniq('b')]];
    const first = await send('POST', '/v1/namespaces', { namespace: a }, key);
    expect(first.status).toBe(200);
    expect422(
      await send('POST', '/v1/namespaces', { namespace: b }, key),
      `Idempotency-Key ${key} was first used for POST /v1/namespaces with another body; use a new key for a new request`,
    );
    expect((await send('HEAD', nsUrl(b))).status).toBe(404);
    const again = await send('POST', '/v1/namespaces', { namespace: a }, key);
    expect(again).toEqual({ ...first, replayed: 'true' });
  });

  it('a commit retried with another body → 422 and applied once', async () => {
    const { table } = await tableWithNamespace();
    const key = randomUUID();
    const commit = (updates: Record<string, string>) =>
      send(
        'POST',
        table,
        { requirements: [], updates: [{ action: 'set-properties', updates }] },
        key,
      );
    const first = await commit({ once: 'yes' });
    expect(first.status).toBe(200);
    expect422(
      await commit({ other: 'x' }),
      `Idempotency-Key ${key} was first used for POST ${table} with another body; use a new key for a new request`,
    );
    expect(await commit({ once: 'yes' })).toEqual({ ...first, replayed: 'true' });
    const loaded = await send('GET', table);
    const metadata = loaded.body['metadata'] as { properties: Record<string, string> };
    expect(metadata.properties).toMatchObject({ once: 'yes' });
    expect(metadata.properties).not.toHaveProperty('other');
    expect((loaded.body['metadata'] as { 'metadata-log': unknown[] })['metadata-log']).toHaveLength(
      1,
    );
  });

  it('the query is part of the request: purgeRequested differs → 422', async () => {
    const { table } = await tableWithNamespace();
    const key = randomUUID();
    const dropped = await send('DELETE', `${table}?purgeRequested=false`, undefined, key);
    expect(dropped.status).toBe(204);
    expect422(
      await send('DELETE', `${table}?purgeRequested=true`, undefined, key),
      `Idempotency-Key ${key} was first used for DELETE ${table} with another query string; use a new key for a new request`,
    );
    expect(await send('DELETE', `${table}?purgeRequested=false`, undefined, key)).toEqual({
      ...dropped,
      replayed: 'true',
    });
  });

  it('the same request spelled differently (encoding, trailing slash) is the same request', async () => {
    const ns = [uniq('Lvl'), 'two'];
    expect((await send('POST', '/v1/namespaces', { namespace: ns })).status).toBe(200);
    const key = randomUUID();
    const body = { removals: [], updates: { a: '1' } };
    const first = await send('POST', `/v1/namespaces/${ns[0]}%1ftwo/properties`, body, key);
    expect(first.status).toBe(200);
    const again = await send('POST', `/v1/namespaces/${ns[0]}%1Ftwo/properties/`, body, key);
    expect(again).toEqual({ ...first, replayed: 'true' });
  });

  it('a request refused before it was bound leaves the key free; a final 4xx after is replayed', async () => {
    const key = randomUUID();
    const ns = [uniq('late')];
    const malformed = await send('POST', '/v1/namespaces', '{"namespace": [', key);
    expect(malformed.status).toBe(400);
    const deep = await send('POST', '/v1/namespaces', `${'['.repeat(300)}${']'.repeat(300)}`, key);
    expect(deep.status).toBe(400);

    const created = await send('POST', '/v1/namespaces', { namespace: ns }, key);
    expect({ status: created.status, replayed: created.replayed }).toEqual({
      status: 200,
      replayed: undefined,
    });

    // A 409 from the catalog itself is final for its key.
    const conflictKey = randomUUID();
    const conflict = await send('POST', '/v1/namespaces', { namespace: ns }, conflictKey);
    expect(conflict.status).toBe(409);
    expect((await send('DELETE', nsUrl(ns))).status).toBe(204);
    expect(await send('POST', '/v1/namespaces', { namespace: ns }, conflictKey)).toEqual({
      ...conflict,
      replayed: 'true',
    });
    expect((await send('HEAD', nsUrl(ns))).status).toBe(404);
  });

  it('two different requests racing on one key: one applies, the other is 422', async () => {
    const key = randomUUID();
    const [a, b] = [[uniq('race')], [uniq('race')]];
    const results = await Promise.all([
      send('POST', '/v1/namespaces', { namespace: a }, key),
      send('POST', '/v1/namespaces', { namespace: b }, key),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    const exists = await Promise.all(
      [a, b].map(async (ns) => (await send('HEAD', nsUrl(ns))).status),
    );
    expect(exists.sort()).toEqual([204, 404]);
  });
});
