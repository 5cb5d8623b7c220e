// `npm run bench:catalog`: loadTable and commit throughput and p50/p99 latency at several
// concurrencies, against our catalog and Apache Iceberg's REST server, in one run on one machine.
// Each server is started on a free loopback port with a SQLite file and a local warehouse in a
// temp dir, set up with the same tables, measured cell by cell (only one server runs at a time),
// and stopped. Prints a side-by-side table and writes bench/catalog/results/<timestamp>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { findFreePort } from '../../src/lib/index.js';
import { startLakehouse } from './lakehouse.js';
import { runClosedLoop, type RequestFn } from './load.js';
import {
  checkJava,
  checkRunnableJar,
  defaultCacheDir,
  ensurePeerJar,
  PeerSetupError,
  PEER_VERSION,
  startPeer,
  type JavaInfo,
} from './peer.js';
import { renderCpu, renderFailures, renderTable, summarize, type CellResult } from './report.js';
import type { RunningServer } from './server.js';
import {
  commitRequest,
  discover,
  inspectTable,
  loadTableRequest,
  setupTables,
  type BenchTable,
  type CatalogEndpoint,
} from './workload.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'catalog', 'results');
const NAMESPACE = 'bench';
const OPS = ['load', 'commit'] as const;
type Op = (typeof OPS)[number];
const SERVERS = { lakehouse: 'lakehouse', peer: 'iceberg-rest' } as const;
type ServerKey = keyof typeof SERVERS;

const USAGE = `usage: npm run bench:catalog -- [options]

  --duration <s>        measured seconds per cell            (BENCH_DURATION, default 10)
  --warmup <s>          unrecorded seconds before each cell  (BENCH_WARMUP, default 2)
  --server-warmup <s>   loadTable warm-up per server, after setup (BENCH_SERVER_WARMUP, default 5)
  --concurrency <list>  concurrent clients, e.g. 1,8,32      (BENCH_CONCURRENCY, default 1,8,32)
  --ops <list>          load,commit                          (BENCH_OPS, default load,commit)
  --only <server>       lakehouse | peer                     (BENCH_ONLY, default both)
  --tables <n>          tables to create (raised to the top concurrency) (BENCH_TABLES, default 32)
  --snapshots <n>       snapshots per table                  (BENCH_SNAPSHOTS, default 5)
  --peer-jar <path>     use this iceberg-open-api jar instead of fetching it (BENCH_PEER_JAR)
  --keep                keep the temp dir (databases, warehouses, server logs)
  -h, --help

Durations take seconds ("10", "2.5", "10s") or milliseconds ("500ms").
Extra JVM options for the peer: BENCH_PEER_JAVA_OPTS. Jar cache: LAKEHOUSE_BENCH_CACHE.`;

class UsageError extends Error {}

function parseSeconds(flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(v.trim());
  if (!m) throw new UsageError(`${flag}: expected seconds like 10 or 500ms, got "${v}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : n * 1000;
}

function parsePositiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a positive integer, got "${v}"`);
  return n;
}

interface Config {
  durationMs: number;
  warmupMs: number;
  serverWarmupMs: number;
  concurrency: number[];
  ops: Op[];
  servers: ServerKey[];
  tables: number;
  snapshots: number;
  peerJar: string | undefined;
  keep: boolean;
}

function parseConfig(argv: string[]): Config | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'server-warmup': { type: 'string' },
      concurrency: { type: 'string' },
      ops: { type: 'string' },
      only: { type: 'string' },
      tables: { type: 'string' },
      snapshots: { type: 'string' },
      'peer-jar': { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  const env = process.env;
  const pick = (flag: string | undefined, name: string, dflt: string): string =>
    flag ?? env[name] ?? dflt;

  const concurrency = pick(values.concurrency, 'BENCH_CONCURRENCY', '1,8,32')
    .split(',')
    .map((s) => parsePositiveInt('--concurrency', s.trim()));
  const ops = pick(values.ops, 'BENCH_OPS', OPS.join(','))
    .split(',')
    .map((s) => s.trim());
  for (const op of ops) {
    if (!(OPS as readonly string[]).includes(op)) {
      throw new UsageError(`--ops: unknown op "${op}" (known: ${OPS.join(', ')})`);
    }
  }
  const only = values.only ?? env.BENCH_ONLY;
  let servers: ServerKey[] = ['lakehouse', 'peer'];
  if (only) {
    if (only !== 'lakehouse' && only !== 'peer') {
      throw new UsageError(`--only: expected lakehouse or peer, got "${only}"`);
    }
    servers = [only];
  }
  const maxConcurrency = Math.max(...concurrency);
  return {
    durationMs: parseSeconds('--duration', pick(values.duration, 'BENCH_DURATION', '10')),
    warmupMs: parseSeconds('--warmup', pick(values.warmup, 'BENCH_WARMUP', '2')),
    serverWarmupMs: parseSeconds(
      '--server-warmup',
      pick(values['server-warmup'], 'BENCH_SERVER_WARMUP', '5'),
    ),
    concurrency,
    ops: ops as Op[],
    servers,
    // Every commit worker gets a table of its own, so never fewer tables than workers.
    tables: Math.max(
      maxConcurrency,
      parsePositiveInt('--tables', pick(values.tables, 'BENCH_TABLES', '32')),
    ),
    snapshots: parsePositiveInt('--snapshots', pick(values.snapshots, 'BENCH_SNAPSHOTS', '5')),
    peerJar: values['peer-jar'] ?? env.BENCH_PEER_JAR,
    keep: values.keep ?? false,
  };
}

/** Clock ticks per second for /proc/<pid>/stat times. */
const CLK_TCK = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** CPU seconds (user + system) a process has used so far, from /proc; undefined off Linux. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine (all cores, everything but idle and iowait). */
function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...ticks] = line.trim().split(/\s+/);
    const v = ticks.map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // up to steal; guest is inside user
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return (total - idle) / CLK_TCK;
  } catch {
    return undefined;
  }
}

function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function fmtMs(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : '—';
}

/**
 * Formats JSON the way the repo's Prettier would, so results left in the tree do not trip
 * `prettier --check .`. Prettier is a dev dependency: without it the JSON is written as is.
 */
async function asPrettierJson(text: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { parser: 'json' });
  } catch {
    return text;
  }
}

/** Facts about the machine, printed and saved with the results. */
function machineFacts(java: JavaInfo | undefined): Record<string, unknown> {
  const cpuList = cpus();
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    loadAverage: loadavg().map((v) => +v.toFixed(2)),
    os: `${process.platform} ${release()}`,
    node: process.version,
    java: java?.description ?? 'not used',
    gitCommit: git.status === 0 ? git.stdout.trim() : 'unknown',
  };
}

interface ServerRecord {
  key: ServerKey;
  name: string;
  version?: string;
  store?: string;
  warehouse?: string;
  prefix?: string | null;
  setupMs?: number;
  tables?: number;
  snapshotsPerTable?: number;
  loadTableResponseBytes?: number;
  /** State of table 0 after the cells: the commits' properties, metadata-log length. */
  afterCells?: {
    table: string;
    snapshots: number;
    metadataLogEntries: number;
    lastWriter: string | null;
    loadTableResponseBytes: number;
  };
  error?: string;
}

/** Stop whatever is running when the run is interrupted. */
const running = new Set<RunningServer>();
let tempDir: string | undefined;
let keepTemp = false;

async function cleanup(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop().catch(() => undefined)));
  running.clear();
  if (tempDir && !keepTemp) rmSync(tempDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the servers…\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** A server that is up, set up and warmed, ready for its cells. */
interface Prepared {
  key: ServerKey;
  server: RunningServer;
  ep: CatalogEndpoint;
  tables: BenchTable[];
}

/** Starts one server on a free loopback port, creates the tables and warms it up. */
async function prepareServer(
  key: ServerKey,
  cfg: Config,
  dir: string,
  start: (port: number, dir: string) => Promise<RunningServer>,
  record: ServerRecord,
): Promise<Prepared> {
  const serverDir = join(dir, key);
  mkdirSync(serverDir, { recursive: true });
  const port = await findFreePort('127.0.0.1');
  console.log(`\n▶ ${SERVERS[key]}: starting on 127.0.0.1:${port}`);
  const server = await start(port, serverDir);
  running.add(server);
  record.version = server.version;
  record.store = server.store;
  record.warehouse = server.warehouse;
  const ep: CatalogEndpoint = await discover(server.baseUrl);
  record.prefix = ep.prefix ?? null;
  console.log(`  version:   ${server.version}`);
  console.log(`  store:     ${server.store}`);
  console.log(`  warehouse: ${server.warehouse}`);
  console.log(`  routes:    ${ep.root} (prefix from /v1/config: ${ep.prefix ?? 'none'})`);

  const t0 = performance.now();
  const tables: BenchTable[] = await setupTables(ep, NAMESPACE, cfg.tables, cfg.snapshots);
  record.setupMs = Math.round(performance.now() - t0);
  record.tables = tables.length;
  record.snapshotsPerTable = cfg.snapshots;
  record.loadTableResponseBytes = tables[0]?.metadataBytes;
  console.log(
    `  setup:     ${tables.length} tables × ${cfg.snapshots} snapshots in ${record.setupMs} ms; loadTable response ${record.loadTableResponseBytes} bytes`,
  );

  if (cfg.serverWarmupMs > 0) {
    // Lets a JIT (the JVM's, V8's) compile the hot paths before anything is recorded.
    const w = await runClosedLoop({
      concurrency: 8,
      warmupMs: 0,
      durationMs: cfg.serverWarmupMs,
      request: loadTableRequest(ep, NAMESPACE, tables),
    });
    console.log(
      `  warm-up:   ${w.requests} loadTable requests in ${(cfg.serverWarmupMs / 1000).toFixed(1)} s (not recorded)`,
    );
  }
  return { key, server, ep, tables };
}

/** Measures one cell: one op at one concurrency against one prepared server. */
async function runCell(p: Prepared, op: Op, concurrency: number, cfg: Config): Promise<CellResult> {
  const request: RequestFn =
    op === 'load'
      ? loadTableRequest(p.ep, NAMESPACE, p.tables)
      : commitRequest(p.ep, NAMESPACE, p.tables);
  // CPU used over the measured window by the server, by this process (the load generator) and by
  // everything else on the machine: on a small, shared machine they compete for the same cores.
  let from: { at: number; server?: number; client: number; machine?: number } | undefined;
  const mark = setTimeout(() => {
    from = {
      at: performance.now(),
      server: processCpuSeconds(p.server.pid),
      client: selfCpuSeconds(),
      machine: machineBusySeconds(),
    };
  }, cfg.warmupMs);
  const r = await runClosedLoop({
    concurrency,
    warmupMs: cfg.warmupMs,
    durationMs: cfg.durationMs,
    request,
  });
  clearTimeout(mark);
  let cpu: CellResult['cpuCores'];
  if (from) {
    const wall = (performance.now() - from.at) / 1000;
    const serverUsed = delta(processCpuSeconds(p.server.pid), from.server);
    const clientUsed = selfCpuSeconds() - from.client;
    const machineUsed = delta(machineBusySeconds(), from.machine);
    const cores = (v: number | undefined) => (v === undefined ? undefined : +(v / wall).toFixed(2));
    cpu = {
      server: cores(serverUsed),
      client: cores(clientUsed) ?? 0,
      other:
        machineUsed !== undefined && serverUsed !== undefined
          ? cores(Math.max(0, machineUsed - serverUsed - clientUsed))
          : undefined,
    };
  }
  const cell: CellResult = {
    server: SERVERS[p.key],
    op,
    concurrency,
    durationMs: Math.round(r.measuredMs),
    requests: r.requests,
    ok: r.ok,
    conflicts: r.conflicts,
    errors: r.errors,
    errorKinds: r.failureKinds,
    errorSamples: r.failureSamples,
    throughput: r.ok / (r.measuredMs / 1000),
    latencyMs: summarize(r.latenciesMs),
    cpuCores: cpu,
  };
  const l = cell.latencyMs;
  console.log(
    `  ${cell.server.padEnd(12)} ${op.padEnd(6)} conc=${String(concurrency).padEnd(3)} ${cell.throughput.toFixed(1).padStart(8)} req/s  p50 ${fmtMs(l.p50)}  p99 ${fmtMs(l.p99)}  max ${fmtMs(l.max)} ms  ok ${cell.ok}  err ${cell.errors}  409 ${cell.conflicts}  cpu server/client/other ${cpu?.server ?? '?'}/${cpu?.client ?? '?'}/${cpu?.other ?? '?'}`,
  );
  return cell;
}

function delta(now: number | undefined, before: number | undefined): number | undefined {
  return now === undefined || before === undefined ? undefined : now - before;
}

async function main(): Promise<number> {
  let cfg: Config | undefined;
  try {
    cfg = parseConfig(process.argv.slice(2));
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`✗ ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (!cfg) {
    console.log(USAGE);
    return 0;
  }
  keepTemp = cfg.keep;

  // The peer's prerequisites first, so a missing Java or Maven fails in seconds, not minutes.
  let java: JavaInfo | undefined;
  let peerJar: string | undefined;
  let peerMain: string | undefined;
  if (cfg.servers.includes('peer')) {
    try {
      java = checkJava();
      peerJar = cfg.peerJar ?? ensurePeerJar(defaultCacheDir(), (l) => console.log(l));
      peerMain = await checkRunnableJar(peerJar);
    } catch (err) {
      if (err instanceof PeerSetupError) {
        console.error(`✗ ${err.message}`);
        return 1;
      }
      throw err;
    }
  }

  const machine = machineFacts(java);
  const startedAt = new Date();
  tempDir = mkdtempSync(join(tmpdir(), 'lakehouse-bench-'));
  const perCell = (cfg.warmupMs + cfg.durationMs) / 1000;
  console.log('Lakehouse catalog benchmark');
  console.log(
    `  machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, ${machine.os}, load avg ${(machine.loadAverage as number[]).join(' ')}`,
  );
  console.log(`  node ${machine.node}; java ${machine.java}`);
  if (peerJar)
    console.log(`  peer: iceberg-open-api ${PEER_VERSION} (${peerJar}, Main-Class ${peerMain})`);
  console.log(
    `  cells: ops ${cfg.ops.join(',')} × concurrency ${cfg.concurrency.join(',')} × ${cfg.servers.map((s) => SERVERS[s]).join(', ')}; ${cfg.warmupMs / 1000} s warm-up + ${cfg.durationMs / 1000} s measured each (~${Math.ceil(perCell * cfg.ops.length * cfg.concurrency.length * cfg.servers.length)} s of load)`,
  );
  console.log(`  client: Node fetch (undici, keep-alive), closed loop, in this process`);
  console.log(`  temp dir: ${tempDir}${cfg.keep ? ' (kept)' : ' (removed at the end)'}`);

  const cells: CellResult[] = [];
  const records: ServerRecord[] = [];
  const prepared: Prepared[] = [];
  for (const key of cfg.servers) {
    const record: ServerRecord = { key, name: SERVERS[key] };
    records.push(record);
    const start =
      key === 'lakehouse'
        ? (port: number, dir: string) => startLakehouse({ root: ROOT, port, dir })
        : (port: number, dir: string) =>
            startPeer({
              jar: peerJar as string,
              port,
              dir,
              java: java as JavaInfo,
              mainClass: peerMain as string,
              javaOpts: (process.env.BENCH_PEER_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean),
            });
    try {
      prepared.push(await prepareServer(key, cfg, tempDir, start, record));
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      console.error(`✗ ${SERVERS[key]}: ${record.error}`);
    }
  }

  // Cells are interleaved — each (op, concurrency) runs against every server back to back, the
  // order alternating from cell to cell — so whatever else loads the machine meanwhile falls on
  // both servers alike. Both servers stay up; the idle one only waits.
  if (prepared.length) console.log('\n▶ cells');
  let n = 0;
  for (const op of cfg.ops) {
    for (const concurrency of cfg.concurrency) {
      const order = n++ % 2 === 0 ? prepared : [...prepared].reverse();
      for (const p of order) {
        try {
          cells.push(await runCell(p, op, concurrency, cfg));
        } catch (err) {
          const record = records.find((r) => r.key === p.key);
          const message = err instanceof Error ? err.message : String(err);
          if (record) record.error = `${op} conc=${concurrency}: ${message}`;
          console.error(`✗ ${SERVERS[p.key]} ${op} conc=${concurrency}: ${message}`);
        }
      }
    }
  }
  // A check that the work was real: after the commit cells, table 0 must carry the properties the
  // last commit set, and still have its snapshots.
  for (const p of prepared) {
    const record = records.find((r) => r.key === p.key);
    const first = p.tables[0];
    if (!record || !first) continue;
    try {
      const t = await inspectTable(p.ep, NAMESPACE, first.name);
      record.afterCells = {
        table: first.name,
        snapshots: t.snapshots,
        metadataLogEntries: t.metadataLogEntries,
        lastWriter: t.properties['bench.last-writer'] ?? null,
        loadTableResponseBytes: t.responseBytes,
      };
      const problems: string[] = [];
      if (t.snapshots !== cfg.snapshots)
        problems.push(`${t.snapshots} snapshots, expected ${cfg.snapshots}`);
      if (cfg.ops.includes('commit') && !t.properties['bench.last-writer']) {
        problems.push("the commits' property bench.last-writer is missing");
      }
      if (problems.length) {
        record.error = `check after the cells failed on ${first.name}: ${problems.join('; ')}`;
        console.error(`✗ ${record.name}: ${record.error}`);
      }
    } catch (err) {
      record.error = `check after the cells failed: ${err instanceof Error ? err.message : String(err)}`;
      console.error(`✗ ${record.name}: ${record.error}`);
    }
  }
  await cleanup();

  const names = cfg.servers.map((s) => SERVERS[s]);
  const table = renderTable(cells, names);
  const failures = renderFailures(cells);
  console.log(
    '\nResults (req/s = successful requests per second; latency in ms, exact percentiles)',
  );
  for (const r of records) {
    console.log(
      `  ${r.name}: ${r.error ? 'FAILED — see above' : `${r.version}; store: ${r.store}`}`,
    );
    const a = r.afterCells;
    if (a) {
      console.log(
        `    after the cells, ${a.table}: ${a.snapshots} snapshots, last commit by ${a.lastWriter ?? '(none)'}, metadata-log ${a.metadataLogEntries} entries, loadTable ${a.loadTableResponseBytes} bytes`,
      );
    }
  }
  console.log('');
  console.log(cells.length ? table : '(no cell was measured)');
  if (cells.length) {
    console.log(
      `\nCPU used over each measured window, in cores of ${machine.cores} (server/client/other; other = the rest of the machine):`,
    );
    console.log(renderCpu(cells, names));
  }
  if (failures.length) {
    console.log('\nFailures (errs column: errors, +Nc = HTTP 409 conflicts):');
    for (const line of failures) console.log(`  ${line}`);
  }

  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const output = {
    benchmark: 'catalog',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: {
      durationMs: cfg.durationMs,
      warmupMs: cfg.warmupMs,
      serverWarmupMs: cfg.serverWarmupMs,
      concurrency: cfg.concurrency,
      ops: cfg.ops,
      tables: cfg.tables,
      snapshotsPerTable: cfg.snapshots,
      client: 'node fetch (undici), keep-alive, closed loop, same process',
      percentiles: 'exact, nearest-rank over all successful requests of the cell',
    },
    machine,
    servers: records,
    cells,
    table,
  };
  writeFileSync(file, await asPrettierJson(`${JSON.stringify(output, null, 2)}\n`));
  console.log(`\nwrote ${relative(process.cwd(), file)}`);

  const failed = records.filter((r) => r.error);
  if (failed.length) {
    console.error(`✗ not measured: ${failed.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    console.error(`✗ ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exitCode = 1;
  },
);
