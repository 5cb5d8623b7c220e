import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { versions } from '../../../platform/versions.js';
import { cacheRoot } from './cache.js';
import { InstallError } from './errors.js';
import { discard, scratchDirFor } from './fsutil.js';
import { formatDuration, silent, type InstallOptions, type Progress } from './progress.js';
import { run, SpawnError } from './run.js';

export interface PythonEnvOptions extends InstallOptions {
  /** The interpreter the venv is created from (default `python3` on PATH). */
  python?: string;
}

const LABEL = 'Python environment (pyiceberg)';
const MIN_PYTHON: [number, number] = [3, 10]; // pyarrow 22 ships wheels for 3.10+ only.

/** What the venv holds, in pip's requirements format; its hash names the venv directory. */
export function pythonRequirements(): string {
  const { pyiceberg, pyarrow, pyicebergCore } = versions.python;
  return [
    `pyiceberg[pyarrow,sql-sqlite,pyiceberg-core]==${pyiceberg}`,
    `pyarrow==${pyarrow}`,
    `pyiceberg-core==${pyicebergCore}`,
    '',
  ].join('\n');
}

/**
 * Creates (once) a venv with pyiceberg and pyarrow at the pinned versions and returns the path of
 * its python. The directory is `<cache>/python/<hash>`, the hash covering the requirements and the
 * base interpreter, so changing either builds a new venv instead of mutating one in use.
 *
 * Only `bin/python` is meant to be run: the venv is built under a scratch name and renamed into
 * place, so the shebangs of console scripts (`bin/pip`, ...) point at the scratch path.
 */
export async function ensurePythonEnv(opts: PythonEnvOptions = {}): Promise<string> {
  const say: Progress = opts.onProgress ?? silent;
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const base = await baseInterpreter(opts.python ?? 'python3');
  const requirements = pythonRequirements();
  const hash = createHash('sha256')
    .update(`${requirements}\n${base.version}\n${base.executable}\n`)
    .digest('hex')
    .slice(0, 16);
  const envDir = join(cacheDir, 'python', hash);
  const python = join(envDir, 'bin', 'python');

  const state = await envState(envDir);
  if (state === 'complete') {
    say(`${LABEL}: found in cache (${envDir})`);
    return python;
  }
  if (state === 'broken') {
    // E.g. its base interpreter was removed. Only a broken one is discarded: an absent one may be
    // about to appear from a concurrent installer, which we must not delete.
    say(`${LABEL}: cached environment does not work, reinstalling`);
    await discard(envDir);
  }

  const { pyiceberg, pyarrow } = versions.python;
  say(
    `Installing ${LABEL}: pyiceberg ${pyiceberg}, pyarrow ${pyarrow} (pip, ~1 min the first time)…`,
  );
  await mkdir(join(cacheDir, 'python'), { recursive: true });
  const scratch = await scratchDirFor(envDir);
  const started = Date.now();
  try {
    await step(base.executable, ['-m', 'venv', scratch], 'create the venv', [
      'install the venv module (Debian: apt-get install python3-venv)',
    ]);
    const reqFile = join(scratch, 'lakehouse-requirements.txt');
    await writeFile(reqFile, requirements);
    const heartbeat = setInterval(
      () => say(`  still installing Python packages (${formatDuration(Date.now() - started)})…`),
      30_000,
    );
    try {
      await step(
        join(scratch, 'bin', 'python'),
        ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', '-r', reqFile],
        'pip install',
        [
          'check that pip can reach its package index (`pip config list`)',
          `and that wheels exist for Python ${base.version} on this platform`,
        ],
      );
    } finally {
      clearInterval(heartbeat);
    }
    await step(join(scratch, 'bin', 'python'), ['-c', IMPORT_CHECK], 'import pyiceberg', [
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
    return python;
  } catch (err) {
    await discard(scratch);
    throw err;
  }
}

const COMPLETE_MARKER = '.lakehouse-complete';
const IMPORT_CHECK = 'import pyiceberg, pyarrow, pyiceberg.catalog.rest';

async function envState(envDir: string): Promise<'absent' | 'broken' | 'complete'> {
  try {
    await access(envDir);
  } catch {
    return 'absent';
  }
  try {
    await access(join(envDir, COMPLETE_MARKER));
  } catch {
    return 'broken';
  }
  const r = await run(join(envDir, 'bin', 'python'), ['-c', IMPORT_CHECK], {
    timeoutMs: 60_000,
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
      {
        timeoutMs: 30_000,
      },
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
