/**
 * Installers for the real components the platform runs locally (and the tests start): each one
 * builds or downloads once into the cache, atomically, and returns the path to use. The machinery
 * they share with the Kubernetes target lives in `platform/install`.
 */
export {
  ensureMc,
  ensureMinio,
  ensureStatsdExporter,
  goBinaryPath,
  type GoComponentName,
} from './go.js';
export {
  describeJavaRange,
  ensureJavaRuntime,
  javaInRange,
  parseJavaSettings,
  type JavaRuntime,
  type JavaRuntimeOptions,
} from './java.js';
export {
  ensureTrinoCli,
  ensureTrinoServer,
  trinoCacheDir,
  type TrinoInstallOptions,
} from './trino.js';
export {
  airflowRequirementsFile,
  ensureAirflowEnv,
  pinnedAirflowVersion,
  type AirflowEnv,
  type AirflowEnvOptions,
} from './airflow.js';
