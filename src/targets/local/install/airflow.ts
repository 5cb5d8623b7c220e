import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';
import { ensureVenv, InstallError, type InstallOptions } from '../../../platform/install/index.js';

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

export function airflowRequirementsFile(): string {
  return join(repoRoot, versions.airflow.requirementsFile);
}

/** The apache-airflow pin of a frozen requirements file, or undefined when it has none. */
export function pinnedAirflowVersion(requirements: string): string | undefined {
  return /^apache-airflow==(\S+)\s*$/m.exec(requirements)?.[1];
}

/**
 * Creates (once) a venv with Airflow and its providers from the frozen requirements file and
 * returns its paths: `<cache>/airflow/<hash>` (see `ensureVenv`).
 */
export async function ensureAirflowEnv(opts: AirflowEnvOptions = {}): Promise<AirflowEnv> {
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
  const envDir = await ensureVenv({
    label: LABEL,
    folder: 'airflow',
    requirements,
    importCheck:
      'import airflow, airflow.providers.trino.hooks.trino, airflow.providers.common.sql, statsd; print(airflow.__version__)',
    checkName: 'import airflow',
    requiredFiles: [join('bin', 'airflow')],
    minPython: [3, 10], // Airflow 3.3 supports Python 3.10+.
    installMessage: `Installing ${LABEL} and its providers (pip, ~1-2 min the first time)…`,
    packagesName: "Airflow's packages",
    python: opts.python,
    cacheDir: opts.cacheDir,
    onProgress: opts.onProgress,
  });
  return {
    python: join(envDir, 'bin', 'python'),
    airflow: join(envDir, 'bin', 'airflow'),
    version,
    envDir,
  };
}
