/**
 * Airflow on the local platform: the pinned venv installed (or found in the cache), then a real
 * `lakehouse up` of Airflow alone in a temporary state directory on free ports. MinIO, the catalog,
 * Trino and observability stay off: Airflow needs none of them to run, and `trino_default` may
 * point at a port where nothing listens. Its DAG folder holds one DAG whose task fails, for the
 * console's pipelines view to show against this live Airflow.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleDagRunDetail, ConsolePipelines } from '../../../src/console/api.js';
import type { RunningConsole } from '../../../src/console/index.js';
import { runLakehouse, type CliRun } from '../../support/cli.js';
import { startTestConsole } from '../../support/console.js';
import { findFreePort } from '../../../src/lib/index.js';
import { readAdminCredentials } from '../../../src/targets/local/airflow/index.js';
import { ensureAirflowEnv } from '../../../src/targets/local/install/index.js';

type Run = CliRun;

let home: string;
let valuesFile: string;
let port: number;
let trinoPort: number;
let upRun: Run;
let upMs: number;
let consoleApp: RunningConsole | undefined;

const lakehouse = (args: string[], timeoutMs = 600_000): Promise<Run> =>
  runLakehouse(home, args, timeoutMs);

const withValues = (args: string[]): string[] => [...args, '-f', valuesFile];

const FAILING_DAG = 'console_fails';
const FAILURE_TEXT = 'console-test: this task fails on purpose';

interface StatusJson {
  processes: Array<{ name: string; state: string; health: string; pid: number | null }>;
}

const PROCESSES = [
  'airflow-api-server',
  'airflow-scheduler',
  'airflow-dag-processor',
  'airflow-triggerer',
];

beforeAll(async () => {
  const say = (line: string): void => console.log(`[airflow] ${line}`);
  await ensureAirflowEnv({ onProgress: say });
  home = mkdtempSync(join(tmpdir(), 'lakehouse-airflow-'));
  port = await findFreePort();
  trinoPort = await findFreePort();
  const schedulerHealthPort = await findFreePort();
  const workerLogServerPort = await findFreePort();
  const triggererLogServerPort = await findFreePort();
  const dagsFolder = join(home, 'dags');
  mkdirSync(dagsFolder);
  writeFileSync(
    join(dagsFolder, `${FAILING_DAG}.py`),
    [
      'from datetime import datetime',
      'from airflow.sdk import dag, task',
      '',
      `@dag(dag_id="${FAILING_DAG}", schedule=None, start_date=datetime(2026, 1, 1), catchup=False,`,
      '     default_args={"retries": 0}, tags=["console", "test"])',
      `def ${FAILING_DAG}():`,
      '    @task',
      '    def explode():',
      `        raise ValueError("${FAILURE_TEXT}")`,
      '    explode()',
      '',
      `${FAILING_DAG}()`,
      '',
    ].join('\n'),
  );
  valuesFile = join(home, 'values.yaml');
  writeFileSync(
    valuesFile,
    [
      'global: { target: local }',
      'minio: { enabled: false }',
      'icebergCatalog: { enabled: false }',
      `trino: { enabled: false, coordinator: { port: ${trinoPort} } }`,
      'observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }',
      `airflow: { enabled: true, dagsFolder: ${JSON.stringify(dagsFolder)}, port: ${port}, schedulerHealthPort: ${schedulerHealthPort}, workerLogServerPort: ${workerLogServerPort}, triggererLogServerPort: ${triggererLogServerPort} }`,
      '',
    ].join('\n'),
  );
  const started = Date.now();
  upRun = await lakehouse(withValues(['up']));
  upMs = Date.now() - started;
  say(`lakehouse up took ${(upMs / 1000).toFixed(1)} s (venv cached)`);
}, 900_000);

afterAll(async () => {
  await consoleApp?.close();
  if (home) {
    // `down` must succeed before the directory goes: it holds the supervisor's socket.
    const down = await lakehouse(['down', '--purge', '--yes'], 120_000);
    if (down.code !== 0) console.error(`[airflow] lakehouse down failed:\n${down.stderr}`);
    rmSync(home, { recursive: true, force: true });
  }
}, 180_000);

describe('Airflow under lakehouse up', () => {
  it('comes up and prints the UI address and the admin credentials file', () => {
    expect(upRun.code, `${upRun.stdout}\n${upRun.stderr}`).toBe(0);
    expect(upRun.stdout).toContain(`http://127.0.0.1:${port}`);
    const file = join(home, 'secrets', 'airflow-admin.json');
    expect(upRun.stdout).toContain(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('runs all four processes, healthy', async () => {
    const run = await lakehouse(withValues(['status', '-o', 'json']));
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout) as StatusJson;
    for (const name of PROCESSES) {
      const p = status.processes.find((x) => x.name === name);
      expect(p, name).toMatchObject({ state: 'running', health: 'healthy' });
    }
  });

  it('never writes the admin password into a log', async () => {
    const { password } = await readAdminCredentials(join(home, 'secrets', 'airflow-admin.json'));
    const logs = await lakehouse(['logs', 'airflow', '--tail', '1000']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).not.toContain(password);
    expect(upRun.stdout + upRun.stderr).not.toContain(password);
  });

  it('issues a JWT for the generated admin login and serves trino_default', async () => {
    const creds = await readAdminCredentials(join(home, 'secrets', 'airflow-admin.json'));
    const base = `http://127.0.0.1:${port}`;
    const bad = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: creds.username, password: 'wrong-password' }),
    });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    const tokenRes = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(creds),
    });
    expect(tokenRes.status).toBeLessThan(300);
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    expect(token.split('.')).toHaveLength(3);

    const unauthorized = await fetch(`${base}/api/v2/connections/trino_default`);
    expect(unauthorized.status).toBe(401);
    const conn = await fetch(`${base}/api/v2/connections/trino_default`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(conn.status).toBe(200);
    const body = (await conn.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      connection_id: 'trino_default',
      conn_type: 'trino',
      host: '127.0.0.1',
      port: trinoPort,
      login: 'lakehouse',
    });
    expect(String(body['extra'])).toContain('iceberg');

    const health = await fetch(`${base}/api/v2/monitor/health`);
    const h = (await health.json()) as Record<string, { status?: string }>;
    expect(h['metadatabase']?.status).toBe('healthy');
    expect(h['scheduler']?.status).toBe('healthy');
  });

  it('a second up changes nothing', async () => {
    const again = await lakehouse(withValues(['up']));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing changed');
  });
});

describe('the console against this Airflow', () => {
  const api = async <T>(path: string): Promise<{ status: number; body: T }> => {
    if (!consoleApp) throw new Error('the console did not start');
    const res = await fetch(`${consoleApp.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };

  it("lists the DAG folder's DAG once Airflow has parsed it", async () => {
    consoleApp = await startTestConsole({
      stateDir: home,
      valuesFile,
      webRoot: join(home, 'no-page'),
    });
    const deadline = Date.now() + 180_000;
    let last: ConsolePipelines | undefined;
    while (Date.now() < deadline) {
      last = (await api<ConsolePipelines>('/api/pipelines')).body;
      if (last.dags.some((d) => d.dagId === FAILING_DAG)) break;
      await new Promise((r) => setTimeout(r, 3_000));
    }
    expect(last?.available, last?.reason).toBe(true);
    const dag = last?.dags.find((d) => d.dagId === FAILING_DAG);
    expect(dag).toMatchObject({ tags: ['console', 'test'], lastRuns: [] });
    expect(last?.importErrors).toEqual([]);
  }, 200_000);

  it("shows a failed run with the failed task and its log's tail", async () => {
    const trigger = await lakehouse(
      withValues(['dags', 'trigger', FAILING_DAG, '--wait', '--timeout', '240', '-o', 'json']),
      300_000,
    );
    expect(trigger.code, trigger.stderr).toBe(1);
    const { run } = JSON.parse(trigger.stdout) as { run: { runId: string } };

    const list = await api<ConsolePipelines>('/api/pipelines');
    const dag = list.body.dags.find((d) => d.dagId === FAILING_DAG);
    expect(dag?.lastRuns[0]).toMatchObject({
      runId: run.runId,
      state: 'failed',
      runType: 'manual',
    });

    const path = `/api/pipelines/${FAILING_DAG}/runs/${encodeURIComponent(run.runId)}`;
    const detail = await api<ConsoleDagRunDetail>(path);
    expect(detail.status).toBe(200);
    expect(detail.body.run).toMatchObject({
      dagId: FAILING_DAG,
      runId: run.runId,
      state: 'failed',
    });
    expect(detail.body.tasks).toEqual([
      expect.objectContaining({ taskId: 'explode', state: 'failed', tryNumber: 1 }),
    ]);
    expect(detail.body.failures).toHaveLength(1);
    const failure = detail.body.failures[0];
    expect(failure).toMatchObject({ taskId: 'explode', tryNumber: 1, mapIndex: -1 });
    expect(failure?.logError).toBeUndefined();
    expect(failure?.logTail.length).toBeLessThanOrEqual(30);
    expect(failure?.logTail.join('\n')).toContain(`ValueError: ${FAILURE_TEXT}`);

    const unknown = await api<{ error: string }>(`/api/pipelines/${FAILING_DAG}/runs/no_such_run`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no_such_run');
  }, 320_000);
});
