import { join } from 'node:path';
import { versions } from '../versions.js';
import type { InstallOptions } from './progress.js';
import { ensureVenv } from './venv.js';

export interface PythonEnvOptions extends InstallOptions {
  /** The interpreter the venv is created from (default `python3` on PATH). */
  python?: string;
}

/** What the venv holds, in pip's requirements format; its hash names the venv directory. */
export function pythonRequirements(): string {
  const { pyiceberg, pyarrow, pyicebergCore } = versions.python;
  return [
    `pyiceberg[pyarrow,sql-sqlite,pyiceberg-core,s3fs]==${pyiceberg}`,
    `pyarrow==${pyarrow}`,
    `pyiceberg-core==${pyicebergCore}`,
    '',
  ].join('\n');
}

/**
 * Creates (once) a venv with pyiceberg and pyarrow at the pinned versions and returns the path of
 * its python: `<cache>/python/<hash>` (see `ensureVenv`).
 */
export async function ensurePythonEnv(opts: PythonEnvOptions = {}): Promise<string> {
  const { pyiceberg, pyarrow } = versions.python;
  const envDir = await ensureVenv({
    label: 'Python environment (pyiceberg)',
    folder: 'python',
    requirements: pythonRequirements(),
    importCheck: 'import pyiceberg, pyarrow, pyiceberg.catalog.rest, s3fs',
    checkName: 'import pyiceberg',
    minPython: [3, 10], // pyarrow 22 ships wheels for 3.10+ only.
    installMessage: `Installing Python environment (pyiceberg): pyiceberg ${pyiceberg}, pyarrow ${pyarrow} (pip, ~1 min the first time)…`,
    packagesName: 'Python packages',
    ...opts,
  });
  return join(envDir, 'bin', 'python');
}
