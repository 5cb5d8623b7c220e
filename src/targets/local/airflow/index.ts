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
