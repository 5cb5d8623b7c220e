import { join } from 'node:path';

/** Where Airflow keeps its home, database and logs under the platform's state directory. */
export function airflowPaths(stateDir: string) {
  const home = join(stateDir, 'airflow');
  return {
    home,
    database: join(home, 'airflow.db'),
    logs: join(home, 'logs'),
    /** SimpleAuthManager's passwords file: `{"admin": "<password>"}`, mode 0600. */
    adminCredentials: join(stateDir, 'secrets', 'airflow-admin.json'),
  };
}

export type AirflowPaths = ReturnType<typeof airflowPaths>;

export const AIRFLOW_ADMIN_USER = 'admin';

export interface AirflowEnvInput {
  paths: AirflowPaths;
  /** The venv's bin directory, first on PATH so every `airflow` a process spawns is ours. */
  venvBin: string;
  dagsFolder: string;
  port: number;
  schedulerHealthPort: number;
  workerLogServerPort: number;
  triggererLogServerPort: number;
  parallelism: number;
  /** statsd_exporter's UDP port on 127.0.0.1; Airflow sends its StatsD metrics there. */
  statsdPort?: number;
  /** The environment's `retention:` values; the maintenance DAG reads them as a Variable. */
  retention?: Record<string, string | number>;
  secrets: { jwtSecret: string; apiSecretKey: string; fernetKey: string };
  baseEnv: Record<string, string>;
}

/**
 * The whole environment of every Airflow process and of `airflow db migrate`: configuration by
 * AIRFLOW__SECTION__KEY variables only, so no airflow.cfg can drift from the values. Pure.
 *
 * LocalExecutor on SQLite: Airflow 3 removed the SequentialExecutor and with it the rule that
 * SQLite allows nothing else (its own defaults are now LocalExecutor on `sqlite:///…`); task
 * processes no longer write to the database, they call the API server's execution API.
 */
export function airflowEnv(input: AirflowEnvInput): Record<string, string> {
  const { paths, port } = input;
  const api = `http://127.0.0.1:${port}`;
  return {
    ...input.baseEnv,
    PATH: `${input.venvBin}:${input.baseEnv['PATH'] ?? '/usr/local/bin:/usr/bin:/bin'}`,
    AIRFLOW_HOME: paths.home,
    // Python writes no .pyc next to the DAGs in the repository.
    PYTHONDONTWRITEBYTECODE: '1',
    AIRFLOW__CORE__DAGS_FOLDER: input.dagsFolder,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
    AIRFLOW__CORE__PARALLELISM: String(input.parallelism),
    AIRFLOW__CORE__FERNET_KEY: input.secrets.fernetKey,
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${api}/execution/`,
    AIRFLOW__CORE__AUTH_MANAGER:
      'airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${AIRFLOW_ADMIN_USER}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: paths.adminCredentials,
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${paths.database}`,
    AIRFLOW__LOGGING__BASE_LOG_FOLDER: paths.logs,
    AIRFLOW__API__HOST: '127.0.0.1',
    AIRFLOW__API__PORT: String(port),
    AIRFLOW__API__BASE_URL: api,
    // One worker: a uvicorn worker is a full Python process with Airflow imported (~200 MB).
    AIRFLOW__API__WORKERS: '1',
    AIRFLOW__API__SECRET_KEY: input.secrets.apiSecretKey,
    AIRFLOW__API_AUTH__JWT_SECRET: input.secrets.jwtSecret,
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'True',
    AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST: '127.0.0.1',
    AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT: String(input.schedulerHealthPort),
    AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: String(input.workerLogServerPort),
    AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: String(input.triggererLogServerPort),
    // Re-list the DAG folder every 60 s (not 300), parse files at most every 30 s, one parser.
    AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL: '60',
    AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL: '30',
    AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES: '1',
    // StatsD to statsd_exporter (platform/observability/statsd-mapping.yml), with tags in the
    // InfluxDB form: without it Airflow 3 drops the dag_id/task_id tags of its metrics.
    ...(input.statsdPort !== undefined
      ? {
          AIRFLOW__METRICS__STATSD_ON: 'True',
          AIRFLOW__METRICS__STATSD_HOST: '127.0.0.1',
          AIRFLOW__METRICS__STATSD_PORT: String(input.statsdPort),
          AIRFLOW__METRICS__STATSD_PREFIX: 'airflow',
          AIRFLOW__METRICS__STATSD_INFLUXDB_ENABLED: 'True',
        }
      : { AIRFLOW__METRICS__STATSD_ON: 'False' }),
    ...(input.retention
      ? { AIRFLOW_VAR_LAKEHOUSE_RETENTION: JSON.stringify(input.retention) }
      : {}),
  };
}

/**
 * The `trino_default` connection as an Airflow connection URI: the Trino provider reads the
 * catalog from the extra `catalog` (a query parameter), the schema from the URI's path.
 */
export function trinoConnectionUri(opts: { port: number; user: string; catalog: string }): string {
  return `trino://${encodeURIComponent(opts.user)}@127.0.0.1:${opts.port}/?catalog=${encodeURIComponent(opts.catalog)}`;
}
