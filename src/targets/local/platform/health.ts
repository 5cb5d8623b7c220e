import { setTimeout as sleep } from 'node:timers/promises';
import type { LakehouseValues } from '../../../platform/config/index.js';
import type { ComponentName } from '../process-spec.js';
import { UserError } from '../../../lib/index.js';
import { activeWorkers, isReady, TrinoClient } from '../trino/index.js';

/** How long a component's processes may take to get healthy after a start or restart. */
export const HEALTH_TIMEOUT_MS: Record<ComponentName, number> = {
  observability: 60_000,
  minio: 60_000,
  'iceberg-catalog': 60_000,
  trino: 300_000,
  airflow: 300_000,
  console: 30_000,
};

/**
 * Waits until the coordinator sees the configured number of active workers and answers SELECT 1,
 * in that order: the scheduler learns of active workers a few seconds after system.runtime.nodes
 * lists them, and until then a query fails with "No nodes available".
 */
export async function waitForTrino(
  values: LakehouseValues,
  onDetail: (d: string) => void,
  deadline = Date.now() + HEALTH_TIMEOUT_MS.trino,
): Promise<void> {
  const baseUrl = `http://127.0.0.1:${values.trino.coordinator.port}`;
  const client = new TrinoClient({ baseUrl, requestTimeoutMs: 15_000 });
  const wanted = values.trino.workers.count;
  const started = Date.now();
  while (Date.now() < deadline) {
    const workers = await activeWorkers(client).catch(() => -1);
    if (workers >= wanted) {
      if (await isReady(baseUrl)) return;
      onDetail('waiting for SELECT 1');
    } else {
      onDetail(`${Math.max(0, workers)} of ${wanted} workers active`);
    }
    await sleep(1000);
  }
  throw new UserError(
    `Trino did not answer SELECT 1 with ${wanted} active workers within ${Math.round((Date.now() - started) / 1000)} s`,
    'see `lakehouse logs trino-coordinator` and `lakehouse diagnose trino`',
  );
}
