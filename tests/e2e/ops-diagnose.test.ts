/**
 * `lakehouse diagnose` against a real platform: every fault is injected for real (a process killed
 * again and again, a stopped process, a stopped database, a full disk, a broken credential, a
 * missing catalog file, a query over its memory limit, a held port, a version that does not
 * exist), `diagnose -o json` must name it, then the fault is undone and the platform must be
 * healthy again with `diagnose` clear of it.
 *
 * The platform's catalog runs on a real PostgreSQL (so its database can be stopped) and MinIO's
 * data directory is a small tmpfs (so its disk can be filled).
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Finding } from '../../src/ops/diagnose/index.js';
import { platformLayout } from '../../src/targets/local/platform/index.js';
import { SupervisorClient, waitForHealthy } from '../../src/targets/local/supervisor/index.js';
import { isReady } from '../../src/targets/local/trino/index.js';
import { runLakehouse } from '../support/cli.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const MINIO_TMPFS_SIZE = '256m';
/** In crash loop the supervisor waits this long before the next try: time to run diagnose. */
const CRASHLOOP_DELAY_MS = '120000';

let p: TestPlatform;
let pg: TestPostgres;
let minioMount: string | null = null;
let supervisor: SupervisorClient;

interface DiagnoseJson {
  findings: Finding[];
  exitCode: number;
}

async function diagnose(...extra: string[]): Promise<DiagnoseJson> {
  return diagnoseIn(p.home, ...extra);
}

/** `diagnose` against the state directory `home` (this platform's, or a fresh one). */
async function diagnoseIn(home: string, ...extra: string[]): Promise<DiagnoseJson> {
  const r = await runLakehouse(
    home,
    ['diagnose', '-o', 'json', '-f', p.valuesFile, ...extra],
    300_000,
  );
  expect(r.stderr).not.toMatch(/internal error/);
  const out = JSON.parse(r.stdout) as DiagnoseJson;
  expect(r.code, r.stderr).toBe(out.exitCode);
  return out;
}

const ids = (d: DiagnoseJson): string[] => d.findings.map((f) => f.id);
const critical = (d: DiagnoseJson): Finding[] =>
  d.findings.filter((f) => f.severity === 'critical');
const find = (d: DiagnoseJson, id: string, proc?: string): Finding | undefined =>
  d.findings.find((f) => f.id === id && (proc === undefined || f.process === proc));

/** Runs diagnose until `id` shows (a fault can take a health-check interval to be seen). */
async function diagnoseUntil(id: string, timeoutMs = 240_000): Promise<DiagnoseJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await diagnose();
    if (ids(d).includes(id) || Date.now() > deadline) return d;
    await sleep(2_000);
  }
}

async function expectHealthy(): Promise<DiagnoseJson> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const d = await diagnose();
    if (d.exitCode === 0 || Date.now() > deadline) {
      expect(critical(d), JSON.stringify(d.findings, null, 2)).toEqual([]);
      expect(d.exitCode).toBe(0);
      return d;
    }
    await sleep(2_000);
  }
}

async function pidOf(name: string): Promise<number> {
  const s = (await supervisor.status()).find((x) => x.name === name);
  if (!s?.pid) throw new Error(`${name} has no pid`);
  return s.pid;
}

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(250);
  }
}

const trinoNodes = ['trino-coordinator', 'trino-worker-1'];
const icebergProperties = (node: string): string =>
  join(platformLayout(p.home).trinoNode(node), 'etc', 'catalog', 'iceberg.properties');

/** Restarts Trino's processes through the supervisor, as a crash or a node reboot would. */
async function restartTrinoBySupervisor(nodes: string[]): Promise<void> {
  await Promise.all(nodes.map((n) => supervisor.restart(n)));
  await waitForHealthy(supervisor, nodes, 300_000);
  // /v1/info answers before the coordinator has finished starting: wait until it runs queries.
  const coordinator = `http://127.0.0.1:${p.ports['trino.coordinator.port']}`;
  await waitUntil('Trino answers SELECT 1', () => isReady(coordinator), 300_000);
}

/** A query with session properties, straight over Trino's REST protocol; resolves to its error. */
async function trinoQueryError(sql: string, session: string): Promise<string | null> {
  const base = `http://127.0.0.1:${p.ports['trino.coordinator.port']}`;
  const headers = { 'X-Trino-User': 'e2e', 'X-Trino-Session': session };
  let res = await fetch(`${base}/v1/statement`, { method: 'POST', headers, body: sql });
  for (;;) {
    const page = (await res.json()) as { nextUri?: string; error?: { errorName?: string } };
    if (page.error) return page.error.errorName ?? 'unknown';
    if (!page.nextUri) return null;
    res = await fetch(page.nextUri, { headers });
  }
}

beforeAll(async () => {
  // Read by the supervisor that `up` starts (src/targets/local/supervisor/settings.ts).
  process.env['LAKEHOUSE_SUPERVISOR_BACKOFF_MAX_MS'] = CRASHLOOP_DELAY_MS;
  pg = await startPostgres();
  p = await createTestPlatform({
    name: 'diagnose',
    values: { icebergCatalog: { database: pg.url } },
  });
  supervisor = SupervisorClient.forStateDir(p.home);
  const minioData = platformLayout(p.home).minioData;
  mkdirSync(minioData, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MINIO_TMPFS_SIZE}`, 'tmpfs', minioData]);
  minioMount = minioData;
  const up = await p.runWithValues(['up']);
  expect(up.code, up.stderr).toBe(0);
  await p.sqlJson('CREATE SCHEMA IF NOT EXISTS iceberg.diag');
  await p.sqlJson('CREATE TABLE iceberg.diag.orders AS SELECT * FROM tpch.tiny.orders');
}, 900_000);

afterAll(async () => {
  if (p) await p.run(['down'], 180_000);
  if (minioMount) execFileSync('umount', [minioMount]);
  if (p) await p.destroy();
  if (pg) await pg.stop();
  delete process.env['LAKEHOUSE_SUPERVISOR_BACKOFF_MAX_MS'];
}, 300_000);

describe('lakehouse diagnose', () => {
  it('finds nothing critical on a healthy platform and exits 0', async () => {
    const d = await diagnose();
    expect(critical(d)).toEqual([]);
    expect(d.exitCode).toBe(0);
    const text = await p.run(['diagnose', '-f', p.valuesFile]);
    expect(text.code).toBe(0);
    // A scope may be a component, its alias or a process; anything else is named.
    expect((await p.run(['diagnose', 'catalog', '-f', p.valuesFile])).code).toBe(0);
    expect((await p.run(['diagnose', 'trino-worker-1', '-f', p.valuesFile])).code).toBe(0);
    const unknown = await p.run(['diagnose', 'trinoo', '-f', p.valuesFile]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown component or process "trinoo"');
    expect(unknown.stderr).toContain('trino-worker-1');
  });

  it('Pending: heaps larger than the memory available (from a -f overlay)', async () => {
    const overlay = join(p.home, 'huge-heap.yaml');
    writeFileSync(overlay, stringify({ trino: { workers: { heap: '512G' } } }));
    const d = await diagnose('-f', overlay);
    const f = find(d, 'insufficient-memory');
    expect(f, JSON.stringify(d.findings)).toBeDefined();
    expect(f?.severity).toBe('critical');
    expect(f?.title).toMatch(/Pending/);
    expect(f?.title).toContain('trino-worker-1');
    expect(d.exitCode).toBe(1);
    // Without the overlay the same platform has nothing to say about memory.
    expect(ids(await diagnose())).not.toContain('insufficient-memory');
  });

  it('Trino out of memory: a query over its memory limit', async () => {
    const error = await trinoQueryError(
      'SELECT orderkey, count(*) FROM tpch.sf1.lineitem GROUP BY orderkey ORDER BY 2 DESC LIMIT 5',
      'query_max_memory=1MB',
    );
    expect(error).toMatch(/MEMORY/);
    const d = await diagnoseUntil('trino-out-of-memory');
    const f = find(d, 'trino-out-of-memory');
    expect(f, JSON.stringify(d.findings)).toBeDefined();
    expect(f?.evidence.join('\n')).toContain(error ?? '');
    expect(f?.fix).toMatch(/trino\.queryMaxMemory|scale trino/);
    // The failed query is history (listed for 15 minutes); the platform itself is fine.
    expect(critical(d)).toEqual([]);
    expect(await p.sqlJson('SELECT count(*) AS n FROM iceberg.diag.orders')).toEqual([
      { n: 15000 },
    ]);
  });

  it('service not accessible: the catalog stopped with SIGSTOP', async () => {
    const pid = await pidOf('iceberg-catalog');
    process.kill(pid, 'SIGSTOP');
    try {
      await waitUntil('the supervisor sees the catalog unhealthy', async () =>
        (await supervisor.status()).some((s) => s.name === 'iceberg-catalog' && !s.healthy),
      );
      const d = await diagnoseUntil('service-not-accessible');
      const f = find(d, 'service-not-accessible', 'iceberg-catalog');
      expect(f, JSON.stringify(d.findings)).toBeDefined();
      expect(f?.title).toMatch(/service not accessible/);
      expect(f?.evidence.join('\n')).toContain(`pid ${pid} is alive but stopped by a signal`);
      expect(f?.fix).toContain(`kill -CONT ${pid}`);
      expect(d.exitCode).toBe(1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const d = await expectHealthy();
    expect(ids(d)).not.toContain('service-not-accessible');
  }, 300_000);

  it('catalog database unreachable: PostgreSQL stopped, then started again', async () => {
    await pg.halt();
    try {
      const d = await diagnoseUntil('catalog-database-unreachable');
      const f = find(d, 'catalog-database-unreachable');
      expect(f, JSON.stringify(d.findings)).toBeDefined();
      expect(f?.evidence[0]).toMatch(/readyz answered 503: database: /);
    } finally {
      await pg.resume();
    }
    const d = await expectHealthy();
    expect(ids(d)).not.toContain('catalog-database-unreachable');
  }, 300_000);

  it("MinIO disk full: its data directory's file system filled up", async () => {
    const filler = join(platformLayout(p.home).minioData, 'e2e-filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(1 << 20, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    try {
      const d = await diagnoseUntil('minio-write-failed');
      const f = find(d, 'minio-write-failed');
      expect(f, JSON.stringify(d.findings)).toBeDefined();
      expect(f?.title).toMatch(/disk full/);
      expect(f?.evidence.join('\n')).toMatch(/XMinioStorageFull|free drive threshold/);
      expect(ids(d)).toContain('minio-disk-full');
    } finally {
      rmSync(filler, { force: true });
    }
    const d = await expectHealthy();
    expect(ids(d)).not.toContain('minio-write-failed');
    expect(ids(d)).not.toContain('minio-disk-full');
  }, 300_000);

  it('Trino "S3 access denied" and "Catalog not found", fixed by lakehouse restart trino', async () => {
    // Every node's iceberg catalog on a wrong static MinIO key instead of vended credentials.
    for (const node of trinoNodes) {
      const file = icebergProperties(node);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^iceberg\.rest-catalog\.vended-credentials-enabled=true$/m);
      writeFileSync(
        file,
        text.replace(
          /^iceberg\.rest-catalog\.vended-credentials-enabled=true$/m,
          's3.aws-access-key=wrong-key\ns3.aws-secret-key=wrong-secret',
        ),
      );
    }
    await restartTrinoBySupervisor(trinoNodes);
    let d = await diagnoseUntil('trino-s3-access-denied');
    let f = find(d, 'trino-s3-access-denied');
    expect(f, JSON.stringify(d.findings)).toBeDefined();
    expect(f?.evidence[0]).toContain('iceberg.diag.orders');
    expect(f?.fix).toContain('lakehouse restart trino');

    // And the coordinator without its iceberg catalog file.
    rmSync(icebergProperties('trino-coordinator'));
    await restartTrinoBySupervisor(['trino-coordinator']);
    d = await diagnoseUntil('trino-catalog-not-found');
    f = find(d, 'trino-catalog-not-found');
    expect(f, JSON.stringify(d.findings)).toBeDefined();
    expect(f?.evidence[0]).toMatch(/SHOW CATALOGS lists: .*tpch/);
    expect(f?.evidence[0]).not.toContain('iceberg');

    const restart = await p.runWithValues(['restart', 'trino']);
    expect(restart.code, restart.stderr).toBe(0);
    d = await expectHealthy();
    expect(ids(d)).not.toContain('trino-s3-access-denied');
    expect(ids(d)).not.toContain('trino-catalog-not-found');
    expect(await p.sqlJson('SELECT count(*) AS n FROM iceberg.diag.orders')).toEqual([
      { n: 15000 },
    ]);
  }, 900_000);

  it('CrashLoopBackOff: the catalog killed again and again, fixed by lakehouse restart', async () => {
    let lastPid = await pidOf('iceberg-catalog');
    for (let kill = 1; kill <= 5; kill++) {
      process.kill(lastPid, 'SIGKILL');
      if (kill === 5) break;
      const killed = lastPid;
      await waitUntil(
        `the supervisor restarts the catalog (kill ${kill})`,
        async () => {
          const s = (await supervisor.status()).find((x) => x.name === 'iceberg-catalog');
          return s?.pid !== null && s?.pid !== undefined && s.pid !== killed;
        },
        60_000,
      );
      lastPid = await pidOf('iceberg-catalog');
    }
    await waitUntil('the catalog is in crash loop', async () =>
      (await supervisor.status()).some(
        (s) => s.name === 'iceberg-catalog' && s.state === 'crashloop',
      ),
    );
    const d = await diagnose();
    const f = find(d, 'crashloop', 'iceberg-catalog');
    expect(f, JSON.stringify(d.findings)).toBeDefined();
    expect(f?.title).toMatch(/CrashLoopBackOff/);
    expect(f?.evidence[0]).toMatch(
      /state crashloop after \d+ restarts; last exit: killed by SIGKILL/,
    );
    expect(f?.evidence.join('\n')).toMatch(/crash loop: 5 failures/);
    expect(f?.fix).toContain('lakehouse restart iceberg-catalog');
    expect(d.exitCode).toBe(1);

    const restart = await p.runWithValues(['restart', 'iceberg-catalog']);
    expect(restart.code, restart.stderr).toBe(0);
    const after = await expectHealthy();
    expect(ids(after)).not.toContain('crashloop');
  }, 300_000);

  it('Pending: a port held by another process; ImagePullBackOff: a Trino version that does not exist', async () => {
    const down = await p.run(['down'], 180_000);
    expect(down.code, down.stderr).toBe(0);
    const port = p.ports['icebergCatalog.port'] as number;
    const listener: Server = createServer();
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
    try {
      const d = await diagnose();
      expect(find(d, 'platform-down')).toBeDefined();
      const f = find(d, 'port-held');
      expect(f, JSON.stringify(d.findings)).toBeDefined();
      expect(f?.title).toContain(`port ${port} (icebergCatalog.port)`);
      expect(f?.title).toMatch(/Pending/);
      expect(f?.evidence[0]).toContain(`pid ${process.pid} (`);
      expect(f?.fix).toContain(`kill ${process.pid}`);
      const up = await p.runWithValues(['up']);
      expect(up.code).toBe(1);
      expect(up.stderr).toContain(`port ${port} (icebergCatalog.port, for iceberg catalog)`);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
    expect(ids(await diagnose())).not.toContain('port-held');

    // A first install of a Trino release that does not exist, in a state directory of its own:
    // this platform's `up` runs its deployed release (476) and only hints at the environment's
    // newer version, which `lakehouse upgrade` would apply.
    const missing = join(p.home, 'trino-999.yaml');
    writeFileSync(missing, stringify({ trino: { version: '999' } }));
    const fresh = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-diagnose-fresh-'));
    try {
      const failed = await runLakehouse(fresh, ['up', '-f', p.valuesFile, '-f', missing], 900_000);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/Trino server 999/);
      const d = await diagnoseIn(fresh, '-f', missing);
      const f = find(d, 'not-installed');
      expect(f, JSON.stringify(d.findings)).toBeDefined();
      expect(f?.component).toBe('trino');
      expect(f?.title).toBe('Trino 999 server is not installed (ImagePullBackOff)');
      expect(f?.evidence.join('\n')).toMatch(
        /install step "Trino 999 server" failed at .*trino-server:999/,
      );
      expect(f?.fix).toContain('trino.version');
    } finally {
      await runLakehouse(fresh, ['down', '--purge', '--yes'], 180_000);
      rmSync(fresh, { recursive: true, force: true });
    }

    const up = await p.runWithValues(['up']);
    expect(up.code, up.stderr).toBe(0);
    const after = await expectHealthy();
    expect(ids(after)).not.toContain('not-installed');
    expect(ids(after)).not.toContain('install-failed');
    expect(await p.sqlJson('SELECT count(*) AS n FROM iceberg.diag.orders')).toEqual([
      { n: 15000 },
    ]);
  }, 900_000);
});
