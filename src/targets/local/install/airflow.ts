import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';
import { cacheRoot } from './cache.js';
import { InstallError } from './errors.js';
import { discard, scratchDirFor } from './fsutil.js';
import { formatDuration, silent, type InstallOptions, type Progress } from './progress.js';
import { run, SpawnError } from './run.js';

export interface AirflowEnvOptions extends InstallOptions {
  /** The interpreter the venv is created from (default `python3` on PATH). */
  python?: string;
  /** The frozen requirements (default: the repository's pipelines/requirements-airflow.txt). */
  requirementsFile?: string;
}

export interface AirflowEnv {
  python: string;
  /** The `airflow` console script; its shebang points at `python` (rewritten after the build). */
  airflow: string;
  /** The apache-airflow version the requirements file pins. */
  version: string;
  envDir: string;
}

const LABEL = `Airflow ${versions.airflow.version}`;
const MIN_PYTHON: [number, number] = [3, 10]; // Airflow 3.3 supports Python 3.10+.
const COMPLETE_MARKER = '.lakehouse-complete';
const IMPORT_CHECK =
  'import airflow, airflow.providers.trino.hooks.trino, airflow.providers.common.sql, statsd; print(airflow.__version__)';

export function airflowRequirementsFile(): string {
  return join(repoRoot, versions.airflow.requirementsFile);
}

/** The apache-airflow pin of a frozen requirements file, or undefined when it has none. */
export function pinnedAirflowVersion(requirements: string): string | undefined {
  return /^apache-airflow==(\S+)\s*$/m.exec(requirements)?.[1];
}

/**
 * Creates (once) a venv with Airflow and its providers from the frozen requirements file and
 * returns its paths. The directory is `<cache>/airflow/<hash>`, the hash covering the file and the
 * base interpreter, so a new pin set builds a new venv instead of mutating one in use. Built under
 * a scratch name and renamed into place; the console scripts' shebangs are rewritten to the final
 * path before the rename, so `bin/airflow` works.
 */
export async function ensureAirflowEnv(opts: AirflowEnvOptions = {}): Promise<AirflowEnv> {
  const say: Progress = opts.onProgress ?? silent;
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const reqPath = opts.requirementsFile ?? airflowRequirementsFile();
  const requirements = await readFile(reqPath, 'utf8').catch((err: Error) => {
    throw new InstallError(
      LABEL,
      'read the requirements',
      err.message,
      `restore ${reqPath} from git (git checkout -- ${versions.airflow.requirementsFile})`,
    );
  });
  const version = pinnedAirflowVersion(requirements);
  if (version === undefined) {
    throw new InstallError(
      LABEL,
      'read the requirements',
      `${reqPath} pins no apache-airflow==<version>`,
      'regenerate it with pip freeze from a venv where apache-airflow was resolved',
    );
  }
  const base = await baseInterpreter(opts.python ?? 'python3');
  const hash = createHash('sha256')
    .update(`${requirements}\n${base.version}\n${base.executable}\n`)
    .digest('hex')
    .slice(0, 16);
  const envDir = join(cacheDir, 'airflow', hash);
  const result: AirflowEnv = {
    python: join(envDir, 'bin', 'python'),
    airflow: join(envDir, 'bin', 'airflow'),
    version,
    envDir,
  };

  const state = await envState(envDir);
  if (state === 'complete') {
    say(`${LABEL}: found in cache (${envDir})`);
    return result;
  }
  if (state === 'broken') {
    // Only a broken one is discarded: an absent one may be about to appear from a concurrent
    // installer, which we must not delete.
    say(`${LABEL}: cached environment does not work, reinstalling`);
    await discard(envDir);
  }

  say(`Installing ${LABEL} and its providers (pip, ~1-2 min the first time)…`);
  await mkdir(join(cacheDir, 'airflow'), { recursive: true });
  const scratch = await scratchDirFor(envDir);
  const started = Date.now();
  try {
    await step(base.executable, ['-m', 'venv', scratch], 'create the venv', [
      'install the venv module (Debian: apt-get install python3-venv)',
    ]);
    const heartbeat = setInterval(
      () => say(`  still installing Airflow's packages (${formatDuration(Date.now() - started)})…`),
      30_000,
    );
    try {
      await step(
        join(scratch, 'bin', 'python'),
        ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '-r', reqPath],
        'pip install',
        [
          'check that pip can reach its package index (`pip config list`)',
          `and that wheels exist for Python ${base.version} on this platform`,
        ],
      );
    } finally {
      clearInterval(heartbeat);
    }
    await rewriteShebangs(scratch, envDir);
    await step(join(scratch, 'bin', 'python'), ['-c', IMPORT_CHECK], 'import airflow', [
      'remove the cache directory and retry',
    ]);
    // Written last: its presence is what marks the environment complete.
    await writeFile(join(scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    try {
      await rename(scratch, envDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another installer finished the same environment first; use theirs.
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || (await envState(envDir)) !== 'complete') {
        throw err;
      }
      await discard(scratch);
    }
    say(`${LABEL}: installed in ${formatDuration(Date.now() - started)} (${envDir})`);
    return result;
  } catch (err) {
    await discard(scratch);
    throw err;
  }
}

/** Points every console script's `#!<scratch>/bin/python` line at the venv's final place. */
async function rewriteShebangs(scratch: string, envDir: string): Promise<void> {
  const bin = join(scratch, 'bin');
  const from = `#!${join(scratch, 'bin', 'python')}`;
  const to = `#!${join(envDir, 'bin', 'python')}`;
  for (const name of await readdir(bin)) {
    const file = join(bin, name);
    const head = await readFile(file).catch(() => undefined);
    if (!head || head.subarray(0, from.length).toString('utf8') !== from) continue;
    const text = head.toString('utf8');
    const nl = text.indexOf('\n');
    const firstLine = nl === -1 ? text : text.slice(0, nl);
    // Only an exact interpreter path (python, python3, python3.11) is ours to rewrite.
    if (!/^#!\S+\/bin\/python[\d.]*$/.test(firstLine)) continue;
    await writeFile(file, to + firstLine.slice(from.length) + text.slice(firstLine.length));
  }
}

async function envState(envDir: string): Promise<'absent' | 'broken' | 'complete'> {
  try {
    await access(envDir);
  } catch {
    return 'absent';
  }
  try {
    await access(join(envDir, COMPLETE_MARKER));
    await access(join(envDir, 'bin', 'airflow'));
  } catch {
    return 'broken';
  }
  const r = await run(join(envDir, 'bin', 'python'), ['-c', IMPORT_CHECK], {
    timeoutMs: 120_000,
  }).catch(() => undefined);
  return r?.code === 0 ? 'complete' : 'broken';
}

async function step(command: string, args: string[], name: string, hints: string[]): Promise<void> {
  const r = await run(command, args, { tailLines: 25 });
  if (r.code !== 0) {
    throw new InstallError(
      LABEL,
      name,
      r.tail || `exited with ${r.signal ?? r.code}`,
      hints.join(' '),
    );
  }
}

async function baseInterpreter(command: string): Promise<{ version: string; executable: string }> {
  const need = `Python ${MIN_PYTHON.join('.')} or newer`;
  let out: string;
  try {
    const r = await run(
      command,
      ['-c', 'import sys; print(sys.version.split()[0]); print(sys.executable)'],
      { timeoutMs: 30_000 },
    );
    if (r.code !== 0) throw new InstallError(LABEL, `run ${command}`, r.tail, `install ${need}`);
    out = r.tail;
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new InstallError(
        LABEL,
        'find python',
        err.message,
        `install ${need} and put \`${command}\` on PATH`,
      );
    }
    throw err;
  }
  const [version = '', executable = ''] = out.split('\n').map((l) => l.trim());
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new InstallError(
      LABEL,
      'check the python version',
      out,
      `install ${need} (found ${version})`,
    );
  }
  return { version, executable };
}
