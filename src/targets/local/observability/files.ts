import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { run } from '../../../platform/install/index.js';
import { renderAlertmanagerConfig, renderPrometheusConfig } from './config.js';
import { minioPrometheusToken, minioTokenValid } from './minio-token.js';
import { observabilityPaths, type ObservabilityPaths } from './launch.js';

export interface WriteConfigInput {
  values: LakehouseValues;
  env: string;
  stateDir: string;
  /** The repository (for `platform/observability/rules/`). */
  repoRoot: string;
  /** MinIO's root credentials: Prometheus' bearer token for MinIO is signed with them. */
  minio?: { rootUser: string; rootPassword: string };
}

/** statsd_exporter's mapping of Airflow's StatsD names to the contract's metric names. */
export function statsdMappingFile(repoRoot: string): string {
  return join(repoRoot, 'platform', 'observability', 'statsd-mapping.yml');
}

/** Where alert rules live in the repository (the runbook's `platform/observability`). */
export function rulesDir(repoRoot: string): string {
  return join(repoRoot, 'platform', 'observability', 'rules');
}

/**
 * Renders prometheus.yml and alertmanager.yml under the state dir and creates the data
 * directories. Each file is written beside its final name and renamed, so a running Prometheus
 * reloading it never reads half a file.
 */
export async function writeObservabilityConfig(
  input: WriteConfigInput,
): Promise<ObservabilityPaths> {
  const paths = observabilityPaths(input.stateDir);
  const rules = rulesDir(input.repoRoot);
  const hasRules = await access(rules).then(
    () => true,
    () => false,
  );
  const withToken = input.values.minio.enabled && input.minio !== undefined;
  if (withToken && input.minio) {
    const { rootUser, rootPassword } = input.minio;
    const now = Math.floor(Date.now() / 1000);
    const current = await readFile(paths.minioToken, 'utf8').catch(() => '');
    if (!minioTokenValid(current, rootUser, rootPassword, now)) {
      const token = minioPrometheusToken(rootUser, rootPassword, now);
      await atomicWrite(paths.minioToken, `${token}\n`, 0o600);
    }
  }
  await atomicWrite(
    paths.prometheusConfig,
    renderPrometheusConfig({
      values: input.values,
      env: input.env,
      ...(hasRules ? { ruleFilesGlob: join(rules, '*.yml') } : {}),
      ...(withToken ? { minioTokenFile: paths.minioToken } : {}),
    }),
  );
  const receiverPort = input.values.observability.supervisorMetrics.port;
  await atomicWrite(
    paths.alertmanagerConfig,
    renderAlertmanagerConfig({
      values: input.values,
      env: input.env,
      localReceiverUrl: `http://127.0.0.1:${receiverPort}/alerts`,
    }),
  );
  await mkdir(paths.prometheusData, { recursive: true });
  await mkdir(paths.alertmanagerData, { recursive: true });
  return paths;
}

/** Validates a prometheus.yml (and the rule files it loads) with `promtool check config`. */
export async function checkPrometheusConfig(
  promtool: string,
  configFile: string,
): Promise<{ ok: boolean; output: string }> {
  const r = await run(promtool, ['check', 'config', configFile], { timeoutMs: 30_000 });
  return { ok: r.code === 0, output: r.tail };
}

/** Validates an alertmanager.yml with `amtool check-config`. */
export async function checkAlertmanagerConfig(
  amtool: string,
  configFile: string,
): Promise<{ ok: boolean; output: string }> {
  const r = await run(amtool, ['check-config', configFile], { timeoutMs: 30_000 });
  return { ok: r.code === 0, output: r.tail };
}

async function atomicWrite(path: string, text: string, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, ...(mode !== undefined ? { mode: 0o700 } : {}) });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text, mode !== undefined ? { mode } : {});
  await rename(tmp, path);
}
