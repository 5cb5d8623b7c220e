import { dirname, join, resolve } from 'node:path';
import {
  nodeExporterRuns,
  statsdExporterRuns,
  type LakehouseValues,
} from '../../../platform/config/index.js';
import type { ComponentName, ProcessSpec } from '../process-spec.js';
import type { PlatformSecrets } from '../secrets.js';
import {
  alertmanagerLaunch,
  nodeExporterLaunch,
  prometheusLaunch,
  statsdExporterLaunch,
  statsdMappingFile,
  type LaunchSpec,
  type ObservabilityPaths,
} from '../observability/index.js';
import { trinoLaunch } from '../trino/index.js';
import {
  airflowEnv,
  airflowPaths,
  airflowProcessSpecs,
  trinoConnectionUri,
} from '../airflow/index.js';
import type { AirflowEnv } from '../install/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';
import { TRINO_COORDINATOR, trinoWorker, type PlatformLayout } from './layout.js';
import { consoleUrl } from './endpoints.js';

/** What the installers produced: the binaries and runtimes the processes run. */
export interface InstalledComponents {
  node: string;
  lakehouseBin: string;
  minio?: string;
  java?: { javaHome: string };
  trinoServer?: string;
  prometheus?: string;
  alertmanager?: string;
  nodeExporter?: string;
  statsdExporter?: string;
  airflow?: AirflowEnv;
}

export interface SpecInput {
  values: LakehouseValues;
  /** The environment's name: the console re-reads its values (and the release history). */
  env: string;
  layout: PlatformLayout;
  secrets: PlatformSecrets;
  installed: InstalledComponents;
  observability?: ObservabilityPaths;
  /** PATH and HOME for processes that need them; nothing else of the CLI's environment leaks in. */
  baseEnv: Record<string, string>;
}

const loopback = (port: number, path = ''): string => `http://127.0.0.1:${port}${path}`;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`internal: ${what} was not installed before building specs`);
  return value;
}

/** The environment of Airflow's processes and of its one-shot database steps. */
export function airflowProcessEnv(
  values: LakehouseValues,
  layout: PlatformLayout,
  secrets: PlatformSecrets,
  airflow: AirflowEnv,
  baseEnv: Record<string, string>,
): Record<string, string> {
  return airflowEnv({
    paths: airflowPaths(layout.stateDir),
    venvBin: dirname(airflow.python),
    dagsFolder: airflowDagsFolder(values),
    port: values.airflow.port,
    schedulerHealthPort: values.airflow.schedulerHealthPort,
    workerLogServerPort: values.airflow.workerLogServerPort,
    triggererLogServerPort: values.airflow.triggererLogServerPort,
    parallelism: values.airflow.parallelism,
    ...(statsdExporterRuns(values)
      ? { statsdPort: values.observability.statsdExporter.statsdPort }
      : {}),
    retention: values.retention,
    secrets: secrets.airflow,
    baseEnv,
  });
}

/** DAGs are loaded from the repository, so a DAG edited there is picked up without a deploy. */
/** `airflow.dagsFolder`, relative to the repository unless absolute. */
export const airflowDagsFolder = (values: LakehouseValues): string =>
  resolve(repoRoot, values.airflow.dagsFolder);

/** `trino_default`: the platform's Trino coordinator, catalog `iceberg`, user `lakehouse`. */
export function airflowTrinoConnUri(values: LakehouseValues): string {
  return trinoConnectionUri({
    port: values.trino.coordinator.port,
    user: 'lakehouse',
    catalog: 'iceberg',
  });
}

/** The catalog's database URL from `icebergCatalog.database` (`sqlite` = a file in the state dir). */
export function catalogDatabaseUrl(values: LakehouseValues, layout: PlatformLayout): string {
  const db = values.icebergCatalog.database;
  return db === 'sqlite' ? `sqlite:${layout.catalogDb}` : db;
}

/**
 * Every process of the enabled components, grouped by component in the runbook's order. Pure:
 * the same values, secrets and installs always give the same specs, so the supervisor restarts
 * exactly the processes whose spec changed.
 */
export function buildProcessSpecs(input: SpecInput): Map<ComponentName, ProcessSpec[]> {
  const { values, layout, secrets, installed, baseEnv, env } = input;
  const out = new Map<ComponentName, ProcessSpec[]>();
  const minioEndpoint = loopback(values.minio.ports.api);

  const obs = values.observability;
  if (
    obs.prometheus.enabled ||
    obs.alertmanager.enabled ||
    nodeExporterRuns(values) ||
    statsdExporterRuns(values)
  ) {
    const paths = (): ObservabilityPaths =>
      need(input.observability, 'observability configuration');
    const specs: ProcessSpec[] = [];
    /** One observability process: a single port, healthy when its launch's health URL answers. */
    const observabilityProcess = (
      name: string,
      version: string,
      port: number,
      launch: LaunchSpec,
    ): number =>
      specs.push({
        name,
        component: 'observability',
        version,
        command: launch.command,
        args: launch.args,
        env: launch.env,
        ports: [port],
        health: { url: launch.healthUrl },
        dependsOn: [],
      });
    if (obs.alertmanager.enabled) {
      observabilityProcess(
        'alertmanager',
        obs.alertmanager.version,
        obs.alertmanager.port,
        alertmanagerLaunch({
          binary: need(installed.alertmanager, 'Alertmanager'),
          configFile: paths().alertmanagerConfig,
          dataDir: paths().alertmanagerData,
          port: obs.alertmanager.port,
        }),
      );
    }
    if (obs.prometheus.enabled) {
      observabilityProcess(
        'prometheus',
        obs.prometheus.version,
        obs.prometheus.port,
        prometheusLaunch({
          binary: need(installed.prometheus, 'Prometheus'),
          configFile: paths().prometheusConfig,
          dataDir: paths().prometheusData,
          port: obs.prometheus.port,
          retention: obs.prometheus.retention,
        }),
      );
    }
    if (nodeExporterRuns(values)) {
      const port = obs.nodeExporter.port;
      const binary = need(installed.nodeExporter, 'node-exporter');
      observabilityProcess(
        'node-exporter',
        versions.nodeExporter.version,
        port,
        nodeExporterLaunch({ binary, port }),
      );
    }
    // Airflow's metrics bridge: part of observability, so it runs before Airflow sends to it.
    if (statsdExporterRuns(values)) {
      const { port, statsdPort } = obs.statsdExporter;
      observabilityProcess(
        'statsd-exporter',
        versions.statsdExporter.version,
        port,
        statsdExporterLaunch({
          binary: need(installed.statsdExporter, 'statsd_exporter'),
          port,
          statsdPort,
          mappingFile: statsdMappingFile(repoRoot),
        }),
      );
    }
    out.set('observability', specs);
  }

  if (values.minio.enabled) {
    out.set('minio', [
      {
        name: 'minio',
        component: 'minio',
        version: values.minio.version,
        command: need(installed.minio, 'MinIO'),
        args: [
          'server',
          layout.minioData,
          '--address',
          `127.0.0.1:${values.minio.ports.api}`,
          '--console-address',
          `127.0.0.1:${values.minio.ports.console}`,
          // Without --quiet MinIO's banner prints the root credentials into its log.
          '--quiet',
        ],
        env: {
          ...baseEnv,
          MINIO_ROOT_USER: secrets.minio.rootUser,
          MINIO_ROOT_PASSWORD: secrets.minio.rootPassword,
          MINIO_BROWSER_REDIRECT: 'off',
        },
        ports: [values.minio.ports.api, values.minio.ports.console],
        health: { url: loopback(values.minio.ports.api, '/minio/health/live') },
        dependsOn: [],
      },
    ]);
  }

  if (values.icebergCatalog.enabled) {
    const port = values.icebergCatalog.port;
    out.set('iceberg-catalog', [
      {
        name: 'iceberg-catalog',
        component: 'iceberg-catalog',
        version: 'lakehouse',
        command: installed.node,
        args: [
          installed.lakehouseBin,
          'catalog',
          'serve',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--db',
          catalogDatabaseUrl(values, layout),
          '--warehouse',
          values.icebergCatalog.warehouse,
          '--s3-endpoint',
          minioEndpoint,
          '--s3-path-style',
          '--s3-region',
          'us-east-1',
          // Trino (and any client that asks) gets per-table keys from MinIO's STS, not these.
          '--vended-credentials',
        ],
        env: {
          ...baseEnv,
          AWS_ACCESS_KEY_ID: secrets.minio.rootUser,
          AWS_SECRET_ACCESS_KEY: secrets.minio.rootPassword,
          AWS_REGION: 'us-east-1',
        },
        ports: [port],
        health: { url: loopback(port, '/v1/config') },
        dependsOn: values.minio.enabled ? ['minio'] : [],
      },
    ]);
  }

  if (values.trino.enabled) {
    const java = need(installed.java, 'Java runtime');
    const serverDir = need(installed.trinoServer, 'Trino server');
    const node = (nodeId: string, port: number, dependsOn: string[]): ProcessSpec => {
      const dir = layout.trinoNode(nodeId);
      const launch = trinoLaunch({
        serverDir,
        etcDir: join(dir, 'etc'),
        dataDir: join(dir, 'data'),
        java,
        baseEnv,
      });
      return {
        name: nodeId,
        component: 'trino',
        version: values.trino.version,
        command: launch.command,
        args: launch.args,
        env: launch.env,
        ports: [port],
        health: { url: loopback(port, '/v1/info') },
        dependsOn,
        // A JVM on two busy cores takes a while; Trino drains running queries on SIGTERM.
        startTimeoutMs: 300_000,
        stopTimeoutMs: 30_000,
      };
    };
    const deps = values.icebergCatalog.enabled ? ['iceberg-catalog'] : [];
    const specs = [node(TRINO_COORDINATOR, values.trino.coordinator.port, deps)];
    for (let i = 0; i < values.trino.workers.count; i++) {
      specs.push(node(trinoWorker(i), values.trino.workers.basePort + i, [TRINO_COORDINATOR]));
    }
    out.set('trino', specs);
  }

  if (values.airflow.enabled) {
    const airflow = need(installed.airflow, 'Airflow');
    out.set(
      'airflow',
      airflowProcessSpecs({
        airflow: airflow.airflow,
        version: airflow.version,
        port: values.airflow.port,
        schedulerHealthPort: values.airflow.schedulerHealthPort,
        workerLogServerPort: values.airflow.workerLogServerPort,
        triggererLogServerPort: values.airflow.triggererLogServerPort,
        env: airflowProcessEnv(values, layout, secrets, airflow, baseEnv),
        cwd: airflowPaths(layout.stateDir).home,
      }),
    );
  }

  if (values.console.enabled)
    out.set('console', [consoleSpec(values, layout, installed, baseEnv, env)]);
  return out;
}

/**
 * The console: `lakehouse console serve` on the configured address. It reads the platform's
 * state (supervisor socket, release history, secrets/console-token) from the state directory,
 * and no credential of another component is in its environment.
 */
function consoleSpec(
  values: LakehouseValues,
  layout: PlatformLayout,
  installed: InstalledComponents,
  baseEnv: Record<string, string>,
  env: string,
): ProcessSpec {
  const { host, port } = values.console;
  return {
    name: 'console',
    component: 'console',
    version: 'lakehouse',
    command: installed.node,
    args: [
      installed.lakehouseBin,
      'console',
      'serve',
      '--env',
      env,
      '--host',
      host,
      '--port',
      String(port),
    ],
    env: { ...baseEnv, LAKEHOUSE_HOME: layout.stateDir },
    ports: [port],
    // Where a browser reaches it: loopback for the wildcard address, else the address it binds.
    health: { url: `${consoleUrl(values)}healthz` },
    dependsOn: [],
    stopTimeoutMs: 5_000,
    startTimeoutMs: 30_000,
  };
}
