/**
 * The local platform end to end, as the runbook's validation step: a real `lakehouse up` of
 * MinIO, our catalog, Trino and Prometheus/Alertmanager in a temporary state directory on free
 * ports, driven only through the CLI (and pyiceberg and S3, as users would).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cli, repo, runLakehouse, type CliRun } from '../support/cli.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';

type Run = CliRun;

let platform: TestPlatform | undefined;
let home: string;
let valuesFile: string;
let ports: Record<string, number>;

const lakehouse = (args: string[], timeoutMs = 600_000): Promise<Run> =>
  runLakehouse(home, args, timeoutMs);

const withValues = (args: string[]) => [...args, '-f', valuesFile];

async function sqlJson(query: string): Promise<Array<Record<string, unknown>>> {
  const run = await lakehouse(withValues(['sql', '-o', 'json', query]));
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}

interface StatusJson {
  supervisor: { running: boolean; pid: number | null };
  processes: Array<{
    name: string;
    state: string;
    health: string;
    pid: number | null;
    restarts: number;
    ports: number[];
  }>;
}

async function status(): Promise<StatusJson> {
  const run = await lakehouse(withValues(['status', '-o', 'json']));
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as StatusJson;
}

function secrets(): { minio: { rootUser: string; rootPassword: string } } {
  return JSON.parse(readFileSync(join(home, 'secrets', 'credentials.json'), 'utf8'));
}

const EXPECTED = [
  'alertmanager',
  'prometheus',
  'node-exporter',
  'statsd-exporter',
  'minio',
  'iceberg-catalog',
  'trino-coordinator',
  'trino-worker-1',
  'airflow-api-server',
  'airflow-scheduler',
  'airflow-dag-processor',
  'airflow-triggerer',
  'console',
];

describe('local platform end to end', () => {
  beforeAll(async () => {
    platform = await createTestPlatform({ name: 'platform', airflow: true });
    home = platform.home;
    valuesFile = platform.valuesFile;
    const key = (k: string): number => {
      const port = platform?.ports[k];
      if (port === undefined) throw new Error(`no port planned for ${k}`);
      return port;
    };
    ports = {
      minioApi: key('minio.ports.api'),
      catalog: key('icebergCatalog.port'),
      trino: key('trino.coordinator.port'),
      prometheus: key('observability.prometheus.port'),
      alertmanager: key('observability.alertmanager.port'),
      console: key('console.port'),
    };
  });

  afterAll(async () => {
    await platform?.destroy();
  });

  it('up brings every component up healthy and prints the addresses and the credentials file', async () => {
    const run = await lakehouse(withValues(['up']));
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('✔ Platform ready');
    expect(run.stdout).toContain(`http://127.0.0.1:${ports['trino']}`);
    expect(run.stdout).toContain(`http://127.0.0.1:${ports['catalog']}`);
    expect(run.stdout).toMatch(
      new RegExp(`Lakehouse console +http://127.0.0.1:${ports['console']}/`),
    );
    const credentials = join(home, 'secrets', 'credentials.json');
    expect(run.stdout).toContain(credentials);
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    // Generated per installation, never MinIO's default, never printed.
    const { minio } = secrets();
    expect(minio.rootUser).not.toBe('minioadmin');
    expect(`${run.stdout}${run.stderr}`).not.toContain(minio.rootPassword);

    const st = await status();
    expect(st.supervisor.running).toBe(true);
    expect(st.processes.map((p) => p.name)).toEqual(EXPECTED);
    for (const p of st.processes) {
      expect({ name: p.name, state: p.state, health: p.health }).toEqual({
        name: p.name,
        state: 'running',
        health: 'healthy',
      });
    }
    // The runbook's health endpoints answer.
    for (const url of [
      `http://127.0.0.1:${ports['minioApi']}/minio/health/live`,
      `http://127.0.0.1:${ports['catalog']}/v1/config`,
      `http://127.0.0.1:${ports['trino']}/v1/info`,
      `http://127.0.0.1:${ports['prometheus']}/-/ready`,
      `http://127.0.0.1:${ports['alertmanager']}/-/ready`,
      `http://127.0.0.1:${ports['console']}/healthz`,
    ]) {
      expect((await fetch(url)).status, url).toBe(200);
    }
  });

  it('Prometheus scrapes every component that exposes metrics', async () => {
    const wanted = [
      'iceberg-catalog',
      'minio',
      'prometheus',
      'alertmanager',
      'trino',
      'node',
      'supervisor',
      'airflow',
    ];
    const deadline = Date.now() + 120_000;
    let health: Record<string, string> = {};
    while (Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${ports['prometheus']}/api/v1/targets`);
      const body = (await res.json()) as {
        data: { activeTargets: Array<{ labels: { job: string }; health: string }> };
      };
      health = Object.fromEntries(body.data.activeTargets.map((t) => [t.labels.job, t.health]));
      if (wanted.every((job) => health[job] === 'up')) break;
      await sleep(2000);
    }
    expect(Object.fromEntries(wanted.map((job) => [job, health[job]]))).toEqual(
      Object.fromEntries(wanted.map((job) => [job, 'up'])),
    );
  });

  it('logs shows a process log; an unknown process is a clear error', async () => {
    const logs = await lakehouse(withValues(['logs', 'catalog', '--tail', '5']));
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.trim().split('\n').length).toBeLessThanOrEqual(5);
    expect(logs.stdout).toContain('"service":"iceberg-catalog"');
    const unknown = await lakehouse(withValues(['logs', 'nope']));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no log for "nope"');
  });

  it('a second up changes nothing and says so', async () => {
    const run = await lakehouse(withValues(['up']));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Platform already up; nothing changed');
  });

  it('Trino creates an Iceberg table from tpch through our catalog, with the same rows', async () => {
    await sqlJson('CREATE SCHEMA iceberg.demo');
    await sqlJson('CREATE TABLE iceberg.demo.orders AS SELECT * FROM tpch.tiny.orders');
    const [source] = await sqlJson(
      'SELECT count(*) AS n, sum(orderkey) AS s FROM tpch.tiny.orders',
    );
    const [copy] = await sqlJson(
      'SELECT count(*) AS n, sum(orderkey) AS s FROM iceberg.demo.orders',
    );
    expect(source).toEqual({ n: 15000, s: expect.any(Number) });
    expect(copy).toEqual(source);
  });

  it('the data files are in the MinIO bucket', async () => {
    const { minio } = secrets();
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${ports['minioApi']}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: minio.rootUser, secretAccessKey: minio.rootPassword },
    });
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'warehouse', Prefix: 'lakehouse/demo/' }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
    s3.destroy();
    expect(keys.filter((k) => k.endsWith('.parquet')).length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.endsWith('.metadata.json')).length).toBeGreaterThan(0);
  });

  it('pyiceberg reads the same rows through our catalog', async () => {
    const { minio } = secrets();
    const [expected] = await sqlJson(
      'SELECT count(*) AS n, sum(orderkey) AS s FROM iceberg.demo.orders',
    );
    const out = await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(
        inject('python'),
        [join(repo, 'tests', 'e2e', 'py', 'read_table.py'), 'demo.orders'],
        {
          env: {
            PATH: process.env['PATH'],
            HOME: home,
            LH_CATALOG_URI: `http://127.0.0.1:${ports['catalog']}`,
            LH_S3_ENDPOINT: `http://127.0.0.1:${ports['minioApi']}`,
            LH_S3_ACCESS_KEY_ID: minio.rootUser,
            LH_S3_SECRET_ACCESS_KEY: minio.rootPassword,
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) =>
        code === 0 ? resolvePromise(stdout) : reject(new Error(stderr)),
      );
    });
    const read = JSON.parse(out) as { rows: number; orderkey_sum: number; location: string };
    expect({ n: read.rows, s: read.orderkey_sum }).toEqual(expected);
    expect(read.location).toMatch(/^s3:\/\/warehouse\/lakehouse\/demo\/orders-[0-9a-f]+$/);
  });

  it('sql without a query reads statements from its prompt (here: a pipe)', async () => {
    const out = await new Promise<Run>((resolvePromise, reject) => {
      const child = spawn(process.execPath, [cli, 'sql', '-o', 'csv', '-f', valuesFile], {
        cwd: repo,
        env: { ...process.env, LAKEHOUSE_HOME: home },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      child.stdin.end('SELECT 1 AS one;\nSELECT count(*) AS n\n  FROM iceberg.demo.orders;\n');
    });
    expect(out.code, out.stderr).toBe(0);
    // CSV rows end in CRLF, as RFC 4180 says.
    expect(out.stdout).toBe('one\r\n1\r\nn\r\n15000\r\n');
  });

  it('down stops everything; up brings the table and its rows back', async () => {
    const [before] = await sqlJson(
      'SELECT count(*) AS n, sum(orderkey) AS s FROM iceberg.demo.orders',
    );
    const down = await lakehouse(['down']);
    expect(down.code, down.stderr).toBe(0);
    const stopped = await status();
    expect(stopped.supervisor.running).toBe(false);
    expect(new Set(stopped.processes.map((p) => p.state))).toEqual(new Set(['stopped']));
    expect((await lakehouse(withValues(['sql', 'SELECT 1']))).code).not.toBe(0);

    const up = await lakehouse(withValues(['up']));
    expect(up.code, up.stderr).toBe(0);
    const [after] = await sqlJson(
      'SELECT count(*) AS n, sum(orderkey) AS s FROM iceberg.demo.orders',
    );
    expect(after).toEqual(before);
  });

  it('kill -9 of the Trino coordinator: the supervisor restarts it and queries work again', async () => {
    const before = (await status()).processes.find((p) => p.name === 'trino-coordinator');
    expect(before?.pid).toEqual(expect.any(Number));
    process.kill(before?.pid as number, 'SIGKILL');
    const deadline = Date.now() + 300_000;
    let restarted = false;
    while (Date.now() < deadline && !restarted) {
      await sleep(2000);
      const now = (await status()).processes.find((p) => p.name === 'trino-coordinator');
      restarted = !!now && now.pid !== before?.pid && now.restarts >= 1 && now.health === 'healthy';
    }
    expect(restarted).toBe(true);
    // Healthy HTTP comes before Trino finishes starting: poll the query itself.
    let result: Run | undefined;
    while (Date.now() < deadline) {
      result = await lakehouse(
        withValues(['sql', '-o', 'json', 'SELECT count(*) AS n FROM iceberg.demo.orders']),
      );
      if (result.code === 0) break;
      await sleep(2000);
    }
    expect(result?.code, result?.stderr).toBe(0);
    expect(JSON.parse(result?.stdout ?? '[]')).toEqual([{ n: 15000 }]);
  });

  it('two up at once: one starts the platform, the other says it is already starting', async () => {
    expect((await lakehouse(['down'])).code).toBe(0);
    const [a, b] = await Promise.all([
      lakehouse(withValues(['up'])),
      lakehouse(withValues(['up'])),
    ]);
    const winner = [a, b].find((r) => r.code === 0);
    const loser = [a, b].find((r) => r.code !== 0);
    expect(winner, `${a.stderr}\n${b.stderr}`).toBeDefined();
    expect(loser, `${a.stdout}\n${b.stdout}`).toBeDefined();
    expect(loser?.stderr).toContain('the platform is already starting');
    expect((await status()).processes.every((p) => p.state === 'running')).toBe(true);
  });
});
