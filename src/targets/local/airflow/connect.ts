import type { LakehouseValues } from '../../../platform/config/index.js';
import { AirflowClient } from './client.js';
import { airflowPaths } from './config.js';
import { readAdminCredentials } from './credentials.js';

/** What to do when Airflow is switched off in the values. */
export const AIRFLOW_OFF_HELP =
  'set airflow.enabled: true in env/<env>/helm-values.yaml (or -f a values file) and run lakehouse up';

/** The local API server's address: loopback on the values' port. */
export const localAirflowUrl = (values: LakehouseValues): string =>
  `http://127.0.0.1:${values.airflow.port}`;

/** The admin login could not be read from the state directory. */
export class AirflowCredentialsError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(
      `cannot read Airflow's admin credentials (${file}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'AirflowCredentialsError';
  }
}

/**
 * A client of the local Airflow logged in as the admin user `lakehouse up` wrote into the state
 * directory; throws AirflowCredentialsError when there is no such file yet.
 */
export async function localAirflowClient(opts: {
  stateDir: string;
  baseUrl: string;
  timeoutMs?: number;
}): Promise<AirflowClient> {
  const file = airflowPaths(opts.stateDir).adminCredentials;
  const admin = await readAdminCredentials(file).catch((err: unknown) => {
    throw new AirflowCredentialsError(file, err);
  });
  return new AirflowClient({
    baseUrl: opts.baseUrl,
    username: admin.username,
    password: admin.password,
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
}
