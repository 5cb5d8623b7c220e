import { describe, expect, it } from 'vitest';
import type { Release } from '../../../src/ops/index.js';
import {
  checkRunIds,
  consoleReleases,
  logTail,
  MAX_LOG_LINE,
  readPipelines,
  readRunDetail,
  runDetail,
  toConsoleDag,
  type AirflowAccess,
  type PipelinesClient,
} from '../../../src/console/releases/index.js';
import {
  AirflowApiError,
  AirflowUnreachableError,
  type AirflowDag,
  type AirflowDagRun,
  type AirflowTaskInstance,
} from '../../../src/targets/local/airflow/index.js';

const release = (
  revision: number,
  status: Release['status'],
  extra: Partial<Release> = {},
): Release => ({
  component: 'trino',
  revision,
  version: '476',
  configDigest: 'sha256:x',
  settings: { password: 'never-shown' },
  action: revision === 1 ? 'install' : 'upgrade',
  status,
  startedAt: `2026-12-0${revision}T10:00:00.000Z`,
  finishedAt: `2026-12-0${revision}T10:01:00.000Z`,
  description: `revision ${revision}`,
  ...extra,
});

describe('release history → ConsoleReleases', () => {
  it('lists revisions newest first, marks the deployed one, keeps settings out', () => {
    const out = consoleReleases([
      {
        component: 'trino',
        releases: [
          release(1, 'superseded'),
          release(3, 'failed'),
          release(2, 'deployed', { replicas: 2 }),
        ],
      },
      { component: 'airflow', releases: [] },
      { component: 'minio', releases: [], error: 'minio.json: not valid JSON' },
    ]);
    expect(out.components.map((c) => c.component)).toEqual(['trino', 'airflow', 'minio']);
    const trino = out.components[0];
    expect(trino?.deployedRevision).toBe(2);
    expect(trino?.releases.map((r) => [r.revision, r.status])).toEqual([
      [3, 'failed'],
      [2, 'deployed'],
      [1, 'superseded'],
    ]);
    expect(trino?.releases[1]).toEqual({
      revision: 2,
      status: 'deployed',
      version: '476',
      action: 'upgrade',
      description: 'revision 2',
      startedAt: '2026-12-02T10:00:00.000Z',
      finishedAt: '2026-12-02T10:01:00.000Z',
      replicas: 2,
    });
    expect(JSON.stringify(out)).not.toContain('never-shown');
    expect(out.components[1]).toEqual({
      component: 'airflow',
      deployedRevision: null,
      releases: [],
    });
    expect(out.components[2]?.error).toBe('minio.json: not valid JSON');
  });
});

describe('run ids checked before they reach Airflow', () => {
  it.each([
    ['lakehouse_ingest', 'manual__2026-12-03T10:00:00+00:00'],
    ['my.dag-v2', 'scheduled__2026-12-03T00:00:00+00:00'],
    ['dåg_ünïcode', 'asset_triggered__2026-12-03T00:00:00.123456+00:00'],
    ['d', 'custom~run.1'],
    ['a'.repeat(250), 'r'.repeat(250)],
  ])('accepts %s / %s', (dagId, runId) => {
    expect(checkRunIds(dagId, runId)).toEqual({ ok: true });
  });

  it.each([
    ['..', 'run'],
    ['.', 'run'],
    ['dag', '..'],
    ['a/b', 'run'],
    ['dag', 'run/../x'],
    ['dag', 'run\n1'],
    ['dag', 'run\u0000'],
    ['dag id', 'run'],
    ['dag', 'run?x=1'],
    ['dag', 'run#x'],
    ['dag', 'run%2F'],
    ['', 'run'],
    ['dag', ''],
    ['a'.repeat(251), 'run'],
    ['dag', 'r'.repeat(251)],
  ])('refuses %j / %j', (dagId, runId) => {
    expect(checkRunIds(dagId, runId).ok).toBe(false);
  });
});

const dag = (dagId: string): AirflowDag => ({
  dagId,
  isPaused: false,
  tags: ['lakehouse'],
  schedule: '@daily',
  hasImportErrors: false,
  description: null,
});

const run = (n: number, state = 'success'): AirflowDagRun => ({
  dagId: 'd',
  runId: `manual__2026-12-0${n}T00:00:00+00:00`,
  state,
  runType: 'manual',
  logicalDate: `2026-12-0${n}T00:00:00Z`,
  runAfter: `2026-12-0${n}T00:00:00Z`,
  startDate: null,
  endDate: null,
  conf: { secret: 'conf-stays-out' },
});

const task = (taskId: string, state: string | null, tryNumber = 1): AirflowTaskInstance => ({
  taskId,
  mapIndex: -1,
  state,
  tryNumber,
  startDate: null,
  endDate: null,
});

describe('Airflow objects → the console', () => {
  it('a DAG keeps at most its 5 newest runs, without their conf', () => {
    const d = toConsoleDag(
      dag('d'),
      [7, 6, 5, 4, 3, 2, 1].map((n) => run(n)),
    );
    expect(d.lastRuns.map((r) => r.runId.slice(8, 18))).toEqual([
      '2026-12-07',
      '2026-12-06',
      '2026-12-05',
      '2026-12-04',
      '2026-12-03',
    ]);
    expect(d).toMatchObject({ dagId: 'd', paused: false, schedule: '@daily', tags: ['lakehouse'] });
    expect(JSON.stringify(d)).not.toContain('conf-stays-out');
  });

  it('a run detail carries each failed task with its log tail, or why there is none', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const detail = runDetail(
      run(1, 'failed'),
      [
        task('extract', 'success'),
        task('load', 'failed', 2),
        task('report', 'upstream_failed'),
        task('other', 'failed'),
      ],
      [
        { task: task('load', 'failed', 2), log: [...lines, '', ' '] },
        { task: task('other', 'failed'), log: { error: 'Airflow answered 404' } },
      ],
    );
    expect(detail.run).toMatchObject({ dagId: 'd', state: 'failed' });
    expect(detail.tasks.map((t) => t.state)).toEqual([
      'success',
      'failed',
      'upstream_failed',
      'failed',
    ]);
    expect(detail.failures[0]).toMatchObject({ taskId: 'load', tryNumber: 2, mapIndex: -1 });
    expect(detail.failures[0]?.logTail).toHaveLength(30);
    expect(detail.failures[0]?.logTail.at(-1)).toBe('line 49');
    expect(detail.failures[1]).toEqual({
      taskId: 'other',
      mapIndex: -1,
      tryNumber: 1,
      logTail: [],
      logError: 'Airflow answered 404',
    });
  });

  it('cuts a runaway log line', () => {
    const [line] = logTail(['x'.repeat(MAX_LOG_LINE + 500)]);
    expect(line?.length).toBeLessThan(MAX_LOG_LINE + 20);
    expect(line).toMatch(/…\(cut\)$/);
  });
});

/** A client whose calls answer from `impl`; the rest throw. */
function fakeClient(impl: Partial<PipelinesClient>): PipelinesClient {
  const missing = (name: string) => () => Promise.reject(new Error(`unexpected call ${name}`));
  return {
    listDags: impl.listDags ?? missing('listDags'),
    listDagRuns: impl.listDagRuns ?? missing('listDagRuns'),
    listImportErrors: impl.listImportErrors ?? missing('listImportErrors'),
    getDagRun: impl.getDagRun ?? missing('getDagRun'),
    listTaskInstances: impl.listTaskInstances ?? missing('listTaskInstances'),
    taskLog: impl.taskLog ?? missing('taskLog'),
  };
}

const accessTo = (...clients: PipelinesClient[]) => {
  let forgotten = 0;
  let i = 0;
  const access = async (): Promise<AirflowAccess> => ({
    ok: true,
    client: clients[Math.min(i++, clients.length - 1)] as PipelinesClient,
    forget: () => {
      forgotten++;
    },
  });
  return { access, forgotten: () => forgotten };
};

describe('reading Airflow for the page', () => {
  it('lists DAGs with their runs and import errors', async () => {
    const { access } = accessTo(
      fakeClient({
        listDags: async () => [dag('a'), dag('b')],
        listDagRuns: async (id, limit) => (id === 'a' ? [run(2), run(1)].slice(0, limit) : []),
        listImportErrors: async () => [
          { filename: 'broken.py', timestamp: 't', stackTrace: 'Traceback\nNameError: y' },
        ],
      }),
    );
    const out = await readPipelines(access);
    expect(out.available).toBe(true);
    expect(out.dags.map((d) => [d.dagId, d.lastRuns.length])).toEqual([
      ['a', 2],
      ['b', 0],
    ]);
    expect(out.importErrors).toEqual([
      { filename: 'broken.py', timestamp: 't', message: 'Traceback\nNameError: y' },
    ]);
  });

  it('Airflow off or down: available false with the reason, no throw', async () => {
    const off = await readPipelines(async () => ({ ok: false, reason: 'Airflow is switched off' }));
    expect(off).toEqual({
      available: false,
      reason: 'Airflow is switched off',
      dags: [],
      importErrors: [],
    });
    const down = fakeClient({
      listDags: () =>
        Promise.reject(
          new AirflowUnreachableError('http://127.0.0.1:1', new Error('fetch failed')),
        ),
      listImportErrors: async () => [],
    });
    const out = await readPipelines(accessTo(down).access);
    expect(out.available).toBe(false);
    expect(out.reason).toContain('http://127.0.0.1:1 is not reachable');
    expect(out.reason).toContain('lakehouse up');
  });

  it('a refused token is forgotten and tried once more with a new login', async () => {
    const refused = () =>
      Promise.reject(new AirflowApiError(401, 'GET', '/api/v2/dags', 'Invalid JWT token'));
    const expired = fakeClient({ listDags: refused, listImportErrors: refused });
    const fresh = fakeClient({ listDags: async () => [], listImportErrors: async () => [] });
    const a = accessTo(expired, fresh);
    expect((await readPipelines(a.access)).available).toBe(true);
    expect(a.forgotten()).toBe(1);

    const b = accessTo(expired);
    const out = await readPipelines(b.access);
    expect(out.available).toBe(false);
    expect(out.reason).toContain("refused the console's admin login (401: Invalid JWT token)");
    expect(b.forgotten()).toBe(2);
  });

  it("run detail: 404 with Airflow's message, 503 when down, 502 on anything else", async () => {
    const notFound = fakeClient({
      getDagRun: () =>
        Promise.reject(
          new AirflowApiError(
            404,
            'GET',
            '/x',
            'The DagRun with dag_id: `d` and run_id: `r` was not found',
          ),
        ),
      listTaskInstances: async () => [],
    });
    expect(await readRunDetail(accessTo(notFound).access, 'd', 'r')).toEqual({
      status: 404,
      body: { error: 'The DagRun with dag_id: `d` and run_id: `r` was not found' },
    });
    const off = await readRunDetail(async () => ({ ok: false, reason: 'off' }), 'd', 'r');
    expect(off).toEqual({ status: 503, body: { error: 'off' } });
    const broken = fakeClient({
      getDagRun: () => Promise.reject(new AirflowApiError(500, 'GET', '/x', 'boom')),
      listTaskInstances: async () => [],
    });
    expect((await readRunDetail(accessTo(broken).access, 'd', 'r')).status).toBe(502);
  });

  it('run detail reads the log of each failed task for its own try', async () => {
    const asked: string[] = [];
    const client = fakeClient({
      getDagRun: async () => run(1, 'failed'),
      listTaskInstances: async () => [task('ok', 'success'), task('load', 'failed', 3)],
      taskLog: async (dagId, runId, taskId, tryNumber, mapIndex) => {
        asked.push(`${dagId} ${runId} ${taskId} ${tryNumber} ${mapIndex}`);
        return ['Traceback', 'ValueError: boom'];
      },
    });
    const out = await readRunDetail(accessTo(client).access, 'd', 'r');
    expect(asked).toEqual(['d r load 3 -1']);
    expect(out.status).toBe(200);
    if (out.status === 200)
      expect(out.body.failures[0]?.logTail).toEqual(['Traceback', 'ValueError: boom']);
  });
});
