import type { ProcessSpec } from '../process-spec.js';

export const AIRFLOW_API_SERVER = 'airflow-api-server';
export const AIRFLOW_SCHEDULER = 'airflow-scheduler';
export const AIRFLOW_DAG_PROCESSOR = 'airflow-dag-processor';
export const AIRFLOW_TRIGGERER = 'airflow-triggerer';

export interface AirflowSpecInput {
  /** The venv's `airflow` console script. */
  airflow: string;
  version: string;
  port: number;
  schedulerHealthPort: number;
  /** Ports of the scheduler's and the triggerer's task-log servers: listed so `up` knows they are ours. */
  workerLogServerPort: number;
  triggererLogServerPort: number;
  env: Record<string, string>;
  cwd: string;
}

/**
 * Airflow's four processes. The API server comes first: the other three reach the database
 * directly but their task workers and the UI go through it. The scheduler serves its own
 * liveness endpoint; the DAG processor and the triggerer serve none, so their health is the API
 * server's `/api/v2/monitor/health` (which reports their heartbeats) and their liveness is the
 * supervisor's restart and crashloop detection.
 */
export function airflowProcessSpecs(input: AirflowSpecInput): ProcessSpec[] {
  const apiHealth = `http://127.0.0.1:${input.port}/api/v2/monitor/health`;
  const common = {
    component: 'airflow' as const,
    version: input.version,
    command: input.airflow,
    env: input.env,
    cwd: input.cwd,
    // Importing Airflow takes seconds on a busy machine; tasks finish on SIGTERM.
    startTimeoutMs: 240_000,
    stopTimeoutMs: 30_000,
  };
  return [
    {
      ...common,
      name: AIRFLOW_API_SERVER,
      args: ['api-server', '--host', '127.0.0.1', '--port', String(input.port)],
      ports: [input.port],
      health: { url: apiHealth },
      dependsOn: [],
    },
    {
      ...common,
      name: AIRFLOW_SCHEDULER,
      args: ['scheduler'],
      ports: [input.schedulerHealthPort, input.workerLogServerPort],
      health: { url: `http://127.0.0.1:${input.schedulerHealthPort}/health` },
      dependsOn: [AIRFLOW_API_SERVER],
    },
    {
      ...common,
      name: AIRFLOW_DAG_PROCESSOR,
      args: ['dag-processor'],
      ports: [],
      health: { url: apiHealth },
      dependsOn: [AIRFLOW_API_SERVER],
    },
    {
      ...common,
      name: AIRFLOW_TRIGGERER,
      args: ['triggerer'],
      ports: [input.triggererLogServerPort],
      health: { url: apiHealth },
      dependsOn: [AIRFLOW_API_SERVER],
    },
  ];
}
