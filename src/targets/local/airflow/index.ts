/** Airflow on the local target: its environment, processes, database preparation and admin login. */
export {
  AIRFLOW_ADMIN_USER,
  airflowEnv,
  airflowPaths,
  trinoConnectionUri,
  type AirflowEnvInput,
  type AirflowPaths,
} from './config.js';
export {
  AIRFLOW_API_SERVER,
  AIRFLOW_DAG_PROCESSOR,
  AIRFLOW_SCHEDULER,
  AIRFLOW_TRIGGERER,
  airflowProcessSpecs,
  type AirflowSpecInput,
} from './specs.js';
export { readAdminCredentials, writeAdminCredentials } from './credentials.js';
export { prepareAirflowDatabase } from './migrate.js';
export {
  AIRFLOW_OFF_HELP,
  AirflowCredentialsError,
  localAirflowClient,
  localAirflowUrl,
} from './connect.js';
export { failedTasks, LOG_TAIL_LINES, tail } from './failures.js';
export {
  AirflowApiError,
  AirflowClient,
  AirflowUnreachableError,
  type AirflowDag,
  type AirflowDagRun,
  type AirflowImportError,
  type AirflowTaskInstance,
} from './client.js';
