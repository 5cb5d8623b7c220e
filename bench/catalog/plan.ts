// `npm run bench:plan`: how long scan planning of a 1,000-file table takes, done by our catalog
// (server-side planTableScan over HTTP, followed to every file scan task) and by pyiceberg locally
// (`table.scan(...).plan_files()` against the same catalog and table, timed inside Python with the
// table load apart). Our catalog runs on a free loopback port with a SQLite file and a local
// warehouse in a temp dir; the table is made by bench/catalog/plan_setup.py (tiny Parquet files
// committed by fast appends, one manifest per commit). Prints a side-by-side table.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensurePythonEnv } from '../../src/platform/install/index.js';
import { findFreePort } from '../../src/lib/index.js';
import { PythonScript } from '../../tests/support/python.js';
import { planScan, type PlannedTask, type PlanOptions } from '../../tests/support/scan-planning.js';
import { startLakehouse } from './lakehouse.js';
import { percentile } from './report.js';
import type { RunningServer } from './server.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NAMESPACE = 'bench';
const TABLE = 'plan_files';
const POLL_MS = 5;

const USAGE = `usage: npm run bench:plan -- [options]

  --files <n>       data files in the table           (default 1000)
  --per-commit <n>  files per fast-append commit       (default 10: 100 manifests for 1000 files)
  --runs <n>        measured plans per cell            (default 20)
  --warmup <n>      unrecorded plans before each cell  (default 3)
  --keep            keep the temp dir (database, warehouse, log)
  -h, --help`;

interface Config {
  files: number;
  perCommit: number;
  runs: number;
  warmup: number;
  keep: boolean;
}

function positive(flag: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`${flag}: expected an integer ≥ ${min}, got "${v}"\n\n${USAGE}`);
  }
  return n;
}

function config(): Config | undefined {
  const { values } = parseArgs({
    options: {
      files: { type: 'string' },
      'per-commit': { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  return {
    files: positive('--files', values.files, 1000),
    perCommit: positive('--per-commit', values['per-commit'], 10),
    runs: positive('--runs', values.runs, 20),
    warmup: positive('--warmup', values.warmup, 3, 0),
    keep: values.keep,
  };
}

interface Case {
  name: string;
  /** The REST spec's Expression JSON; `true` plans everything. */
  filter: unknown;
}

/** Files hold ROWS consecutive ids each (plan_setup.py), so the range below keeps ~1% of them. */
function cases(files: number, rowsPerFile: number): Case[] {
  const from = Math.floor(files / 2) * rowsPerFile;
  const to = from + Math.max(1, Math.floor(files / 100)) * rowsPerFile;
  return [
    { name: 'no filter', filter: true },
    {
      name: `id in [${from}, ${to})`,
      filter: {
        type: 'and',
        left: { type: 'gt-eq', left: { type: 'reference', name: 'id' }, right: from },
        right: { type: 'lt', left: { type: 'reference', name: 'id' }, right: to },
      },
    },
  ];
}

interface PyAnswer {
  tasks?: PlannedTask[];
  loadMs?: number;
  planMs?: number[];
  error?: string;
}

interface Ours {
  ms: number[];
  tasks: PlannedTask[];
  requests: number;
}

type OursResult = Ours | { error: string };

/**
 * Our catalog twice over the same database and warehouse: as it ships (a 100-manifest scan is
 * answered `submitted`, planned in the background, fetched as plan tasks) and told to plan every
 * scan inside the request (the cost of the asynchronous round trips shows as the difference).
 */
const MODES = [
  { key: 'async', label: 'ours: planTableScan, default', env: {} },
  {
    key: 'inline',
    label: 'ours: planned in the request',
    env: {
      LAKEHOUSE_SCAN_SYNC_MAX_MANIFESTS: '1000000000',
      LAKEHOUSE_SCAN_TASKS_PER_PLAN_TASK: '1000000',
    },
  },
] as const;
type Mode = (typeof MODES)[number]['key'];

interface Row {
  name: string;
  ours: Record<Mode, OursResult>;
  theirs: number[];
  theirsTasks: PlannedTask[];
  theirsLoadMs: number;
}

const sameFiles = (a: PlannedTask[], b: PlannedTask[]): boolean => {
  const key = (ts: PlannedTask[]) =>
    ts
      .map((t) => `${t.dataFile}|${[...t.deleteFiles].sort().join(',')}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
};

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
/** Median / p95 (nearest rank). */
const cell = (samples: number[]): string => {
  const sorted = [...samples].sort((x, y) => x - y);
  return `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 95))}`;
};

/** Whether every mode of ours planned exactly pyiceberg's files ('—' when one failed). */
function samePlans(r: Row): string {
  const results = MODES.map((m) => r.ours[m.key]);
  if (results.some((o) => 'error' in o)) return '—';
  return results.every((o) => 'tasks' in o && sameFiles(o.tasks, r.theirsTasks)) ? 'yes' : 'NO';
}

function render(rows: Row[], cfg: Config): string {
  const header = [
    'filter',
    ...MODES.map((m) => m.label),
    'pyiceberg plan_files',
    'tasks',
    'same files',
  ];
  const body = rows.map((r) => [
    r.name,
    ...MODES.map((m) => {
      const o = r.ours[m.key];
      return 'ms' in o ? `${cell(o.ms)} (${o.requests} req)` : 'failed';
    }),
    cell(r.theirs),
    String(r.theirsTasks.length),
    samePlans(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    `median / p95 in ms over ${cfg.runs} runs each (after ${cfg.warmup} unrecorded)`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ].join('\n');
}

/** Our planning: HTTP planTableScan followed to the last task, timed from the client. */
async function measureOurs(target: PlanOptions, filter: unknown, cfg: Config): Promise<Ours> {
  let result = await planScan(target, { filter });
  for (let i = 1; i < cfg.warmup; i++) result = await planScan(target, { filter });
  const ms: number[] = [];
  for (let i = 0; i < cfg.runs; i++) {
    const t0 = performance.now();
    result = await planScan(target, { filter });
    ms.push(performance.now() - t0);
  }
  return { ms, tasks: result.tasks, requests: result.requests };
}

async function main(): Promise<void> {
  const cfg = config();
  if (!cfg) {
    console.log(USAGE);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lakehouse-bench-plan-'));
  const servers = new Map<Mode, RunningServer>();
  const stop = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((s) => s.stop().catch(() => undefined)));
    if (!cfg.keep) rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop().finally(() => process.exit(130)));
  }
  try {
    const python = await ensurePythonEnv({ onProgress: (l) => console.log(`  ${l}`) });
    for (const m of MODES) {
      const port = await findFreePort('127.0.0.1');
      const started = await startLakehouse({ root: ROOT, port, dir, env: m.env });
      servers.set(m.key, started);
      console.log(`${m.label}: ${started.version} on ${started.baseUrl}`);
    }
    const server = servers.get('async')!;
    console.log(`warehouse: ${server.warehouse}`);
    const env = {
      PATH: process.env['PATH'],
      HOME: dir,
      PYICEBERG_HOME: dir,
      PYTHONUNBUFFERED: '1',
      LH_CATALOG_URI: server.baseUrl,
    };

    console.log(
      `setup: ${cfg.files} data files, ${cfg.perCommit} per fast-append commit (pyarrow + pyiceberg add_files)…`,
    );
    const setup = await new PythonScript(
      python,
      join(ROOT, 'bench', 'catalog', 'plan_setup.py'),
      [`${NAMESPACE}.${TABLE}`, String(cfg.files), String(cfg.perCommit)],
      env,
    ).result<{
      dataFiles: number;
      manifests: number;
      snapshots: number;
      rowsPerFile: number;
      setupMs: number;
    }>();
    console.log(
      `  ${setup.dataFiles} data files in ${setup.manifests} manifests, ${setup.snapshots} snapshots, in ${(setup.setupMs / 1000).toFixed(1)} s`,
    );

    const py = new PythonScript(python, join(ROOT, 'tests', 'e2e', 'py', 'plan_files.py'), [], env);
    const pyPlan = async (
      filter: unknown,
      runs: number,
    ): Promise<Required<Omit<PyAnswer, 'error'>>> => {
      py.send({ table: `${NAMESPACE}.${TABLE}`, filter, runs });
      const a = await py.nextJson<PyAnswer>();
      if (a.error !== undefined || !a.tasks || !a.planMs || a.loadMs === undefined) {
        throw new Error(`pyiceberg plan_files failed: ${a.error}`);
      }
      return { tasks: a.tasks, planMs: a.planMs, loadMs: a.loadMs };
    };
    // Polls a submitted plan every 5 ms: the time measured is the server's, not a back-off's.
    const target = (mode: Mode): PlanOptions => ({
      baseUrl: servers.get(mode)!.baseUrl,
      namespace: [NAMESPACE],
      table: TABLE,
      poll: { firstMs: POLL_MS, maxMs: POLL_MS },
    });

    const rows: Row[] = [];
    try {
      for (const c of cases(cfg.files, setup.rowsPerFile)) {
        // A catalog without scan planning (or failing at it) still gets pyiceberg's numbers.
        const ours = {} as Record<Mode, OursResult>;
        for (const m of MODES) {
          ours[m.key] = await measureOurs(target(m.key), c.filter, cfg).catch((err: unknown) => ({
            error: err instanceof Error ? err.message : String(err),
          }));
        }
        // pyiceberg: the warm-up runs, then the measured ones (each answer loads the table once,
        // outside the timed plan_files calls).
        if (cfg.warmup > 0) await pyPlan(c.filter, cfg.warmup);
        const theirs = await pyPlan(c.filter, cfg.runs);
        rows.push({
          name: c.name,
          ours,
          theirs: theirs.planMs,
          theirsTasks: theirs.tasks,
          theirsLoadMs: theirs.loadMs,
        });
        console.log(`  measured: ${c.name}`);
      }
    } finally {
      py.kill();
    }

    console.log('');
    console.log(render(rows, cfg));
    console.log('');
    console.log(
      `req: HTTP requests of ours' last plan (planTableScan, polls every ${POLL_MS} ms, fetchScanTasks)`,
    );
    for (const r of rows) {
      for (const m of MODES) {
        const o = r.ours[m.key];
        if ('error' in o) console.log(`${r.name}, ${m.label}: failed: ${o.error}`);
      }
      console.log(
        `${r.name}: pyiceberg's load_table ${fmt(r.theirsLoadMs)} ms (not in its plan time)`,
      );
    }
    console.log(
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')} — shared machine: numbers are noisy`,
    );
    if (rows.some((r) => samePlans(r) === '—')) {
      console.error('✗ our catalog could not plan (see above)');
      process.exitCode = 1;
    } else if (rows.some((r) => samePlans(r) === 'NO')) {
      console.error('✗ the plans differ: ours and pyiceberg planned different files');
      process.exitCode = 1;
    }
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(`✗ ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
