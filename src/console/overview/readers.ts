import { z } from 'zod';
import { COMPONENTS, deployedRelease, isEnabled, settingsOf, versionOf } from '../../ops/index.js';
import type { LakehouseValues } from '../../platform/config/index.js';
import type { ProcessStatus } from '../../targets/local/process-spec.js';
import { readAllHistories } from '../../targets/local/releases/index.js';
import {
  SupervisorClient,
  SupervisorUnavailableError,
} from '../../targets/local/supervisor/index.js';
import type { AlertmanagerAlert, ExpectedComponent, PrometheusTarget, Read } from './assemble.js';
import { readJson } from './http.js';

/** The small I/O readers the overview is assembled from; each returns a `Read`, never throws. */

const loopback = (port: number): string => `http://127.0.0.1:${port}`;

export async function readProcesses(stateDir: string): Promise<Read<ProcessStatus[]>> {
  try {
    return { ok: true, value: await SupervisorClient.forStateDir(stateDir).status() };
  } catch (err) {
    if (err instanceof SupervisorUnavailableError) {
      return { ok: false, error: 'the supervisor is not running: `lakehouse up` starts it' };
    }
    return { ok: false, error: `the supervisor: ${(err as Error).message}` };
  }
}

/** Deployed revision of each component with a release history. */
export function readRevisions(stateDir: string): Read<Record<string, number>> {
  try {
    const out: Record<string, number> = {};
    for (const [component, history] of Object.entries(readAllHistories(stateDir))) {
      const deployed = deployedRelease(history);
      if (deployed) out[component] = deployed.revision;
    }
    return { ok: true, value: out };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/**
 * The components the values run, in the runbook's order, the console last. The catalog and the
 * console ship with the CLI: their version is the CLI's (the release record says only
 * `lakehouse`, which tells an operator nothing).
 */
export function expectedComponents(
  values: LakehouseValues,
  consoleVersion: string,
): ExpectedComponent[] {
  const out: ExpectedComponent[] = COMPONENTS.filter((c) => isEnabled(c, values)).map((c) => ({
    name: c,
    version:
      c === 'iceberg-catalog' ? `lakehouse ${consoleVersion}` : versionOf(c, settingsOf(c, values)),
  }));
  if (values.console.enabled) out.push({ name: 'console', version: consoleVersion });
  return out;
}

const alertSchema = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()).default({}),
    startsAt: z.string(),
    status: z.object({ state: z.string() }),
  }),
);

export async function readAlerts(values: LakehouseValues): Promise<Read<AlertmanagerAlert[]>> {
  const am = values.observability.alertmanager;
  if (!am.enabled) return { ok: true, value: [] };
  return readJson(
    'Alertmanager',
    `${loopback(am.port)}/api/v2/alerts?active=true&silenced=false&inhibited=false`,
    alertSchema,
  );
}

const targetsSchema = z.object({
  data: z.object({
    activeTargets: z.array(
      z.object({
        labels: z.record(z.string(), z.string()),
        health: z.string(),
        lastError: z.string().default(''),
      }),
    ),
  }),
});

export async function readTargets(values: LakehouseValues): Promise<Read<PrometheusTarget[]>> {
  const prom = values.observability.prometheus;
  if (!prom.enabled) return { ok: true, value: [] };
  const read = await readJson(
    'Prometheus',
    `${loopback(prom.port)}/api/v1/targets?state=active`,
    targetsSchema,
  );
  return read.ok ? { ok: true, value: read.value.data.activeTargets } : read;
}
