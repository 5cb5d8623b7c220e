import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CATALOG,
  DEFAULT_MAX_ROWS,
  isClientQueryId,
  isTableProcedure,
  MAX_SQL_LENGTH,
  parseSqlRequest,
  SqlRunner,
  toSqlValue,
} from '../../../src/console/sql/index.js';

/** The SQL box's own logic; tests/integration/console/sql.test.ts proves it on a real Trino. */

const id = randomUUID();

describe('parseSqlRequest', () => {
  it('fills the defaults', () => {
    expect(parseSqlRequest({ sql: 'SELECT 1', clientQueryId: id })).toEqual({
      ok: true,
      query: {
        sql: 'SELECT 1',
        clientQueryId: id,
        maxRows: DEFAULT_MAX_ROWS,
        catalog: DEFAULT_CATALOG,
      },
    });
    expect(
      parseSqlRequest({
        sql: 'x',
        clientQueryId: id,
        maxRows: 10_000,
        catalog: 'tpch',
        schema: 'sf1',
      }),
    ).toMatchObject({ ok: true, query: { maxRows: 10_000, catalog: 'tpch', schema: 'sf1' } });
  });

  it.each([
    [{ clientQueryId: id }, /sql is required/],
    [{ sql: ' \n\t', clientQueryId: id }, /sql must not be empty/],
    [{ sql: 'x'.repeat(MAX_SQL_LENGTH + 1), clientQueryId: id }, /at most 100000 characters/],
    [{ sql: 'SELECT 1', clientQueryId: 'abc' }, /clientQueryId must be a UUID/],
    [{ sql: 'SELECT 1' }, /clientQueryId must be a UUID/],
    [{ sql: 'SELECT 1', clientQueryId: id, maxRows: 0 }, /maxRows must be from 1 to 10000/],
    [{ sql: 'SELECT 1', clientQueryId: id, maxRows: 1e9 }, /maxRows must be from 1 to 10000/],
    [{ sql: 'SELECT 1', clientQueryId: id, maxRows: '5' }, /maxRows must be a whole number/],
    [{ sql: 'SELECT 1', clientQueryId: id, maxRows: 2.5 }, /maxRows must be a whole number/],
    [{ sql: 'SELECT 1', clientQueryId: id, catalog: 'Tpch' }, /catalog must match/],
    [{ sql: 'SELECT 1', clientQueryId: id, schema: 'a\r\nX-Trino-User: x' }, /schema must match/],
    [{ sql: 'SELECT 1', clientQueryId: id, user: 'admin' }, /unknown field user/],
    [null, /must be a JSON object/],
    [['SELECT 1'], /must be a JSON object/],
    [undefined, /must be a JSON object/],
  ])('refuses %j', (body, message) => {
    const r = parseSqlRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('knows a UUID from anything else', () => {
    expect(isClientQueryId(id)).toBe(true);
    expect(isClientQueryId('../../etc')).toBe(false);
  });
});

describe('toSqlValue', () => {
  it.each([
    [null, null],
    [undefined, null],
    ['a', 'a'],
    [true, true],
    [42, 42],
    [1.5, 1.5],
    [9007199254740993n, '9007199254740993'],
    [-9007199254740993n, '-9007199254740993'],
    [Number.NaN, 'NaN'],
    [
      [1n, [2n, null]],
      ['1', ['2', null]],
    ],
    [
      { k: 3n, n: { m: 'x' } },
      { k: '3', n: { m: 'x' } },
    ],
  ])('%s → %j', (value, expected) => {
    expect(toSqlValue(value)).toEqual(expected);
  });
});

describe('isTableProcedure: the write Trino does not refuse the read-only user', () => {
  it.each([
    'ALTER TABLE t EXECUTE optimize',
    "alter table iceberg.sales.orders execute expire_snapshots(retention_threshold => '7d')",
    'ALTER TABLE IF EXISTS "my table" EXECUTE remove_orphan_files',
    'ALTER /* hidden */ TABLE\n  a."b.c" -- comment\n  EXECUTE optimize',
    'EXPLAIN ANALYZE ALTER TABLE t EXECUTE optimize',
    'ALTER TABLE execute EXECUTE optimize',
    "  Alter Table cat.sch.tbl Execute optimize(file_size_threshold => '10MB');",
  ])('refuses %j', (sql) => {
    expect(isTableProcedure(sql)).toBe(true);
  });

  it.each([
    'SELECT 1',
    "SELECT 'ALTER TABLE t EXECUTE optimize'",
    'SELECT "ALTER TABLE t EXECUTE optimize" FROM t',
    '-- ALTER TABLE t EXECUTE optimize\nSELECT 1',
    '/* ALTER TABLE t EXECUTE optimize */ SELECT 1',
    'ALTER TABLE t ADD COLUMN execute integer',
    'ALTER TABLE t RENAME TO execute',
    'EXECUTE my_statement',
    "SELECT 'it''s ALTER TABLE t EXECUTE x'",
  ])('leaves %j to Trino', (sql) => {
    expect(isTableProcedure(sql)).toBe(false);
  });
});

describe('SqlRunner', () => {
  let server: Server | undefined;
  const held: ServerResponse[] = [];
  afterEach(async () => {
    for (const res of held.splice(0)) res.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** A coordinator that takes statements and never answers: queries stay running. */
  async function silentTrino(): Promise<string> {
    server = createServer((_req, res) => held.push(res));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  const query = (clientQueryId = randomUUID()) => ({
    sql: 'SELECT 1',
    clientQueryId,
    maxRows: 10,
    catalog: 'tpch',
  });

  it('refuses a running id (409), more than maxRunning at once (429), and cancels (409 cancelled)', async () => {
    const url = await silentTrino();
    const runner = new SqlRunner({ maxRunning: 2 });
    const a = query();
    const first = runner.run(a, url);
    const second = runner.run(query(), url);
    expect(runner.size).toBe(2);
    expect(await runner.run({ ...a, sql: 'SELECT 2' }, url)).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/is running/) },
    });
    expect(await runner.run(query(), url)).toMatchObject({
      status: 429,
      body: { error: expect.stringMatching(/2 queries are running already/) },
    });
    expect(runner.cancel(a.clientQueryId)).toBe(true);
    expect(await first).toEqual({
      status: 409,
      body: { error: 'the query was cancelled', cancelled: true },
    });
    expect(runner.cancel(a.clientQueryId)).toBe(false);
    runner.cancelAll();
    expect(await second).toMatchObject({ status: 409, body: { cancelled: true } });
    expect(runner.size).toBe(0);
  });

  it('refuses ALTER TABLE … EXECUTE (403) before asking Trino', async () => {
    const answer = await new SqlRunner().run(
      { ...query(), sql: 'ALTER TABLE t EXECUTE optimize' },
      'http://127.0.0.1:9',
    );
    expect(answer).toMatchObject({
      status: 403,
      body: { error: expect.stringMatching(/^The console is read-only: ALTER TABLE … EXECUTE/) },
    });
  });

  it('an unreachable Trino is a 502 naming the commands that tell why', async () => {
    const url = await silentTrino();
    await new Promise<void>((r) => server?.close(() => r()));
    server = undefined;
    const answer = await new SqlRunner().run(query(), url);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({
      error: expect.stringMatching(
        /cannot reach Trino.*`lakehouse status`.*`lakehouse logs trino`/,
      ),
    });
  });
});
