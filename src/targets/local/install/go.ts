import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { versions } from '../../../platform/versions.js';
import { cacheRoot } from './cache.js';
import { InstallError } from './errors.js';
import { discard, scratchDirFor } from './fsutil.js';
import { formatDuration, silent, type InstallOptions, type Progress } from './progress.js';
import { run, runsOk, SpawnError } from './run.js';

/** A Go program we build from source with `go install module@version`. */
interface GoComponent {
  /** Shown to users: "MinIO". */
  label: string;
  /** Cache sub-directory and binary name. */
  name: string;
  module: string;
  version: string;
  /** The `go` directive of the module's go.mod: older toolchains refuse to build it. */
  minGo: [number, number];
  /** Rough cold build time, so the first run does not look hung. */
  coldEstimate: string;
}

const minio: GoComponent = {
  label: 'MinIO',
  name: 'minio',
  ...versions.minio,
  minGo: [1, 24],
  coldEstimate: '~3-6 min',
};

const mc: GoComponent = {
  label: 'MinIO client (mc)',
  name: 'mc',
  ...versions.mc,
  minGo: [1, 23],
  coldEstimate: '~2 min',
};

const statsdExporter: GoComponent = {
  label: 'statsd_exporter',
  name: 'statsd_exporter',
  ...versions.statsdExporter,
  minGo: [1, 22],
  coldEstimate: '~1-2 min',
};

const GO_COMPONENTS = { minio, mc, statsd_exporter: statsdExporter } as const;
export type GoComponentName = keyof typeof GO_COMPONENTS;

/** Builds (once) and returns the path of Prometheus' statsd_exporter (Airflow's metrics). */
export async function ensureStatsdExporter(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(statsdExporter, opts);
}

/** Builds (once) and returns the path of the MinIO server binary. */
export async function ensureMinio(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(minio, opts);
}

/** Builds (once) and returns the path of the MinIO client binary. */
export async function ensureMc(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(mc, opts);
}

/** Where a component's binary lives in the cache: `<cache>/<name>/<version>/bin/<name>`. */
export function goBinaryPath(component: GoComponentName, cacheDir = cacheRoot()): string {
  const c = GO_COMPONENTS[component];
  return join(cacheDir, c.name, c.version, 'bin', c.name);
}

async function ensureGoBinary(c: GoComponent, opts: InstallOptions): Promise<string> {
  const say: Progress = opts.onProgress ?? silent;
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const binDir = join(cacheDir, c.name, c.version, 'bin');
  const binary = join(binDir, c.name);

  if (await exists(binary)) {
    if (await runsOk(binary, ['--version'])) {
      say(`${c.label} ${c.version}: found in cache (${binary})`);
      return binary;
    }
    // A binary that does not run (wrong architecture, truncated by a full disk): rebuild it.
    say(`${c.label}: cached binary does not run, rebuilding`);
    await discard(binDir);
  }

  await checkGo(c);
  say(`Installing ${c.label} (go install, ${c.coldEstimate} the first time)…`);

  // Build into a scratch GOBIN beside the final directory, then rename: a killed build leaves
  // only a `.tmp-*` directory behind, never a half-written binary under the real name.
  await mkdir(dirname(binDir), { recursive: true });
  const scratch = await scratchDirFor(binDir);
  const started = Date.now();
  const heartbeat = setInterval(
    () => say(`  still building ${c.label} (${formatDuration(Date.now() - started)})…`),
    30_000,
  );
  try {
    const target = `${c.module}@${c.version}`;
    const result = await run('go', ['install', target], {
      // Outside any module or workspace, so only the pinned version's own go.mod applies.
      cwd: scratch,
      env: { ...process.env, GOBIN: scratch },
      tailLines: 25,
    }).finally(() => clearInterval(heartbeat));
    if (result.code !== 0) {
      throw new InstallError(
        c.label,
        `go install ${target}`,
        result.tail || `exited with ${result.signal ?? result.code}`,
        `check \`go version\` (Go ${c.minGo.join('.')}+ needed), that \`go env GOPROXY\` is reachable, and that the Go build cache has ~2 GB free`,
      );
    }
    const built = join(scratch, c.name);
    const check = await run(built, ['--version'], { timeoutMs: 15_000 });
    if (check.code !== 0) {
      throw new InstallError(
        c.label,
        `${c.name} --version`,
        check.tail,
        'the build succeeded but the binary does not run; remove the cache directory and retry',
      );
    }
    await mkdir(binDir, { recursive: true });
    await rename(built, binary);
    say(`${c.label} ${c.version}: built in ${formatDuration(Date.now() - started)} (${binary})`);
    return binary;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Fails early, with a useful message, when `go` is missing or too old for the module. */
async function checkGo(c: GoComponent): Promise<void> {
  const need = `Go ${c.minGo.join('.')} or newer`;
  let out: string;
  try {
    const r = await run('go', ['env', 'GOVERSION'], { timeoutMs: 30_000 });
    if (r.code !== 0) {
      throw new InstallError(c.label, 'go env GOVERSION', r.tail, `reinstall ${need}`);
    }
    out = r.tail.trim();
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new InstallError(
        c.label,
        'find the go toolchain',
        err.message,
        `install ${need} and put \`go\` on PATH`,
      );
    }
    throw err;
  }
  const m = /go(\d+)\.(\d+)/.exec(out);
  if (!m) return; // A development toolchain ("devel ..."): let the build decide.
  const have: [number, number] = [Number(m[1]), Number(m[2])];
  if (have[0] < c.minGo[0] || (have[0] === c.minGo[0] && have[1] < c.minGo[1])) {
    throw new InstallError(c.label, 'check the go version', out, `install ${need} (found ${out})`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
