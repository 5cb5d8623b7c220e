import { createHash } from 'node:crypto';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from './cache.js';
import { InstallError } from './errors.js';
import { discard, publish, scratchDirFor } from './fsutil.js';
import { formatDuration, silent, type Progress } from './progress.js';
import { run, SpawnError } from './run.js';
import { runStep } from './step.js';

/** A Python virtual environment built from pinned requirements into the cache. */
export interface VenvSpec {
  /** How progress and errors name it: "Airflow 3.3.2". */
  label: string;
  /** The cache folder its environments live in: `<cache>/<folder>/<hash>`. */
  folder: string;
  /** Its requirements in pip's format; with the base interpreter, their hash names the venv. */
  requirements: string;
  /** Python code that must run without error in a complete environment. */
  importCheck: string;
  /** What the import check proves, as a step name: "import airflow". */
  checkName: string;
  /** Files (relative to the venv) a complete environment has besides `bin/python`. */
  requiredFiles?: string[];
  /** The oldest Python the packages support. */
  minPython: [number, number];
  /** The line shown when the build starts. */
  installMessage: string;
  /** What the heartbeat line says is being installed: "Airflow's packages". */
  packagesName: string;
  /** The interpreter the venv is created from (default `python3` on PATH). */
  python?: string;
  cacheDir?: string;
  onProgress?: Progress;
}

const COMPLETE_MARKER = '.lakehouse-complete';

/**
 * Creates (once) the venv and returns its directory. The hash in its name covers the requirements
 * and the base interpreter, so a new pin set builds a new venv instead of mutating one in use.
 * Built under a scratch name and renamed into place; console scripts' shebangs are rewritten to
 * the final path before the rename, so `bin/<script>` works. Concurrent installers of the same
 * venv are safe: the first rename wins and the others use it.
 */
export async function ensureVenv(spec: VenvSpec): Promise<string> {
  const say: Progress = spec.onProgress ?? silent;
  const cacheDir = spec.cacheDir ?? cacheRoot();
  const base = await baseInterpreter(spec, spec.python ?? 'python3');
  const hash = createHash('sha256')
    .update(`${spec.requirements}\n${base.version}\n${base.executable}\n`)
    .digest('hex')
    .slice(0, 16);
  const envDir = join(cacheDir, spec.folder, hash);

  const state = await envState(spec, envDir);
  if (state === 'complete') {
    say(`${spec.label}: found in cache (${envDir})`);
    return envDir;
  }
  if (state === 'broken') {
    // E.g. its base interpreter was removed. Only a broken one is discarded: an absent one may be
    // about to appear from a concurrent installer, which we must not delete.
    say(`${spec.label}: cached environment does not work, reinstalling`);
    await discard(envDir);
  }

  say(spec.installMessage);
  await mkdir(join(cacheDir, spec.folder), { recursive: true });
  const scratch = await scratchDirFor(envDir);
  const started = Date.now();
  const step = (command: string, args: string[], name: string, hints: string[]) =>
    runStep(command, args, { label: spec.label, name, hints });
  try {
    await step(base.executable, ['-m', 'venv', scratch], 'create the venv', [
      'install the venv module (Debian: apt-get install python3-venv)',
    ]);
    const reqFile = join(scratch, 'lakehouse-requirements.txt');
    await writeFile(reqFile, spec.requirements);
    const heartbeat = setInterval(
      () =>
        say(`  still installing ${spec.packagesName} (${formatDuration(Date.now() - started)})…`),
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
    await rewriteShebangs(scratch, envDir);
    await step(join(scratch, 'bin', 'python'), ['-c', spec.importCheck], spec.checkName, [
      'remove the cache directory and retry',
    ]);
    await publish(
      scratch,
      envDir,
      { name: COMPLETE_MARKER, content: `${new Date().toISOString()}\n` },
      async () => (await envState(spec, envDir)) === 'complete',
    );
    say(`${spec.label}: installed in ${formatDuration(Date.now() - started)} (${envDir})`);
    return envDir;
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

async function envState(spec: VenvSpec, envDir: string): Promise<'absent' | 'broken' | 'complete'> {
  try {
    await access(envDir);
  } catch {
    return 'absent';
  }
  try {
    for (const file of [COMPLETE_MARKER, ...(spec.requiredFiles ?? [])]) {
      await access(join(envDir, file));
    }
  } catch {
    return 'broken';
  }
  const r = await run(join(envDir, 'bin', 'python'), ['-c', spec.importCheck], {
    timeoutMs: 120_000,
  }).catch(() => undefined);
  return r?.code === 0 ? 'complete' : 'broken';
}

async function baseInterpreter(
  spec: VenvSpec,
  command: string,
): Promise<{ version: string; executable: string }> {
  const need = `Python ${spec.minPython.join('.')} or newer`;
  let out: string;
  try {
    const r = await run(
      command,
      ['-c', 'import sys; print(sys.version.split()[0]); print(sys.executable)'],
      { timeoutMs: 30_000 },
    );
    if (r.code !== 0)
      throw new InstallError(spec.label, `run ${command}`, r.tail, `install ${need}`);
    out = r.tail;
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new InstallError(
        spec.label,
        'find python',
        err.message,
        `install ${need} and put \`${command}\` on PATH`,
      );
    }
    throw err;
  }
  const [version = '', executable = ''] = out.split('\n').map((l) => l.trim());
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor, minMinor] = spec.minPython;
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    throw new InstallError(
      spec.label,
      'check the python version',
      out,
      `install ${need} (found ${version})`,
    );
  }
  return { version, executable };
}
