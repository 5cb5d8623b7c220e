/** Releases and pipelines: each component's release history, Airflow's DAGs, runs and failed tasks. */
export {
  AIRFLOW_TIMEOUT_MS,
  airflowProblem,
  localAirflowAccess,
  readPipelines,
  readRunDetail,
  type AirflowAccess,
  type PipelinesClient,
  type RunDetailAnswer,
} from './airflow.js';
export { consoleReleases, toConsoleRelease, type ComponentHistory } from './history.js';
export { checkRunIds, type IdCheck } from './ids.js';
export {
  availablePipelines,
  LAST_RUNS,
  logTail,
  MAX_LOG_LINE,
  runDetail,
  toConsoleDag,
  toConsoleRun,
  toConsoleTask,
  unavailablePipelines,
  type TaskFailure,
} from './pipelines.js';
export { registerReleaseRoutes, type ReleasesDeps } from './routes.js';
export { readReleases } from './store.js';
