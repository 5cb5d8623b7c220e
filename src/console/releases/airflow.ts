import type { LakehouseValues } from '../../platform/config/index.js';
import {
  AIRFLOW_OFF_HELP,
  AirflowApiError,
  AirflowCredentialsError,
  AirflowUnreachableError,
  failedTasks,
  localAirflowClient,
  localAirflowUrl,
  type AirflowClient,
} from '../../targets/local/airflow/index.js';
import type { ConsoleDagRunDetail, ConsolePipelines } from '../api.js';
import { availablePipelines, LAST_RUNS, runDetail, unavailablePipelines } from './pipelines.js';

/** The calls the console makes; a test may hand in anything that answers them. */
export type PipelinesClient = Pick<
  AirflowClient,
  'listDags' | 'listDagRuns' | 'listImportErrors' | 'getDagRun' | 'listTaskInstances' | 'taskLog'
>;

/**
 * Airflow as the console reaches it now: a logged-in client (`forget` drops it, so the next
 * request logs in again: after a refused token or a rotated password), or why there is none.
 */
export type AirflowAccess =
  { ok: true; client: PipelinesClient; forget: () => void } | { ok: false; reason: string };

/** Long enough for a busy API server, short enough that the page never hangs on it. */
export const AIRFLOW_TIMEOUT_MS = 10_000;

/**
 * The local platform's Airflow, on the port of the values in effect, logged in as the admin
 * user `lakehouse up` wrote into the state directory. The client (and its token) is kept
 * between requests: logging in on every refresh would be a POST /auth/token every 10 s.
 */
export function localAirflowAccess(opts: {
  stateDir: string;
  values: () => Promise<LakehouseValues>;
}): () => Promise<AirflowAccess> {
  let cached: { baseUrl: string; client: AirflowClient } | undefined;
  const forget = (): void => {
    cached = undefined;
  };
  return async () => {
    const values = await opts.values();
    if (!values.airflow.enabled) {
      return {
        ok: false,
        reason: `Airflow is switched off (airflow.enabled: false): ${AIRFLOW_OFF_HELP}`,
      };
    }
    const baseUrl = localAirflowUrl(values);
    if (cached?.baseUrl !== baseUrl) {
      try {
        const client = await localAirflowClient({
          stateDir: opts.stateDir,
          baseUrl,
          timeoutMs: AIRFLOW_TIMEOUT_MS,
        });
        cached = { baseUrl, client };
      } catch (err) {
        return { ok: false, reason: airflowProblem(err) };
      }
    }
    return { ok: true, client: cached.client, forget };
  };
}

/** Why Airflow could not answer, with what to do, in words for the page. */
export function airflowProblem(err: unknown): string {
  if (err instanceof AirflowUnreachableError) {
    return `${err.message}; is the platform up? \`lakehouse status\`, \`lakehouse up\``;
  }
  if (err instanceof AirflowApiError && (err.status === 401 || err.status === 403)) {
    return `Airflow refused the console's admin login (${err.status}: ${err.detail}); \`lakehouse up\` rewrites Airflow's passwords file`;
  }
  if (err instanceof AirflowCredentialsError) {
    return `${err.message}; \`lakehouse up\` writes them when Airflow is enabled`;
  }
  return err instanceof Error ? err.message : String(err);
}

const refused = (err: unknown): boolean =>
  err instanceof AirflowApiError && (err.status === 401 || err.status === 403);

/**
 * Runs `work` with a client; a refused login is tried once more with a new one (the token
 * expired, or the password was rotated under a running console).
 */
async function withClient<T>(
  access: () => Promise<AirflowAccess>,
  work: (client: PipelinesClient) => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; reason: string; error?: unknown }> {
  for (let attempt = 0; ; attempt++) {
    const a = await access();
    if (!a.ok) return { ok: false, reason: a.reason };
    try {
      return { ok: true, value: await work(a.client) };
    } catch (err) {
      if (refused(err)) a.forget();
      if (refused(err) && attempt === 0) continue;
      return { ok: false, reason: airflowProblem(err), error: err };
    }
  }
}

/** GET /api/pipelines: every DAG with its last runs, and the DAG files that failed to import. */
export async function readPipelines(
  access: () => Promise<AirflowAccess>,
): Promise<ConsolePipelines> {
  const read = await withClient(access, async (client) => {
    const [dags, importErrors] = await Promise.all([client.listDags(), client.listImportErrors()]);
    const withRuns = await Promise.all(
      dags.map(async (dag) => ({ dag, runs: await client.listDagRuns(dag.dagId, LAST_RUNS) })),
    );
    return availablePipelines(withRuns, importErrors);
  });
  return read.ok ? read.value : unavailablePipelines(read.reason);
}

export type RunDetailAnswer =
  { status: 200; body: ConsoleDagRunDetail } | { status: 404 | 502 | 503; body: { error: string } };

/**
 * GET /api/pipelines/:dagId/runs/:runId (ids checked by the caller): the run, its tasks and the
 * log tail of each failed task's try. Airflow's 404 passes through with its message; Airflow off,
 * down or refusing the login is 503; anything else it answers is 502.
 */
export async function readRunDetail(
  access: () => Promise<AirflowAccess>,
  dagId: string,
  runId: string,
): Promise<RunDetailAnswer> {
  const read = await withClient(access, async (client) => {
    const [run, tasks] = await Promise.all([
      client.getDagRun(dagId, runId),
      client.listTaskInstances(dagId, runId),
    ]);
    const failures = await Promise.all(
      failedTasks(tasks).map(async (task) => ({
        task,
        log: await client
          .taskLog(dagId, runId, task.taskId, task.tryNumber, task.mapIndex)
          .catch((err: unknown) => ({ error: airflowProblem(err) })),
      })),
    );
    return runDetail(run, tasks, failures);
  });
  if (read.ok) return { status: 200, body: read.value };
  const err = read.error;
  if (err instanceof AirflowApiError && err.status === 404) {
    return { status: 404, body: { error: err.detail } };
  }
  const unavailable = err === undefined || err instanceof AirflowUnreachableError || refused(err);
  return { status: unavailable ? 503 : 502, body: { error: read.reason } };
}
