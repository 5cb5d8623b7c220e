/**
 * Releases on the real local platform: history after `up`, an upgrade that succeeds, one that
 * fails its health gate and rolls back by itself, rollback to a revision, emergency rollback
 * with paused reconciliation, scaling Trino workers with drain, and rotating MinIO's credentials —
 * the data written before stays identical throughout (row count and checksums).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, repo } from '../support/cli.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { until } from '../support/until.js';
import { findFreePort } from '../../src/lib/index.js';

let platform: TestPlatform;
let baseline: Array<Record<string, unknown>>;
const timings: Record<string, string> = {};

interface ReleaseJson {
  revision: number;
  status: string;
  action: string;
  version: string;
  replicas?: number;
  description: string;
}

async function history(component: string): Promise<ReleaseJson[]> {
  const r = await platform.runWithValues(['history', component, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ReleaseJson[];
}

const DATA_QUERY =
  'SELECT count(*) AS n, sum(totalprice) AS total, checksum(orderkey) AS keys FROM iceberg.demo.orders';

async function expectDataIntact(): Promise<void> {
  expect(await platform.sqlJson(DATA_QUERY)).toEqual(baseline);
}

async function activeWorkers(): Promise<number> {
  const rows = await platform.sqlJson(
    "SELECT count(*) AS n FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'",
  );
  return Number(rows[0]?.['n']);
}

function overlay(name: string, values: Record<string, unknown>): string {
  const file = join(platform.home, `${name}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

const coordinatorConfig = (): string =>
  readFileSync(
    join(platform.home, 'trino', 'trino-coordinator', 'etc', 'config.properties'),
    'utf8',
  );

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await work();
  timings[label] = `${((Date.now() - start) / 1000).toFixed(1)} s`;
  console.log(`[ops-releases] ${label}: ${timings[label]}`);
  return result;
}

describe('releases: upgrade, rollback, scale on the local platform', () => {
  beforeAll(async () => {
    platform = await createTestPlatform({ name: 'ops', maxWorkers: 3 });
    const up = await platform.runWithValues(['up']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  });

  afterAll(async () => {
    console.log(`[ops-releases] timings: ${JSON.stringify(timings)}`);
    await platform?.destroy();
  });

  it('up records revision 1 of every enabled component', async () => {
    for (const component of ['observability', 'minio', 'iceberg-catalog', 'trino']) {
      const h = await history(component);
      expect(h, component).toHaveLength(1);
      expect(h[0]).toMatchObject({ revision: 1, action: 'install', status: 'deployed' });
    }
    expect((await history('trino'))[0]?.replicas).toBe(1);
    const table = await platform.runWithValues(['history', 'trino']);
    expect(table.stdout).toMatch(/REVISION.*UPDATED.*STATUS.*VERSION.*DIGEST.*ACTION.*DESCRIPTION/);
    expect(table.stdout).toMatch(/\b1\b.*deployed.*476.*install/);
    expect(await history('airflow')).toEqual([]);

    await platform.sqlJson('CREATE SCHEMA iceberg.demo');
    await platform.sqlJson('CREATE TABLE iceberg.demo.orders AS SELECT * FROM tpch.tiny.orders');
    baseline = await platform.sqlJson(DATA_QUERY);
    expect(baseline[0]?.['n']).toBe(15000);
  });

  it('upgrade --dry-run prints the plan and changes nothing; upgrade applies and verifies it', async () => {
    const memory = overlay('memory', { trino: { queryMaxMemory: '900MB' } });
    const dry = await platform.runWithValues(['upgrade', '--dry-run', '-f', memory]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('trino: revision 1 → 2');
    expect(dry.stdout).toContain('queryMaxMemory: "1GB" → "900MB"');
    expect(dry.stdout).toContain('iceberg-catalog: up to date (revision 1)');
    expect(dry.stdout).toContain('Dry run: nothing changed.');
    expect(await history('trino')).toHaveLength(1);
    expect(coordinatorConfig()).toContain('query.max-memory=1GB\n');

    const run = await timed('upgrade of one component (trino)', () =>
      platform.runWithValues(['upgrade', '-f', memory]),
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain(
      '✔ trino: revision 2 deployed (476); verified: /v1/info reports 476',
    );
    expect(coordinatorConfig()).toContain('query.max-memory=900MB\n');
    const h = await history('trino');
    expect(h.map((r) => [r.revision, r.action, r.status])).toEqual([
      [1, 'install', 'superseded'],
      [2, 'upgrade', 'deployed'],
    ]);
    await expectDataIntact();

    // A second upgrade with the same values has nothing to do.
    const again = await platform.runWithValues(['upgrade', 'trino', '-f', memory]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('trino: up to date (revision 2)');

    // `up` without the overlay keeps the deployed release and says how to apply the difference.
    const up = await platform.runWithValues(['up']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(
      'trino: env/local differs from revision 2 — run `lakehouse upgrade trino` to apply',
    );
    expect(coordinatorConfig()).toContain('query.max-memory=900MB\n');
  });

  it('a failed upgrade rolls the component back, stops, exits 1 with the reason and its log', async () => {
    const closed = await findFreePort();
    const broken = overlay('broken', {
      trino: { queryMaxMemory: '900MB' },
      icebergCatalog: { database: `postgresql://lakehouse@127.0.0.1:${closed}/catalog` },
      // A change to a later component: the failed upgrade must not reach it.
      observability: { prometheus: { retention: '14d' } },
    });
    const run = await timed('failed upgrade incl. automatic rollback to healthy', () =>
      platform.runWithValues(['upgrade', 'iceberg-catalog', 'trino', '-f', broken]),
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(1);
    expect(run.stdout).toContain('✗ iceberg-catalog revision 2 failed: wait for health failed');
    expect(run.stdout).toContain('✔ rolled back automatically: revision 3 deployed');
    expect(run.stdout).toContain("--- last lines of iceberg-catalog's log ---");
    expect(run.stdout).toContain(String(closed));
    const h = await history('iceberg-catalog');
    expect(h.map((r) => [r.revision, r.action, r.status])).toEqual([
      [1, 'install', 'superseded'],
      [2, 'upgrade', 'failed'],
      [3, 'rollback', 'deployed'],
    ]);
    expect(h[2]?.description).toContain('after revision 2 failed');
    // Observability was not named and trino was up to date: nothing else changed.
    expect((await history('trino')).length).toBe(2);
    expect((await history('observability')).length).toBe(1);
    const status = await platform.runWithValues(['status', '-o', 'json']);
    const processes = (JSON.parse(status.stdout) as { processes: Array<{ health: string }> })
      .processes;
    expect(processes.every((p) => p.health === 'healthy')).toBe(true);
    await expectDataIntact();
  });

  it('rollback to a given revision; refuses a failed or unknown one', async () => {
    const failed = await platform.runWithValues(['rollback', 'iceberg-catalog', '2']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('revision 2 of iceberg-catalog failed');
    const unknown = await platform.runWithValues(['rollback', 'iceberg-catalog', '99']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('iceberg-catalog has no revision 99');

    const dry = await platform.runWithValues(['rollback', 'iceberg-catalog', '1', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect((await history('iceberg-catalog')).length).toBe(3);

    const run = await timed('rollback of the catalog to revision 1 (to healthy + verified)', () =>
      platform.runWithValues(['rollback', 'iceberg-catalog', '1']),
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('✔ iceberg-catalog: revision 4 deployed (rollback to revision 1)');
    expect(run.stdout).toContain('loaded table demo.orders');
    const h = await history('iceberg-catalog');
    expect(h.map((r) => [r.revision, r.action, r.status]).slice(2)).toEqual([
      [3, 'rollback', 'rolled-back'],
      [4, 'rollback', 'deployed'],
    ]);
    await expectDataIntact();
  });

  it('rollback --emergency pauses trino until resume; upgrade refuses a paused component', async () => {
    const run = await timed('emergency rollback of trino (to healthy + verified)', () =>
      platform.runWithValues(['rollback', 'trino', '--emergency']),
    );
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('✔ trino: revision 3 deployed (rollback to revision 1)');
    expect(run.stdout).toContain("--- last lines of trino-coordinator's log ---");
    expect(run.stdout).toContain('reconciliation paused');
    expect(coordinatorConfig()).toContain('query.max-memory=1GB\n');

    const table = await platform.runWithValues(['status']);
    expect(table.stdout).toMatch(/trino-coordinator.*running \(paused\)/);
    expect(table.stdout).toContain('trino: reconciliation PAUSED');
    const json = JSON.parse((await platform.runWithValues(['status', '-o', 'json'])).stdout) as {
      processes: Array<{ name: string; paused: boolean }>;
      pausedComponents: string[];
    };
    expect(json.pausedComponents).toEqual(['trino']);
    expect(json.processes.filter((p) => p.name.startsWith('trino')).every((p) => p.paused)).toBe(
      true,
    );

    const refused = await platform.runWithValues(['upgrade', 'trino']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('trino is paused');

    const resume = await platform.runWithValues(['resume', 'trino']);
    expect(resume.code, resume.stderr).toBe(0);
    const after = JSON.parse((await platform.runWithValues(['status', '-o', 'json'])).stdout) as {
      processes: Array<{ name: string; paused: boolean }>;
      pausedComponents: string[];
    };
    expect(after.pausedComponents).toEqual([]);
    expect(after.processes.some((p) => p.paused)).toBe(false);
    await expectDataIntact();
  });

  it('scale trino: up by one, survives down/up, down with drain; refuses out-of-range counts', async () => {
    const bad = await platform.runWithValues(['scale', 'trino', '--workers', '9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--workers must be a whole number from 0 to 8');
    const dry = await platform.runWithValues(['scale', 'trino', '--workers', '2', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('trino workers: 1 → 2');

    // A port another program holds is named before any worker starts.
    const workerTwoPort = platform.ports['trino.workers.basePort']! + 1;
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(workerTwoPort, '127.0.0.1', r));
    const held = await platform.runWithValues(['scale', 'trino', '--workers', '2']);
    await new Promise((r) => squatter.close(r));
    expect(held.code).toBe(1);
    expect(held.stdout).toContain(
      `port ${workerTwoPort} (trino.workers.basePort, for trino worker 2) is held by another program`,
    );
    expect((await history('trino')).at(-1)).toMatchObject({ action: 'scale', status: 'failed' });
    expect(await activeWorkers()).toBe(1);

    const up = await timed('scale up by one worker (to active in system.runtime.nodes)', () =>
      platform.runWithValues(['scale', 'trino', '--workers', '2']),
    );
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(await activeWorkers()).toBe(2);
    const h = await history('trino');
    expect(h.at(-1)).toMatchObject({ action: 'scale', status: 'deployed', replicas: 2 });

    const down = await platform.run(['down'], 300_000);
    expect(down.code, down.stderr).toBe(0);
    const again = await platform.runWithValues(['up']);
    expect(again.code, again.stderr).toBe(0);
    expect(await activeWorkers()).toBe(2);
    await expectDataIntact();

    const drain = await timed('scale down by one worker (drain)', () =>
      platform.runWithValues(['scale', 'trino', '--workers', '1']),
    );
    expect(drain.code, `${drain.stdout}\n${drain.stderr}`).toBe(0);
    expect(drain.stderr).toContain('Drain trino-worker-2: drained and exited');
    expect(await activeWorkers()).toBe(1);
    const last = (await history('trino')).at(-1);
    expect(last).toMatchObject({ action: 'scale', status: 'deployed', replicas: 1 });
    const status = JSON.parse((await platform.runWithValues(['status', '-o', 'json'])).stdout) as {
      processes: Array<{ name: string }>;
    };
    expect(status.processes.map((p) => p.name)).not.toContain('trino-worker-2');
    await expectDataIntact();
  });

  it('a command killed half-way leaves its revision pending; the next one records it failed', async () => {
    const limits = overlay('limits', {
      icebergCatalog: { resources: { limits: { memory: '1Gi' } } },
    });
    const file = join(platform.home, 'releases', 'iceberg-catalog.json');
    const child = spawn(
      process.execPath,
      [cli, 'upgrade', 'iceberg-catalog', '-f', limits, '-f', platform.valuesFile],
      { cwd: repo, env: { ...process.env, LAKEHOUSE_HOME: platform.home }, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 120_000;
    while (!readFileSync(file, 'utf8').includes('"pending"')) {
      expect(Date.now() < deadline, 'the upgrade never recorded a pending revision').toBe(true);
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;
    const pending = (await history('iceberg-catalog')).at(-1);
    expect(pending).toMatchObject({ status: 'pending', action: 'upgrade' });

    // The killed command's platform lock is stale: the next command takes it over.
    const run = await platform.runWithValues(['upgrade', 'iceberg-catalog', '-f', limits]);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const h = await history('iceberg-catalog');
    expect(h.at(-2)).toMatchObject({ revision: pending?.revision, status: 'failed' });
    expect(h.at(-2)?.description).toContain('interrupted: the command applying it did not finish');
    expect(h.at(-1)).toMatchObject({
      revision: (pending?.revision ?? 0) + 1,
      status: 'deployed',
      action: 'upgrade',
    });
    await expectDataIntact();
  });
  it('secrets rotate minio: every holder restarts with new credentials, the old ones are refused, data intact', async () => {
    interface MinioCredentials {
      minio: { rootUser: string; rootPassword: string };
    }
    const file = join(platform.home, 'secrets', 'credentials.json');
    const before = JSON.parse(readFileSync(file, 'utf8')) as MinioCredentials;
    const historiesBefore = await Promise.all(
      ['observability', 'minio', 'iceberg-catalog', 'trino'].map((c) => history(c)),
    );

    const run = await timed("rotation of MinIO's credentials (4 components to verified)", () =>
      platform.runWithValues(['secrets', 'rotate', 'minio']),
    );
    const rotatedAt = Date.now();
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain(
      "Rotate MinIO's root credentials: restarts minio, iceberg-catalog, trino, observability, in this order",
    );
    expect(run.stdout).toMatch(
      /✔ MinIO's root credentials rotated: minio, iceberg-catalog, trino, observability restarted and verified; MinIO refuses the previous access key \(\w+\)/,
    );
    // Trino's verification read the table through the warehouse with the new credentials.
    expect(run.stderr).toMatch(
      /trino: restart with the new credentials.*read iceberg\.demo\.orders: 15000 rows/,
    );

    const after = JSON.parse(readFileSync(file, 'utf8')) as MinioCredentials;
    expect(after.minio.rootUser).not.toBe(before.minio.rootUser);
    expect(after.minio.rootPassword).not.toBe(before.minio.rootPassword);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    for (const secret of [before.minio.rootPassword, after.minio.rootPassword])
      expect(output).not.toContain(secret);

    // MinIO itself: the new key lists the warehouse, the old one is refused.
    const s3 = (c: MinioCredentials['minio']) =>
      new S3Client({
        endpoint: `http://127.0.0.1:${platform.ports['minio.ports.api']}`,
        region: 'us-east-1',
        forcePathStyle: true,
        maxAttempts: 1,
        credentials: { accessKeyId: c.rootUser, secretAccessKey: c.rootPassword },
      });
    const current = s3(after.minio);
    const old = s3(before.minio);
    try {
      const listed = await current.send(new ListObjectsV2Command({ Bucket: 'warehouse' }));
      expect(listed.KeyCount).toBeGreaterThan(0);
      await expect(old.send(new ListObjectsV2Command({ Bucket: 'warehouse' }))).rejects.toThrow();
    } finally {
      current.destroy();
      old.destroy();
    }

    // Reads and writes through Trino and the catalog work with the new credentials.
    await expectDataIntact();
    await platform.sqlJson('CREATE TABLE iceberg.demo.after_rotation AS SELECT 1 AS x');
    expect(await platform.sqlJson('SELECT x FROM iceberg.demo.after_rotation')).toEqual([{ x: 1 }]);
    // Prometheus scrapes MinIO with a token signed by the new credentials: a scrape after the
    // rotation succeeded.
    const prometheus = `http://127.0.0.1:${platform.ports['observability.prometheus.port']}`;
    interface ScrapeTarget {
      labels: { job: string };
      health: string;
      lastError: string;
      lastScrape: string;
    }
    const minio = await until(
      'a successful scrape of MinIO after the rotation',
      async () => {
        const res = await fetch(`${prometheus}/api/v1/targets?state=active`);
        const body = (await res.json()) as { data: { activeTargets: ScrapeTarget[] } };
        const t = body.data.activeTargets.find((x) => x.labels.job === 'minio');
        if (!t || Date.parse(t.lastScrape) <= rotatedAt) return undefined;
        if (t.health !== 'up') throw new Error(`scrape of MinIO: ${t.health}, ${t.lastError}`);
        return t;
      },
      30_000,
      1_000,
    );
    expect(minio).toMatchObject({ health: 'up', lastError: '' });

    // No release recorded: the components run the revisions they ran.
    const historiesAfter = await Promise.all(
      ['observability', 'minio', 'iceberg-catalog', 'trino'].map((c) => history(c)),
    );
    expect(historiesAfter).toEqual(historiesBefore);
  });

  it('a rotation killed half-way is named by diagnose and finished by rotating again', async () => {
    const journalFile = join(platform.home, 'releases', 'rotation.json');
    const restartedSoFar = (): string[] => {
      try {
        return (JSON.parse(readFileSync(journalFile, 'utf8')) as { restarted: string[] }).restarted;
      } catch {
        return []; // not written yet
      }
    };
    const child = spawn(
      process.execPath,
      [cli, 'secrets', 'rotate', 'minio', '-f', platform.valuesFile],
      { cwd: repo, env: { ...process.env, LAKEHOUSE_HOME: platform.home }, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 180_000;
    // Killed once MinIO took the new credentials and before the others did.
    while (!restartedSoFar().includes('minio')) {
      expect(Date.now() < deadline, 'the rotation never journaled MinIO as restarted').toBe(true);
      await sleep(20);
    }
    child.kill('SIGKILL');
    await exited;

    interface DiagnoseJson {
      exitCode: number;
      findings: Array<{ id: string; severity: string; component: string; evidence: string[] }>;
    }
    const diagnose = async (): Promise<DiagnoseJson> => {
      const r = await platform.runWithValues(['diagnose', '-o', 'json'], 300_000);
      const out = JSON.parse(r.stdout) as DiagnoseJson;
      expect(r.code, r.stderr).toBe(out.exitCode);
      return out;
    };
    const found = await diagnose();
    const interrupted = found.findings.find((f) => f.id === 'rotation-interrupted');
    expect(interrupted, JSON.stringify(found.findings, null, 2)).toMatchObject({
      severity: 'critical',
      component: 'minio',
    });
    expect(interrupted?.evidence.join('\n')).toMatch(
      /restarted with the new credentials: minio[\s\S]*not restarted: .*observability/,
    );
    expect(found.exitCode).toBe(1);
    const status = await platform.runWithValues(['status']);
    expect(status.stdout).toMatch(
      /⚠ a rotation of MinIO's root credentials \(started .*\) did not finish: .*observability still to do — `lakehouse secrets rotate minio` finishes it/,
    );

    const again = await timed('rotation finishing an interrupted one', () =>
      platform.runWithValues(['secrets', 'rotate', 'minio']),
    );
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(again.stderr).toMatch(/an earlier rotation \(started .*\) stopped before restarting/);
    expect(existsSync(journalFile)).toBe(false);
    const after = await diagnose();
    expect(after.findings.map((f) => f.id)).not.toContain('rotation-interrupted');
    expect((await platform.runWithValues(['status'])).stdout).not.toContain('rotation');
    await expectDataIntact();
  });
});
