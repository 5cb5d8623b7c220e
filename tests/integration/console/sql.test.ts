import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlError, SqlResult } from '../../../src/console/api.js';
import { buildConsoleApp, type ConsoleDeps } from '../../../src/console/server/index.js';
import { findFreePort } from '../../../src/lib/index.js';
import { formatDuration } from '../../../src/platform/install/index.js';
import { versions } from '../../../src/platform/versions.js';
import { ensureJavaRuntime, ensureTrinoServer } from '../../../src/targets/local/install/index.js';
import {
  isReady,
  queryWhileWorkersSettle,
  renderTrinoNode,
  TrinoClient,
  TrinoQueryError,
  trinoLaunch,
  trinoTmpDir,
  writeTrinoFiles,
} from '../../../src/targets/local/trino/index.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';
import { consoleDeps } from '../../support/console.js';
import { until } from '../../support/until.js';

/**
 * The console's SQL box against a real Trino 476: one coordinator that also runs tasks (one JVM:
 * the machine's two cores are shared), rendered by the platform's own config renderer, so its
 * access control is the platform's: the console's user reads, everyone else may write. The
 * `memory` catalog is there to be written to. The console app listens on a real socket.
 */

const say = (line: string): void => console.log(`[console-sql] ${line}`);
let root: string;
let coordinator: ChildProcess | undefined;
let forget: (() => void) | undefined;
let trinoUrl: string;
/** Trino as any other user (`lakehouse`), for what the console's user may not do. */
let admin: TrinoClient;
let app: FastifyInstance;
let consoleUrl: string;
const apps: FastifyInstance[] = [];

async function listen(
  trino?: ConsoleDeps['trino'],
): Promise<{ app: FastifyInstance; url: string }> {
  const web = join(root, 'web');
  await mkdir(web, { recursive: true });
  await writeFile(join(web, 'index.html'), '<!doctype html><title>Lakehouse console</title>');
  const a = await buildConsoleApp(consoleDeps({ ...(trino ? { trino } : {}), webRoot: web }));
  apps.push(a);
  await a.listen({ host: '127.0.0.1', port: 0 });
  const address = a.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app: a, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lakehouse-console-sql-'));
  const t = Date.now();
  // Cached after the first run (the Trino integration test installs the same).
  const [java, serverDir] = await Promise.all([
    ensureJavaRuntime({ minMajor: versions.trino.javaMajor, onProgress: say }),
    ensureTrinoServer({ onProgress: say }),
  ]);
  const port = await findFreePort();
  trinoUrl = `http://127.0.0.1:${port}`;
  const nodeDir = join(root, 'coordinator');
  const dataDir = join(nodeDir, 'data');
  await writeTrinoFiles(
    nodeDir,
    renderTrinoNode({
      role: 'coordinator',
      nodeId: 'coordinator',
      httpPort: port,
      coordinatorUrl: trinoUrl,
      dataDir,
      tmpDir: trinoTmpDir(nodeDir),
      heap: '1G',
      queryMaxMemory: '256MB',
      catalogs: [
        { name: 'tpch', connector: 'tpch' },
        { name: 'memory', connector: 'memory' },
      ],
      workers: 0,
    }),
  );
  const launch = trinoLaunch({ serverDir, etcDir: join(nodeDir, 'etc'), dataDir, java });
  const child = spawn(launch.command, launch.args, {
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  coordinator = child;
  const output = new OutputBuffer();
  output.attach(child);
  forget = killOnExit(child);
  await waitUntilReady(child, () => isReady(trinoUrl), {
    what: 'the Trino coordinator',
    timeoutMs: 240_000,
    output,
  });
  admin = new TrinoClient({ baseUrl: trinoUrl, source: 'lakehouse-test' });
  // The scheduler sees the coordinator as a node a few seconds after SELECT 1 answers.
  await queryWhileWorkersSettle(admin, 'SELECT count(*) FROM tpch.tiny.region');
  say(`Trino ready after ${formatDuration(Date.now() - t)}`);
  ({ app, url: consoleUrl } = await listen(async () => trinoUrl));
}, 600_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  if (coordinator) await terminate(coordinator, 'SIGTERM', 20_000);
  forget?.();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

async function post(
  body: unknown,
  opts: { url?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; body: SqlResult & SqlError }> {
  const res = await fetch(`${opts.url ?? consoleUrl}/api/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { status: res.status, body: (await res.json()) as SqlResult & SqlError };
}

const sql = (text: string, extra: Record<string, unknown> = {}) => ({
  sql: text,
  clientQueryId: randomUUID(),
  catalog: 'tpch',
  schema: 'tiny',
  ...extra,
});

/** The console's queries whose text holds `marker`, as Trino lists them. */
async function consoleQueries(
  marker: string,
): Promise<{ id: string; state: string; error: string | null }[]> {
  const r = await admin.query(
    `SELECT query_id, state, error_code FROM system.runtime.queries WHERE source = 'lakehouse-console' AND strpos(query, '${marker}') > 0`,
  );
  return r.rows.map(([id, state, error]) => ({
    id: String(id),
    state: String(state),
    error: error === null ? null : String(error),
  }));
}

/** Trino's own record of one query (GET /v1/query/<id>). */
async function trinoQueryState(queryId: string): Promise<{ state: string; errorName?: string }> {
  const res = await fetch(`${trinoUrl}/v1/query/${queryId}`, {
    headers: { 'X-Trino-User': 'lakehouse' },
  });
  const info = (await res.json()) as { state: string; errorCode?: { name: string } };
  return { state: info.state, ...(info.errorCode ? { errorName: info.errorCode.name } : {}) };
}

describe('POST /api/sql on a real Trino', () => {
  it('answers the rows TrinoClient reads for the same SQL, with names and types', async () => {
    const text =
      'SELECT nationkey, name, regionkey, comment FROM tpch.tiny.nation ORDER BY nationkey';
    const { status, body } = await post(sql(text));
    expect(status).toBe(200);
    const direct = await admin.query(text);
    expect(body.columns).toEqual(direct.columns);
    expect(body.columns).toEqual([
      { name: 'nationkey', type: 'bigint' },
      { name: 'name', type: 'varchar(25)' },
      { name: 'regionkey', type: 'bigint' },
      { name: 'comment', type: 'varchar(152)' },
    ]);
    expect(body.rows).toEqual(direct.rows);
    expect(body.rows).toHaveLength(25);
    expect(body.truncated).toBe(false);
    expect(body.queryId).toMatch(/^\d{8}_\d{6}_\d{5}_\w+$/);
    expect(body.elapsedMs).toBeGreaterThan(0);
  });

  it('carries 64-bit integers, arrays, maps and rows as JSON can', async () => {
    const { status, body } = await post(
      sql(
        "SELECT BIGINT '9007199254740993' AS big, ARRAY[BIGINT '-9007199254740993', 1] AS arr, MAP(ARRAY['a'], ARRAY[1]) AS m, CAST(ROW(1, 'x') AS ROW(n integer, s varchar)) AS r, DECIMAL '12.30' AS d, nan() AS f",
      ),
    );
    expect(status).toBe(200);
    expect(body.rows).toEqual([
      ['9007199254740993', ['-9007199254740993', 1], { a: 1 }, [1, 'x'], '12.30', 'NaN'],
    ]);
  });

  it('uses the session catalog and schema the page gives', async () => {
    const { status, body } = await post(sql('SELECT count(*) FROM region'));
    expect(status).toBe(200);
    expect(body.rows).toEqual([[5]]);
  });

  it('without a catalog the session catalog is iceberg, and a qualified query runs anyway', async () => {
    const { status, body } = await post({
      sql: 'SELECT count(*) FROM tpch.tiny.region',
      clientQueryId: randomUUID(),
    });
    expect(body.error).toBeUndefined();
    expect(status).toBe(200);
    expect(body.rows).toEqual([[5]]);
  });

  it('keeps maxRows rows, says truncated, and Trino ends the query', async () => {
    const marker = `trunc_${randomUUID().slice(0, 8)}`;
    const { status, body } = await post(
      sql(`SELECT orderkey, linenumber, '${marker}' AS m FROM tpch.sf1.lineitem`, { maxRows: 7 }),
    );
    expect(status).toBe(200);
    expect(body.rows).toHaveLength(7);
    expect(body.truncated).toBe(true);
    const ended = await until(
      'Trino to end the truncated query',
      async () => {
        const q = await trinoQueryState(body.queryId);
        return q.state === 'RUNNING' || q.state === 'QUEUED' ? false : q;
      },
      30_000,
      250,
    );
    say(`truncated query ${body.queryId}: ${ended.state} ${ended.errorName ?? ''}`);
    expect(['FAILED', 'FINISHED']).toContain(ended.state);
    if (ended.state === 'FAILED') expect(ended.errorName).toBe('USER_CANCELED');
  });

  it('a result of exactly maxRows rows is not truncated', async () => {
    const { body } = await post(sql('SELECT regionkey FROM region', { maxRows: 5 }));
    expect(body.rows).toHaveLength(5);
    expect(body.truncated).toBe(false);
  });

  it('DELETE cancels a long query: its POST answers 409 cancelled and Trino shows it cancelled', async () => {
    const marker = `cancel_${randomUUID().slice(0, 8)}`;
    const req = sql(
      `SELECT count(*) AS ${marker} FROM tpch.sf1000.lineitem a CROSS JOIN tpch.sf1000.orders b`,
    );
    const pending = post(req);
    const [running] = await until(
      'the long query to run on Trino',
      async () => {
        const qs = await consoleQueries(marker);
        return qs.length > 0 && qs;
      },
      30_000,
      200,
    );
    expect(running).toBeDefined();
    const del = await fetch(`${consoleUrl}/api/sql/${req.clientQueryId}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    const answer = await pending;
    expect(answer.status).toBe(409);
    expect(answer.body.cancelled).toBe(true);
    const ended = await until(
      'Trino to show the query cancelled',
      async () => {
        const q = await trinoQueryState(running?.id ?? '');
        return q.state === 'FAILED' && q;
      },
      30_000,
      250,
    );
    expect(ended.errorName).toBe('USER_CANCELED');
    // Finished: a second DELETE finds nothing to cancel.
    const again = await fetch(`${consoleUrl}/api/sql/${req.clientQueryId}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('a page that goes away cancels its query on Trino', async () => {
    const marker = `gone_${randomUUID().slice(0, 8)}`;
    const abort = new AbortController();
    const pending = post(
      sql(
        `SELECT count(*) AS ${marker} FROM tpch.sf1000.lineitem a CROSS JOIN tpch.sf1000.orders b`,
      ),
      { signal: abort.signal },
    ).catch((err: unknown) => err);
    const [running] = await until(
      'the query to run on Trino',
      async () => {
        const qs = await consoleQueries(marker);
        return qs.length > 0 && qs;
      },
      30_000,
      200,
    );
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    const ended = await until(
      'Trino to show the query cancelled',
      async () => {
        const q = await trinoQueryState(running?.id ?? '');
        return q.state === 'FAILED' && q;
      },
      30_000,
      250,
    );
    expect(ended.errorName).toBe('USER_CANCELED');
  });

  it("a second POST with a running query's id is refused", async () => {
    const marker = `dup_${randomUUID().slice(0, 8)}`;
    const req = sql(
      `SELECT count(*) AS ${marker} FROM tpch.sf1000.lineitem a CROSS JOIN tpch.sf1000.orders b`,
    );
    const pending = post(req);
    await until(
      'the query to run',
      async () => (await consoleQueries(marker)).length > 0,
      30_000,
      200,
    );
    const second = await post({ ...req, sql: 'SELECT 1' });
    expect(second.status).toBe(409);
    expect(second.body.cancelled).toBeUndefined();
    expect(second.body.error).toMatch(/is running/);
    await fetch(`${consoleUrl}/api/sql/${req.clientQueryId}`, { method: 'DELETE' });
    expect((await pending).status).toBe(409);
  });

  it("a syntax error answers 400 with Trino's message and SYNTAX_ERROR", async () => {
    const { status, body } = await post(sql('SELEC 1'));
    expect(status).toBe(400);
    const direct = (await admin.query('SELEC 1').catch((e: unknown) => e)) as TrinoQueryError;
    expect(body).toMatchObject({
      error: direct.message,
      errorName: 'SYNTAX_ERROR',
      errorType: 'USER_ERROR',
    });
    expect(body.error).toMatch(/mismatched input 'SELEC'/);
    expect(body.queryId).toMatch(/^\d{8}_/);
  });

  it("refuses two statements with Trino's own message", async () => {
    const { status, body } = await post(sql('SELECT 1; SELECT 2'));
    expect(status).toBe(400);
    expect(body.errorName).toBe('SYNTAX_ERROR');
  });

  it("a write is refused by Trino's access control; the same statement as another user succeeds", async () => {
    const table = `memory.default.t_${randomUUID().slice(0, 8)}`;
    const create = await post(sql(`CREATE TABLE ${table} (x integer)`));
    expect(create.status).toBe(400);
    expect(create.body.errorName).toBe('PERMISSION_DENIED');
    expect(create.body.error).toBe(`Access Denied: Cannot create table ${table}`);

    // Any other user keeps full rights: create, insert, read and drop.
    expect((await admin.query(`CREATE TABLE ${table} (x integer)`)).updateType).toBe(
      'CREATE TABLE',
    );
    expect((await admin.query(`INSERT INTO ${table} VALUES 1, 2`)).updateCount).toBe(2);

    const insert = await post(sql(`INSERT INTO ${table} VALUES 3`));
    expect(insert.status).toBe(400);
    expect(insert.body.error).toBe(`Access Denied: Cannot insert into table ${table}`);
    for (const statement of [
      `DELETE FROM ${table}`,
      `DROP TABLE ${table}`,
      `ALTER TABLE ${table} ADD COLUMN y integer`,
      'CREATE SCHEMA memory.s_console',
      `CREATE VIEW memory.default.v_console AS SELECT 1 AS x`,
    ]) {
      const r = await post(sql(statement));
      expect(r.status, statement).toBe(400);
      expect(r.body.errorName, statement).toBe('PERMISSION_DENIED');
      expect(r.body.error, statement).toMatch(/^Access Denied: /);
    }

    // Reading is what the console's user may do.
    const read = await post(sql(`SELECT x FROM ${table} ORDER BY x`));
    expect(read.status).toBe(200);
    expect(read.body.rows).toEqual([[1], [2]]);
    const show = await post(sql('SHOW SCHEMAS FROM memory'));
    expect(show.body.rows).toContainEqual(['default']);

    expect((await admin.query(`DROP TABLE ${table}`)).updateType).toBe('DROP TABLE');
  });

  it('every other user keeps schemas, session properties, system information and query kill', async () => {
    await admin.query('CREATE SCHEMA memory.s_admin');
    await admin.query('CREATE TABLE memory.s_admin.t AS SELECT * FROM tpch.tiny.region');
    await admin.query('DROP TABLE memory.s_admin.t');
    await admin.query('DROP SCHEMA memory.s_admin');
    const nodes = await admin.query('SELECT count(*) FROM system.runtime.nodes');
    expect(nodes.rows).toEqual([[1]]);
    const withSession = new TrinoClient({ baseUrl: trinoUrl });
    await withSession.query("SET SESSION query_max_run_time = '1h'");
    const info = await fetch(`${trinoUrl}/v1/node`, { headers: { 'X-Trino-User': 'lakehouse' } });
    expect(info.status).toBe(200);

    // Killing another user's query, as an operator does.
    const marker = `kill_${randomUUID().slice(0, 8)}`;
    const pending = post(
      sql(
        `SELECT count(*) AS ${marker} FROM tpch.sf1000.lineitem a CROSS JOIN tpch.sf1000.orders b`,
      ),
    );
    const [running] = await until(
      'the query to run',
      async () => {
        const qs = await consoleQueries(marker);
        return qs.length > 0 && qs;
      },
      30_000,
      200,
    );
    await admin.query(
      `CALL system.runtime.kill_query(query_id => '${running?.id}', message => 'test')`,
    );
    const answer = await pending;
    expect(answer.status).toBe(400);
    expect(answer.body.errorName).toBe('ADMINISTRATIVELY_KILLED');
  });

  it('refuses ALTER TABLE … EXECUTE itself (Trino would run it), and Trino never sees it', async () => {
    const marker = `texec_${randomUUID().slice(0, 8)}`;
    const r = await post(sql(`ALTER TABLE memory.default.${marker} EXECUTE optimize`));
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/^The console is read-only: ALTER TABLE … EXECUTE/);
    expect(await consoleQueries(marker)).toEqual([]);
  });

  it("the console's user cannot kill a query or call a catalog procedure", async () => {
    const r = await post(
      sql(
        "CALL system.runtime.kill_query(query_id => '20260101_000000_00000_xxxxx', message => 'x')",
      ),
    );
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^Access Denied: /);
  });
});

describe('POST /api/sql refuses what is not a query', () => {
  const hostile: [string, unknown][] = [
    ['no sql', { clientQueryId: randomUUID() }],
    ['empty sql', { sql: '   ', clientQueryId: randomUUID() }],
    ['200 KB of sql', { sql: `SELECT 1 -- ${'x'.repeat(200_000)}`, clientQueryId: randomUUID() }],
    ['a bad UUID', { sql: 'SELECT 1', clientQueryId: 'not-a-uuid' }],
    ['no id', { sql: 'SELECT 1' }],
    ['maxRows 0', { sql: 'SELECT 1', clientQueryId: randomUUID(), maxRows: 0 }],
    ['maxRows 10^9', { sql: 'SELECT 1', clientQueryId: randomUUID(), maxRows: 1e9 }],
    ['maxRows "5"', { sql: 'SELECT 1', clientQueryId: randomUUID(), maxRows: '5' }],
    ['maxRows 1.5', { sql: 'SELECT 1', clientQueryId: randomUUID(), maxRows: 1.5 }],
    [
      'a hostile catalog',
      { sql: 'SELECT 1', clientQueryId: randomUUID(), catalog: 'x\r\nX-Trino-User: admin' },
    ],
    ['an unknown field', { sql: 'SELECT 1', clientQueryId: randomUUID(), user: 'admin' }],
    ['an array', [{ sql: 'SELECT 1', clientQueryId: randomUUID() }]],
    ['a string', 'SELECT 1'],
  ];
  for (const [what, body] of hostile) {
    it(`refuses ${what} with a 400 that says why`, async () => {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/\w/);
    });
  }

  it('refuses a body that is not JSON, or not sent as JSON', async () => {
    for (const [type, text] of [
      ['application/json', '{"sql": '],
      ['text/plain', 'SELECT 1'],
      ['application/x-www-form-urlencoded', 'sql=SELECT+1'],
    ] as const) {
      const res = await fetch(`${consoleUrl}/api/sql`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: text,
      });
      expect(res.status, type).toBeGreaterThanOrEqual(400);
      expect(res.status, type).toBeLessThan(500);
    }
    const noType = await new Promise<number>((resolve, reject) => {
      const url = new URL(consoleUrl);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: '/api/sql', method: 'POST' },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('SELECT 1');
    });
    expect(noType).toBeGreaterThanOrEqual(400);
    expect(noType).toBeLessThan(500);
  });

  it('DELETE with a bad id is a 400, an unknown id a 404', async () => {
    expect((await fetch(`${consoleUrl}/api/sql/nope`, { method: 'DELETE' })).status).toBe(400);
    expect(
      (await fetch(`${consoleUrl}/api/sql/${randomUUID()}`, { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('Trino switched off: 503 saying so', async () => {
    for (const trino of [async () => null, undefined]) {
      const off = await listen(trino);
      const r = await post(sql('SELECT 1'), { url: off.url });
      expect(r.status).toBe(503);
      expect(r.body.error).toMatch(/Trino is switched off/);
    }
  });

  it('Trino unreachable: 502 naming lakehouse status and lakehouse logs trino', async () => {
    const nowhere = `http://127.0.0.1:${await findFreePort()}`;
    const down = await listen(async () => nowhere);
    const r = await post(sql('SELECT 1'), { url: down.url });
    expect(r.status).toBe(502);
    expect(r.body.error).toContain(nowhere);
    expect(r.body.error).toContain('`lakehouse status`');
    expect(r.body.error).toContain('`lakehouse logs trino`');
  });

  it('the coordinator was given the rules file the renderer wrote', async () => {
    const rules = JSON.parse(
      await readFile(join(root, 'coordinator', 'etc', 'rules.json'), 'utf8'),
    ) as { catalogs: { user?: string; allow: string }[] };
    expect(rules.catalogs[0]).toEqual({
      user: 'lakehouse-console',
      catalog: '.*',
      allow: 'read-only',
    });
    expect(app.server.listening).toBe(true);
  });
});
