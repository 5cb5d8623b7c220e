/**
 * Airflow on the local platform: the pinned venv installed (or found in the cache), then a real
 * `lakehouse up` of Airflow alone in a temporary state directory on free ports. MinIO, the catalog,
 * Trino and observability stay off: Airflow needs none of them to run, and `trino_default` may
 * point at a port where nothing listens.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLakehouse, type CliRun } from '../../support/cli.js';
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

const lakehouse = (args: string[], timeoutMs = 600_000): Promise<Run> =>
  runLakehouse(home, args, timeoutMs);

const withValues = (args: string[]): string[] => [...args, '-f', valuesFile];

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
  valuesFile = join(home, 'values.yaml');
  writeFileSync(
    valuesFile,
    [
      'global: { target: local }',
      'minio: { enabled: false }',
      'icebergCatalog: { enabled: false }',
      `trino: { enabled: false, coordinator: { port: ${trinoPort} } }`,
      'observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }',
      `airflow: { enabled: true, port: ${port}, schedulerHealthPort: ${schedulerHealthPort}, workerLogServerPort: ${workerLogServerPort}, triggererLogServerPort: ${triggererLogServerPort} }`,
      '',
    ].join('\n'),
  );
  const started = Date.now();
  upRun = await lakehouse(withValues(['up']));
  upMs = Date.now() - started;
  say(`lakehouse up took ${(upMs / 1000).toFixed(1)} s (venv cached)`);
}, 900_000);

afterAll(async () => {
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
