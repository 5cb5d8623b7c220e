import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseConf,
  renderDagList,
  renderFailure,
  renderImportErrors,
  renderRuns,
  renderTaskStates,
  shortTime,
  waitForRun,
  type RunWaiter,
} from '../../../src/cli/dags.js';
import { failedTasks, tail } from '../../../src/targets/local/airflow/failures.js';
import {
  AirflowApiError,
  AirflowClient,
  apiErrorDetail,
  logLines,
  type AirflowDag,
  type AirflowDagRun,
  type AirflowTaskInstance,
  AirflowUnreachableError,
} from '../../../src/targets/local/airflow/client.js';

const dag = (over: Partial<AirflowDag> = {}): AirflowDag => ({
  dagId: 'lakehouse_ingest',
  isPaused: false,
  tags: ['ingest', 'lakehouse'],
  schedule: '@daily',
  hasImportErrors: false,
  description: null,
  ...over,
});

const run = (over: Partial<AirflowDagRun> = {}): AirflowDagRun => ({
  dagId: 'lakehouse_ingest',
  runId: 'manual__2026-11-23T10:00:00+00:00',
  state: 'success',
  runType: 'manual',
  logicalDate: '2026-11-23T10:00:00Z',
  runAfter: '2026-11-23T10:00:00Z',
  startDate: '2026-11-23T10:00:01.123Z',
  endDate: '2026-11-23T10:00:09Z',
  conf: {},
  ...over,
});

const ti = (over: Partial<AirflowTaskInstance> = {}): AirflowTaskInstance => ({
  taskId: 'load_orders',
  mapIndex: -1,
  state: 'success',
  tryNumber: 1,
  startDate: '2026-11-23T10:00:02Z',
  endDate: '2026-11-23T10:00:08Z',
  ...over,
});

describe('dags rendering', () => {
  it('lists DAGs with paused state and last run', () => {
    const text = renderDagList([
      { dag: dag(), lastRun: run() },
      {
        dag: dag({ dagId: 'lakehouse_maintenance', isPaused: true, schedule: '0 3 * * *' }),
        lastRun: null,
      },
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/dag\s+\|\s+paused\s+\|\s+schedule\s+\|\s+last run\s+\|\s+state/);
    expect(text).toContain('lakehouse_ingest');
    expect(text).toMatch(
      /lakehouse_ingest\s+\|\s+no\s+\|\s+@daily\s+\|\s+2026-11-23 10:00:01\s+\|\s+success/,
    );
    expect(text).toMatch(/lakehouse_maintenance\s+\|\s+yes\s+\|\s+0 3 \* \* \*\s+\|\s+-\s+\|\s+-/);
    expect(text).not.toMatch(/rows?\)/);
    expect(renderDagList([])).toContain('No DAGs');
  });

  it('lists runs newest first as given', () => {
    const text = renderRuns([run({ state: 'failed', runId: 'r2' }), run({ runId: 'r1' })]);
    expect(text.indexOf('r2')).toBeLessThan(text.indexOf('r1'));
    expect(text).toMatch(/r2\s+\|\s+failed\s+\|\s+manual/);
    expect(renderRuns([])).toContain('No runs yet');
  });

  it('shows task states with mapped indexes', () => {
    const text = renderTaskStates([
      ti({ taskId: 'optimize', mapIndex: 1, state: 'failed', startDate: '2026-11-23T10:00:05Z' }),
      ti({ taskId: 'discover_tables' }),
      ti({ taskId: 'expire_snapshots', state: null, startDate: null }),
    ]);
    expect(text.split('\n')).toEqual([
      '  ✔ discover_tables   success',
      '  ✗ optimize[1]       failed',
      '  … expire_snapshots  none',
      '',
    ]);
  });

  it('names the failed task and the tail of its log', () => {
    const log = Array.from({ length: 50 }, (_, i) => `line ${i + 1}`);
    const text = renderFailure(run({ state: 'failed' }), [
      {
        task: ti({ taskId: 'check_orders', state: 'failed', tryNumber: 2 }),
        log: [...log, '', ''],
      },
      { task: ti({ taskId: 'other', state: 'failed' }), log: new Error('404') },
    ]);
    expect(text).toContain('✗ lakehouse_ingest run manual__2026-11-23T10:00:00+00:00 failed');
    expect(text).toContain('failed task: check_orders (try 2)');
    expect(text).toContain('last 30 lines of its log:');
    expect(text).toContain('    line 50\n');
    expect(text).toContain('    line 21\n');
    expect(text).not.toContain('line 20\n');
    expect(text).toContain('failed task: other (try 1)\n  (its log could not be read: 404)');
    expect(renderFailure(run({ state: 'failed' }), [])).toContain('no task failed itself');
  });

  it('counts only tasks that failed themselves', () => {
    const tasks = [ti({ state: 'failed' }), ti({ taskId: 'b', state: 'upstream_failed' }), ti()];
    expect(failedTasks(tasks).map((t) => t.taskId)).toEqual(['load_orders']);
  });

  it('summarises import errors by their last line, nothing when there are none', () => {
    expect(renderImportErrors([])).toBe('');
    const text = renderImportErrors([
      {
        filename: 'lakehouse_ingest.py',
        timestamp: '2026-11-23T10:00:00Z',
        stackTrace:
          'Traceback (most recent call last):\n  File "x"\nNameError: name \'y\' is not defined\n',
      },
    ]);
    expect(text).toBe(
      "⚠ 1 DAG file(s) failed to import:\n  lakehouse_ingest.py: NameError: name 'y' is not defined\n",
    );
  });

  it('parses --conf as a JSON object only', () => {
    expect(parseConf('{"load_date": "2026-11-20"}')).toEqual({ load_date: '2026-11-20' });
    expect(() => parseConf('[1]')).toThrow(InvalidArgumentError);
    expect(() => parseConf('{oops')).toThrow(/not JSON/);
  });

  it('formats times and tails', () => {
    expect(shortTime('2026-11-23T10:00:01.123456+00:00')).toBe('2026-11-23 10:00:01');
    expect(shortTime(null)).toBe('-');
    expect(tail(['a', 'b', 'c', ' '], 2)).toEqual(['b', 'c']);
  });
});

describe('waitForRun', () => {
  it('polls until the run ends and reports task changes once each', async () => {
    const states = ['queued', 'running', 'running', 'failed'];
    let polls = 0;
    const client: RunWaiter = {
      getDagRun: () => Promise.resolve(run({ state: states[Math.min(polls++, 3)] ?? 'failed' })),
      listTaskInstances: () => Promise.resolve([ti({ state: polls < 3 ? 'running' : 'failed' })]),
    };
    const changes: string[] = [];
    const done = await waitForRun(client, 'd', 'r', {
      intervalMs: 0,
      timeoutMs: 60_000,
      sleep: () => Promise.resolve(),
      onChange: (tasks) => changes.push(tasks.map((t) => t.state).join()),
    });
    expect(done?.run.state).toBe('failed');
    expect(changes).toEqual(['running', 'failed']);
  });

  it('gives up at the timeout', async () => {
    const client: RunWaiter = {
      getDagRun: () => Promise.resolve(run({ state: 'running' })),
      listTaskInstances: () => Promise.resolve([]),
    };
    const done = await waitForRun(client, 'd', 'r', {
      intervalMs: 0,
      timeoutMs: 0,
      sleep: () => Promise.resolve(),
    });
    expect(done).toBeUndefined();
  });
});

describe('AirflowClient', () => {
  function fakeFetch(routes: Record<string, (init: RequestInit) => [number, unknown]>) {
    const calls: { url: string; init: RequestInit }[] = [];
    const impl = (input: string | URL | Request, init: RequestInit = {}) => {
      const url = String(input);
      calls.push({ url, init });
      const key = `${init.method ?? 'GET'} ${url.replace('http://airflow', '')}`;
      const handler = routes[key];
      const [status, body] = handler ? handler(init) : [404, { detail: `no route ${key}` }];
      return Promise.resolve(new Response(JSON.stringify(body), { status }));
    };
    return { impl: impl as typeof fetch, calls };
  }

  it('logs in once with JSON credentials, then sends the bearer token', async () => {
    const { impl, calls } = fakeFetch({
      'POST /auth/token': () => [201, { access_token: 'jwt-1' }],
      'GET /api/v2/dags?limit=100&order_by=dag_id': () => [
        200,
        {
          dags: [
            {
              dag_id: 'lakehouse_ingest',
              is_paused: true,
              tags: [{ name: 'lakehouse' }, { name: 'ingest' }],
              timetable_summary: '@daily',
              has_import_errors: false,
            },
          ],
          total_entries: 1,
        },
      ],
    });
    const client = new AirflowClient({
      baseUrl: 'http://airflow/',
      username: 'admin',
      password: 'pw',
      fetch: impl,
    });
    const dags = await client.listDags();
    await client.listDags();
    expect(dags).toEqual([
      {
        dagId: 'lakehouse_ingest',
        isPaused: true,
        tags: ['ingest', 'lakehouse'],
        schedule: '@daily',
        hasImportErrors: false,
        description: null,
      },
    ]);
    expect(calls.filter((c) => c.url.endsWith('/auth/token'))).toHaveLength(1);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ username: 'admin', password: 'pw' });
    expect((calls[1]?.init.headers as Record<string, string>)['authorization']).toBe(
      'Bearer jwt-1',
    );
  });

  it('triggers with the logical_date field and conf', async () => {
    const { impl, calls } = fakeFetch({
      'POST /auth/token': () => [201, { access_token: 't' }],
      'POST /api/v2/dags/lakehouse_ingest/dagRuns': () => [
        200,
        { dag_run_id: 'manual__x', dag_id: 'lakehouse_ingest', state: 'queued', run_after: 'x' },
      ],
    });
    const client = new AirflowClient({
      baseUrl: 'http://airflow',
      username: 'a',
      password: 'b',
      fetch: impl,
    });
    const created = await client.triggerDagRun('lakehouse_ingest', {
      logicalDate: '2026-11-23T00:00:00.000Z',
      conf: { scale: 'tiny' },
    });
    expect(created.runId).toBe('manual__x');
    expect(JSON.parse(String(calls[1]?.init.body))).toEqual({
      logical_date: '2026-11-23T00:00:00.000Z',
      conf: { scale: 'tiny' },
    });
  });

  it("raises typed errors carrying the API's detail", async () => {
    const { impl } = fakeFetch({
      'POST /auth/token': () => [201, { access_token: 't' }],
      'GET /api/v2/dags/nope': () => [404, { detail: 'The Dag with dag_id: `nope` was not found' }],
    });
    const client = new AirflowClient({
      baseUrl: 'http://airflow',
      username: 'a',
      password: 'b',
      fetch: impl,
    });
    const err = await client.getDag('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AirflowApiError);
    expect((err as AirflowApiError).status).toBe(404);
    expect((err as AirflowApiError).detail).toBe('The Dag with dag_id: `nope` was not found');
  });

  it('shares one login between calls made side by side, and tries again after a refused one', async () => {
    let logins = 0;
    const { impl } = fakeFetch({
      'POST /auth/token': () =>
        ++logins === 1 ? [401, { detail: 'no' }] : [201, { access_token: 't' }],
      'GET /api/v2/importErrors?limit=100': () => [200, { import_errors: [] }],
      'GET /api/v2/dags?limit=100&order_by=dag_id': () => [200, { dags: [] }],
    });
    const client = new AirflowClient({
      baseUrl: 'http://airflow',
      username: 'a',
      password: 'b',
      fetch: impl,
    });
    const refused = await Promise.all([client.listDags(), client.listImportErrors()]).catch(
      (e: unknown) => e,
    );
    expect((refused as AirflowApiError).status).toBe(401);
    expect(logins).toBe(1);
    await Promise.all([client.listDags(), client.listImportErrors()]);
    expect(logins).toBe(2);
  });

  it('gives up on a request after timeoutMs, as unreachable', async () => {
    const hang = ((_input: unknown, init: RequestInit = {}) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const client = new AirflowClient({
      baseUrl: 'http://airflow',
      username: 'a',
      password: 'b',
      fetch: hang,
      timeoutMs: 50,
    });
    const err = await client.listDags().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AirflowUnreachableError);
    expect((err as Error).message).toBe(
      "Airflow's API server at http://airflow is not reachable: no answer in time",
    );
  });

  it('reads FastAPI validation details', () => {
    expect(
      apiErrorDetail({ detail: [{ loc: ['body', 'logical_date'], msg: 'Field required' }] }, 'x'),
    ).toBe('body.logical_date: Field required');
    expect(apiErrorDetail('nope', 'fallback')).toBe('fallback');
  });

  it('flattens structured and plain log content', () => {
    expect(
      logLines({
        content: [
          { timestamp: '2026-11-23T10:00:00Z', level: 'info', event: 'loaded 15000 rows' },
          {
            event: 'Task failed with exception',
            level: 'error',
            error_detail: [
              { exc_type: 'AirflowException', exc_value: 'check unique_orderkey failed' },
            ],
          },
          'plain line 1\nplain line 2',
        ],
        continuation_token: null,
      }),
    ).toEqual([
      '2026-11-23T10:00:00Z INFO loaded 15000 rows',
      'ERROR Task failed with exception',
      'AirflowException: check unique_orderkey failed',
      'plain line 1',
      'plain line 2',
    ]);
  });
});
