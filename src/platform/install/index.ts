/**
 * Installer machinery both targets use: the cache, errors that name the failing step and its fix,
 * commands run with their output tail kept, atomic publication of finished builds, Go builds,
 * Python virtual environments and Debian packages.
 */
export { cacheRoot } from './cache.js';
export { InstallError } from './errors.js';
export { discard, publish, scratchDirFor } from './fsutil.js';
export { ensureGoBuild, type GoBuild } from './go.js';
export { formatDuration, silent, type InstallOptions, type Progress } from './progress.js';
export {
  run,
  runsOk,
  SpawnError,
  type CapturedRun,
  type RunOptions,
  type RunResult,
} from './run.js';
export { runStep, type StepOptions } from './step.js';
export { ensureVenv, type VenvSpec } from './venv.js';
export { ensurePythonEnv, pythonRequirements, type PythonEnvOptions } from './python.js';
export {
  ensureDebianPackages,
  listsLookStale,
  type AptOptions,
  type DebianComponent,
} from './apt.js';
