/**
 * The whole platform on this machine: `up`, `down`, `status`, `logs` as procedures over the
 * supervisor, the installers and each component's configuration.
 */
export { upLocal, type UpOptions, type UpResult } from './up.js';
export {
  restartLocal,
  resolveRestartTarget,
  type RestartOptions,
  type RestartResult,
} from './restart.js';
export {
  clearInstallFailure,
  clearInstallFailures,
  readInstallFailures,
  recordInstallFailure,
  type InstallFailureRecord,
} from './install-failures.js';
export { downLocal, type DownResult } from './down.js';
export { statusLocal, type PlatformStatus, type ProcessRow } from './status.js';
export { followLog, resolveLogFile, tailLog } from './logs.js';
export { consoleUrl, isLoopbackHost, platformEndpoints, type Endpoint } from './endpoints.js';
export { catalogDatabaseUrl } from './specs.js';
export { TRINO_COORDINATOR, platformLayout } from './layout.js';
export { readValuesInEffect, valuesInEffectFile, writeValuesInEffect } from './values-in-effect.js';
