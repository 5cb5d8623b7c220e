import { join } from 'node:path';
import {
  durationSeconds,
  nodeExporterRuns,
  statsdExporterRuns,
  type LakehouseValues,
} from '../../../platform/config/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';
import {
  ensureAirflowEnv,
  ensureJavaRuntime,
  ensureMinio,
  ensureStatsdExporter,
  ensureTrinoCli,
  ensureTrinoServer,
} from '../install/index.js';
import type { Progress } from '../../../platform/install/index.js';
import {
  ensureAlertmanager,
  ensureNodeExporter,
  ensurePrometheus,
  writeObservabilityConfig,
  type ObservabilityPaths,
} from '../observability/index.js';
import type { ComponentName } from '../process-spec.js';
import type { PlatformSecrets } from '../secrets.js';
import {
  renderTrinoNode,
  trinoTmpDir,
  writeTrinoFiles,
  type TrinoCatalog,
} from '../trino/index.js';
import { TRINO_COORDINATOR, trinoWorker, type PlatformLayout } from './layout.js';
import { airflowDagsFolder, type InstalledComponents } from './specs.js';
import { airflowPaths, writeAdminCredentials } from '../airflow/index.js';
import { UserError } from '../../../lib/index.js';
import { mkdir } from 'node:fs/promises';

/** One install step `up` shows as a line of its own. */
export interface InstallStep {
  /** The component it installs for (recorded with a failure, for `diagnose`). */
  component: ComponentName;
  label: string;
  run(onProgress: Progress): Promise<void>;
}

/**
 * The installs the enabled components need, in the runbook's order. Each step is idempotent and
 * cached, so on an installed machine they all finish at once.
 */
export function installSteps(
  values: LakehouseValues,
  installed: InstalledComponents,
): InstallStep[] {
  const steps: InstallStep[] = [];
  const obs = values.observability;
  if (obs.prometheus.enabled) {
    steps.push({
      component: 'observability',
      label: 'Prometheus',
      run: async (onProgress) => {
        installed.prometheus = (await ensurePrometheus({ onProgress })).binary;
      },
    });
  }
  if (obs.alertmanager.enabled) {
    steps.push({
      component: 'observability',
      label: 'Alertmanager',
      run: async (onProgress) => {
        installed.alertmanager = (await ensureAlertmanager({ onProgress })).binary;
      },
    });
  }
  if (nodeExporterRuns(values)) {
    steps.push({
      component: 'observability',
      label: 'node-exporter',
      run: async (onProgress) => {
        installed.nodeExporter = (await ensureNodeExporter({ onProgress })).binary;
      },
    });
  }
  if (statsdExporterRuns(values)) {
    steps.push({
      component: 'observability',
      label: `statsd_exporter ${versions.statsdExporter.version}`,
      run: async (onProgress) => {
        installed.statsdExporter = await ensureStatsdExporter({ onProgress });
      },
    });
  }
  if (values.minio.enabled) {
    steps.push({
      component: 'minio',
      label: 'MinIO',
      run: async (onProgress) => {
        installed.minio = await ensureMinio({ onProgress });
      },
    });
  }
  if (values.trino.enabled) {
    steps.push({
      component: 'trino',
      label: `Java ${versions.trino.javaMajor}+ runtime`,
      run: async (onProgress) => {
        installed.java = await ensureJavaRuntime({
          minMajor: versions.trino.javaMajor,
          onProgress,
        });
      },
    });
    steps.push({
      component: 'trino',
      label: `Trino ${values.trino.version} server`,
      run: async (onProgress) => {
        installed.trinoServer = await ensureTrinoServer({
          version: values.trino.version,
          onProgress,
        });
      },
    });
    steps.push({
      component: 'trino',
      label: `Trino ${values.trino.version} CLI`,
      run: async (onProgress) => {
        await ensureTrinoCli({ version: values.trino.version, onProgress });
      },
    });
  }
  if (values.airflow.enabled) {
    steps.push({
      component: 'airflow',
      label: `Airflow ${values.airflow.version}`,
      run: async (onProgress) => {
        const env = await ensureAirflowEnv({ onProgress });
        if (env.version !== values.airflow.version) {
          throw new UserError(
            `airflow.version is ${values.airflow.version} but ${versions.airflow.requirementsFile} pins apache-airflow ${env.version}`,
            `set airflow.version to ${env.version}, or regenerate ${versions.airflow.requirementsFile} (pip freeze of a venv with the wanted release)`,
          );
        }
        installed.airflow = env;
      },
    });
  }
  return steps;
}

/**
 * Airflow's files before its processes start: the admin password where SimpleAuthManager reads
 * it, and the DAG folder (Airflow refuses a missing one).
 */
export async function writeAirflowFiles(
  values: LakehouseValues,
  layout: PlatformLayout,
  secrets: PlatformSecrets,
): Promise<void> {
  await writeAdminCredentials(
    airflowPaths(layout.stateDir).adminCredentials,
    secrets.airflow.adminPassword,
  );
  await mkdir(airflowDagsFolder(values), { recursive: true });
}

/** Writes every node's Trino configuration: `iceberg` (our catalog on MinIO) and `tpch`. */
export async function writeTrinoConfig(
  values: LakehouseValues,
  layout: PlatformLayout,
): Promise<void> {
  const { trino } = values;
  const coordinatorUrl = `http://127.0.0.1:${trino.coordinator.port}`;
  const catalogs: TrinoCatalog[] = [{ name: 'tpch', connector: 'tpch' }];
  if (values.icebergCatalog.enabled) {
    catalogs.push({
      name: 'iceberg',
      connector: 'iceberg',
      restUri: `http://127.0.0.1:${values.icebergCatalog.port}`,
      minRetentionSeconds: {
        expireSnapshots: durationSeconds(values.retention.snapshots),
        removeOrphanFiles: durationSeconds(values.retention.orphanFiles),
      },
      s3: {
        endpoint: `http://127.0.0.1:${values.minio.ports.api}`,
        region: 'us-east-1',
        // The catalog vends each table's own short-lived keys: Trino holds none of MinIO's.
        credentials: 'vended',
      },
    });
  }
  const nodes = [
    {
      id: TRINO_COORDINATOR,
      role: 'coordinator' as const,
      port: trino.coordinator.port,
      heap: trino.coordinator.heap,
    },
    ...Array.from({ length: trino.workers.count }, (_, i) => ({
      id: trinoWorker(i),
      role: 'worker' as const,
      port: trino.workers.basePort + i,
      heap: trino.workers.heap,
    })),
  ];
  for (const node of nodes) {
    const dir = layout.trinoNode(node.id);
    await writeTrinoFiles(
      dir,
      renderTrinoNode({
        role: node.role,
        nodeId: node.id,
        httpPort: node.port,
        coordinatorUrl,
        dataDir: join(dir, 'data'),
        tmpDir: trinoTmpDir(dir),
        heap: node.heap,
        queryMaxMemory: trino.queryMaxMemory,
        catalogs,
        workers: trino.workers.count,
      }),
    );
  }
}

export async function writeObservability(
  values: LakehouseValues,
  env: string,
  stateDir: string,
  secrets: PlatformSecrets,
): Promise<ObservabilityPaths | undefined> {
  const obs = values.observability;
  if (!obs.prometheus.enabled && !obs.alertmanager.enabled) return undefined;
  return writeObservabilityConfig({ values, env, stateDir, repoRoot, minio: secrets.minio });
}
