/**
 * The local target's process supervisor: a detached daemon per state directory that runs the
 * platform's native processes, and the client the CLI uses to drive it.
 */
export { runSupervisor, type RunSupervisorOptions } from './daemon.js';
export { SupervisorClient, SupervisorRequestError, SupervisorUnavailableError } from './client.js';
export {
  ensureSupervisor,
  supervisorLaunchCommand,
  SupervisorStartError,
  type EnsureSupervisorOptions,
} from './ensure.js';
export { waitForHealthy, WaitForHealthyError, type WaitProgress } from './wait.js';
export {
  acquireLock,
  readLockHolder,
  LockHeldError,
  type Lock,
  type LockHolder,
  type LockOptions,
} from './lock.js';
export { writeDesiredSpecs, readDesiredSpecs, DesiredSpecError } from './desired.js';
export { supervisorPaths, type SupervisorPaths } from './paths.js';
export { readLogTail } from './log-tail.js';
export { readStatusFile, type StatusFile } from './status-file.js';
export { SETTINGS_ENV } from './settings.js';
export type { ApplyResult } from './supervisor.js';
export type { ProcessAction, SupervisorInfo } from './control-server.js';
export {
  createMetricsServer,
  processMetricsRegistry,
  readMetricsSettings,
  writeMetricsSettings,
  type MetricsSettings,
} from './metrics.js';
export { startLevels, startOrder, stopLevels, DependencyError } from './order.js';
