import { join } from 'node:path';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { repoRoot } from '../../../platform/paths.js';
import type { Step } from '../../../lib/index.js';
import type { ObservabilityPaths } from '../observability/index.js';
import type { ComponentName, ProcessSpec } from '../process-spec.js';
import { ensureSecrets, type PlatformSecrets } from '../secrets.js';
import { writeMetricsSettings } from '../supervisor/index.js';
import { runInstallStep } from './install-failures.js';
import { platformLayout, type PlatformLayout } from './layout.js';
import {
  installSteps,
  writeAirflowFiles,
  writeObservability,
  writeTrinoConfig,
} from './prepare.js';
import { buildProcessSpecs, type InstalledComponents } from './specs.js';
import { writeValuesInEffect } from './values-in-effect.js';

export interface PreparedPlatform {
  installed: InstalledComponents;
  secrets: PlatformSecrets;
  layout: PlatformLayout;
  observability: ObservabilityPaths | undefined;
  specs: Map<ComponentName, ProcessSpec[]>;
}

/**
 * Everything a deploy of `values` needs before a process starts: `installPlatform`, then
 * `configurePlatform`. `up`, upgrade, rollback and scale all go through here, so they cannot
 * configure differently.
 */
export async function preparePlatform(input: {
  values: LakehouseValues;
  env: string;
  stateDir: string;
  step: (label: string) => Step;
}): Promise<PreparedPlatform> {
  const installed = await installPlatform(input);
  return configurePlatform({ ...input, installed });
}

/**
 * Installs what `values` needs that is missing, each install shown through `step`; a failure is
 * recorded for `diagnose`. Changes nothing a running platform uses.
 */
export async function installPlatform(input: {
  values: LakehouseValues;
  stateDir: string;
  step: (label: string) => Step;
}): Promise<InstalledComponents> {
  const installed: InstalledComponents = {
    node: process.execPath,
    lakehouseBin: join(repoRoot, 'bin', 'lakehouse.js'),
  };
  for (const install of installSteps(input.values, installed)) {
    const shown = input.step(`Install ${install.label}`);
    try {
      await runInstallStep(input.stateDir, install, (line) => shown.update(line));
      shown.done();
    } catch (err) {
      shown.fail((err as Error).message.split('\n')[0] ?? 'failed');
      throw err;
    }
  }
  return installed;
}

/**
 * Writes every component's configuration and the supervisor's metrics settings for `values`, and
 * builds the process specs (nothing is started).
 */
export async function configurePlatform(input: {
  values: LakehouseValues;
  env: string;
  stateDir: string;
  installed: InstalledComponents;
}): Promise<PreparedPlatform> {
  const { values, env, stateDir, installed } = input;
  const secrets = await ensureSecrets(stateDir);
  const layout = platformLayout(stateDir);
  if (values.trino.enabled) await writeTrinoConfig(values, layout);
  const observability = await writeObservability(values, env, stateDir, secrets);
  const obs = values.observability;
  // Read by the supervisor on start and at every apply: its /metrics and /alerts endpoint.
  writeMetricsSettings(
    stateDir,
    observability && (obs.prometheus.enabled || obs.alertmanager.enabled)
      ? { port: obs.supervisorMetrics.port, alertsLog: observability.alertsLog }
      : null,
  );
  if (values.airflow.enabled) await writeAirflowFiles(values, layout, secrets);
  writeValuesInEffect(stateDir, values);
  const specs = buildProcessSpecs({
    values,
    env,
    layout,
    secrets,
    installed,
    observability,
    baseEnv: baseEnv(),
  });
  return { installed, secrets, layout, observability, specs };
}

/** The environment every platform process may see: enough to run, none of the CLI's secrets. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
  };
  for (const key of ['HOME', 'LANG', 'TZ', 'LAKEHOUSE_CACHE', 'XDG_CACHE_HOME']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}
