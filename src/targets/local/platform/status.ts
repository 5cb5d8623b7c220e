import { existsSync } from 'node:fs';
import {
  nodeExporterRuns,
  statsdExporterRuns,
  type LakehouseValues,
} from '../../../platform/config/index.js';
import { versions } from '../../../platform/versions.js';
import { join } from 'node:path';
import { cacheRoot } from '../../../platform/install/index.js';
import { goBinaryPath } from '../install/index.js';
import { versions as pinned } from '../../../platform/versions.js';
import {
  AIRFLOW_API_SERVER,
  AIRFLOW_DAG_PROCESSOR,
  AIRFLOW_SCHEDULER,
  AIRFLOW_TRIGGERER,
} from '../airflow/index.js';
import { trinoCacheDir } from '../install/trino.js';
import {
  ALERTMANAGER_BINARY,
  fetchScrapeTargets,
  NODE_EXPORTER_BINARY,
  PROMETHEUS_BINARY,
  type ScrapeTarget,
} from '../observability/index.js';
import type { ComponentName, ProcessStatus } from '../process-spec.js';
import type { ObservedRotation } from '../../../ops/index.js';
import {
  SupervisorClient,
  SupervisorUnavailableError,
  supervisorPaths,
} from '../supervisor/index.js';
import { TRINO_COORDINATOR, trinoWorker } from './layout.js';
import { deployedValues, readPaused, readRotation } from '../releases/store.js';

export type DisplayState = ProcessStatus['state'] | 'not installed';

export interface ProcessRow {
  name: string;
  component: ComponentName;
  state: DisplayState;
  version: string;
  pid: number | null;
  ports: number[];
  health: 'healthy' | 'unhealthy' | '-';
  uptimeSeconds: number | null;
  restarts: number;
  paused: boolean;
}

interface Expected {
  name: string;
  component: ComponentName;
  version: string;
  ports: number[];
  installed: () => boolean;
}

/** The processes the values call for, whether or not anything runs. */
function expectedProcesses(values: LakehouseValues): Expected[] {
  const out: Expected[] = [];
  const obs = values.observability;
  if (obs.alertmanager.enabled) {
    out.push({
      name: 'alertmanager',
      component: 'observability',
      version: obs.alertmanager.version,
      ports: [obs.alertmanager.port],
      installed: () => existsSync(ALERTMANAGER_BINARY),
    });
  }
  if (obs.prometheus.enabled) {
    out.push({
      name: 'prometheus',
      component: 'observability',
      version: obs.prometheus.version,
      ports: [obs.prometheus.port],
      installed: () => existsSync(PROMETHEUS_BINARY),
    });
  }
  if (nodeExporterRuns(values)) {
    out.push({
      name: 'node-exporter',
      component: 'observability',
      version: pinned.nodeExporter.version,
      ports: [obs.nodeExporter.port],
      installed: () => existsSync(NODE_EXPORTER_BINARY),
    });
  }
  if (statsdExporterRuns(values)) {
    out.push({
      name: 'statsd-exporter',
      component: 'observability',
      version: pinned.statsdExporter.version,
      ports: [obs.statsdExporter.port],
      installed: () => existsSync(goBinaryPath('statsd_exporter')),
    });
  }
  if (values.minio.enabled) {
    out.push({
      name: 'minio',
      component: 'minio',
      version: values.minio.version,
      ports: [values.minio.ports.api, values.minio.ports.console],
      installed: () => existsSync(goBinaryPath('minio')),
    });
  }
  if (values.icebergCatalog.enabled) {
    out.push({
      name: 'iceberg-catalog',
      component: 'iceberg-catalog',
      version: 'lakehouse',
      ports: [values.icebergCatalog.port],
      installed: () => true,
    });
  }
  if (values.trino.enabled) {
    const installed = () =>
      existsSync(trinoCacheDir(values.trino.version || versions.trino.version));
    out.push({
      name: TRINO_COORDINATOR,
      component: 'trino',
      version: values.trino.version,
      ports: [values.trino.coordinator.port],
      installed,
    });
    for (let i = 0; i < values.trino.workers.count; i++) {
      out.push({
        name: trinoWorker(i),
        component: 'trino',
        version: values.trino.version,
        ports: [values.trino.workers.basePort + i],
        installed,
      });
    }
  }
  if (values.airflow.enabled) {
    const installed = () => existsSync(join(cacheRoot(), 'airflow'));
    const { port, schedulerHealthPort, version } = values.airflow;
    for (const [name, ports] of [
      [AIRFLOW_API_SERVER, [port]],
      [AIRFLOW_SCHEDULER, [schedulerHealthPort]],
      [AIRFLOW_DAG_PROCESSOR, []],
      [AIRFLOW_TRIGGERER, []],
    ] as const) {
      out.push({ name, component: 'airflow', version, ports: [...ports], installed });
    }
  }
  if (values.console.enabled) {
    // Ships with the CLI: nothing to install.
    out.push({
      name: 'console',
      component: 'console',
      version: 'lakehouse',
      ports: [values.console.port],
      installed: () => true,
    });
  }
  return out;
}

export interface PlatformStatus {
  supervisor: { running: boolean; pid: number | null };
  processes: ProcessRow[];
  /** Prometheus' scrape targets; null when Prometheus is disabled or not running. */
  scrapeTargets: ScrapeTarget[] | null;
  /** Components whose reconciliation is paused (`rollback --emergency`) until `resume`. */
  pausedComponents: ComponentName[];
  /** A credential rotation running now or interrupted (`secrets rotate`); null when none. */
  rotation: ObservedRotation | null;
}

/** What runs, merged with what the values call for: a component never started shows as stopped. */
export async function statusLocal(opts: {
  stateDir: string;
  values: LakehouseValues;
  now?: number;
}): Promise<PlatformStatus> {
  const client = new SupervisorClient(supervisorPaths(opts.stateDir).socket);
  let live: ProcessStatus[] = [];
  let pid: number | null = null;
  try {
    pid = await client.ping();
    live = await client.status();
  } catch (err) {
    if (!(err instanceof SupervisorUnavailableError)) throw err;
  }
  const now = opts.now ?? Date.now();
  const byName = new Map(live.map((p) => [p.name, p]));
  const rows: ProcessRow[] = [];
  const toRow = (p: ProcessStatus): ProcessRow => ({
    name: p.name,
    component: p.component,
    state: p.state,
    version: p.version,
    pid: p.pid,
    ports: p.ports,
    health: p.pid === null ? '-' : p.healthy ? 'healthy' : 'unhealthy',
    uptimeSeconds: p.startedAt === null ? null : Math.round((now - p.startedAt) / 1000),
    restarts: p.restarts,
    paused: (p as ProcessStatus & { paused?: boolean }).paused ?? false,
  });
  // What runs is the deployed releases' settings (e.g. a scaled worker count), not the env's.
  const values = deployedValues(opts.values, opts.stateDir);
  for (const e of expectedProcesses(values)) {
    const p = byName.get(e.name);
    byName.delete(e.name);
    if (p) {
      rows.push(toRow(p));
      continue;
    }
    rows.push({
      name: e.name,
      component: e.component,
      state: e.installed() ? 'stopped' : 'not installed',
      version: e.version,
      pid: null,
      ports: e.ports,
      health: '-',
      uptimeSeconds: null,
      restarts: 0,
      paused: false,
    });
  }
  // Processes still running that the values no longer ask for (until the next `up`).
  for (const p of byName.values()) rows.push(toRow(p));
  const prometheus = opts.values.observability.prometheus;
  const prometheusRuns = rows.some((r) => r.name === 'prometheus' && r.pid !== null);
  const scrapeTargets =
    prometheus.enabled && prometheusRuns ? await fetchScrapeTargets(prometheus.port) : null;
  return {
    supervisor: { running: pid !== null, pid },
    processes: rows,
    scrapeTargets,
    pausedComponents: readPaused(opts.stateDir),
    rotation: readRotation(opts.stateDir),
  };
}
