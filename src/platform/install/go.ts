import { access, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InstallError } from './errors.js';
import { scratchDirFor } from './fsutil.js';
import { formatDuration, silent, type Progress } from './progress.js';
import { run, runsOk, SpawnError } from './run.js';

/** A Go program we build from source into the cache. */
export interface GoBuild {
  /** Shown to users: "MinIO". */
  label: string;
  /** The binary's file name. */
  name: string;
  version: string;
  /** Where the finished binary lives. */
  binary: string;
  /** The `go` directive of the module's go.mod: older toolchains refuse to build it. */
  minGo: [number, number];
  /** Rough cold build time, so the first run does not look hung. */
  coldEstimate: string;
  /** The build as errors name it: "go install github.com/minio/minio@v…". */
  step: string;
  /**
   * The `go` command's arguments. The binary must land at `<out>/<name>`: `go install` with
   * GOBIN=out does that, and so does `go build -o <out>/<name>`.
   */
  goArgs: (out: string) => string[];
  /**
   * Where `go` runs. Default: the scratch directory, outside any module or workspace, so a
   * `go install module@version` applies only the pinned version's own go.mod.
   */
  cwd?: string;
  /** Extra environment for `go` (e.g. GOTOOLCHAIN for a module that needs a newer Go). */
  env?: Record<string, string>;
  /** The arguments that make the binary print its version (default `--version`). */
  versionArgs?: string[];
  /** Text the version output must contain (e.g. the version set by ldflags). */
  expectVersion?: string;
}

/**
 * Builds (once) and returns the path of a Go binary. A cached binary is reused when its version
 * check passes; the build goes to a scratch directory beside the final one and is renamed into
 * place, so a killed build leaves only a `.tmp-*` directory, never a half-written binary.
 */
export async function ensureGoBuild(
  c: GoBuild,
  opts: { onProgress?: Progress } = {},
): Promise<string> {
  const say: Progress = opts.onProgress ?? silent;
  const binDir = dirname(c.binary);

  if (await exists(c.binary)) {
    if (await versionOk(c, c.binary)) {
      say(`${c.label} ${c.version}: found in cache (${c.binary})`);
      return c.binary;
    }
    // A binary that does not run (wrong architecture, truncated by a full disk) or was built
    // with other version flags: rebuild it.
    say(`${c.label}: cached binary does not run or reports another version, rebuilding`);
    await rm(c.binary, { force: true });
  }

  await checkGo(c);
  say(`Installing ${c.label} ${c.version} (go build, ${c.coldEstimate} the first time)…`);

  await mkdir(binDir, { recursive: true });
  const scratch = await scratchDirFor(c.binary);
  const started = Date.now();
  const heartbeat = setInterval(
    () => say(`  still building ${c.label} (${formatDuration(Date.now() - started)})…`),
    30_000,
  );
  const args = c.goArgs(scratch);
  try {
    const result = await run('go', args, {
      cwd: c.cwd ?? scratch,
      env: { ...process.env, ...c.env, GOBIN: scratch },
      tailLines: 25,
    }).finally(() => clearInterval(heartbeat));
    if (result.code !== 0) {
      throw new InstallError(
        c.label,
        c.step,
        result.tail || `exited with ${result.signal ?? result.code}`,
        `check \`go version\` (Go ${c.minGo.join('.')}+ needed), that \`go env GOPROXY\` is reachable, and that the Go build cache has ~2 GB free`,
      );
    }
    const built = join(scratch, c.name);
    if (!(await versionOk(c, built))) {
      const check = await run(built, c.versionArgs ?? ['--version'], { timeoutMs: 15_000 }).catch(
        (err: Error) => ({ tail: err.message }),
      );
      throw new InstallError(
        c.label,
        `${c.name} ${(c.versionArgs ?? ['--version']).join(' ')}`,
        check.tail,
        c.expectVersion
          ? `the build succeeded but the binary does not report ${c.expectVersion}; remove ${binDir} and retry`
          : 'the build succeeded but the binary does not run; remove the cache directory and retry',
      );
    }
    await rename(built, c.binary);
    say(`${c.label} ${c.version}: built in ${formatDuration(Date.now() - started)} (${c.binary})`);
    return c.binary;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function versionOk(c: GoBuild, binary: string): Promise<boolean> {
  const args = c.versionArgs ?? ['--version'];
  if (!c.expectVersion) return runsOk(binary, args);
  try {
    const r = await run(binary, args, { timeoutMs: 15_000 });
    return r.code === 0 && r.tail.includes(c.expectVersion);
  } catch {
    return false;
  }
}

/** Fails early, with a useful message, when `go` is missing or too old for the module. */
async function checkGo(c: GoBuild): Promise<void> {
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
