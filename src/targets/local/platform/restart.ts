/**
 * `lakehouse restart <component|process>`: rewrite the component's configuration files from the
 * values (so a damaged or hand-edited file is replaced), restart its processes through the
 * supervisor (which also clears a crash loop), and wait until they are healthy again.
 */
import { loadValues, type LakehouseValues } from '../../../platform/config/index.js';
import { deployedValues } from '../releases/store.js';
import { UserError } from '../../../lib/index.js';
import type { Progress } from '../../../lib/index.js';
import {
  COMPONENT_ALIASES,
  COMPONENT_ORDER,
  type ComponentName,
  type ProcessStatus,
} from '../process-spec.js';
import { ensureSecrets } from '../secrets.js';
import {
  readDesiredSpecs,
  SupervisorClient,
  SupervisorUnavailableError,
  waitForHealthy,
} from '../supervisor/index.js';
import { HEALTH_TIMEOUT_MS, waitForTrino } from './health.js';
import { platformLayout, TRINO_COORDINATOR } from './layout.js';
import { writeAirflowFiles, writeObservability, writeTrinoConfig } from './prepare.js';

export interface RestartOptions {
  env: string;
  valuesFiles: string[];
  stateDir: string;
  /** A component (`trino`, `iceberg-catalog`, …) or one process (`trino-worker-1`). */
  target: string;
  progress: Progress;
}

export interface RestartResult {
  component: ComponentName;
  restarted: string[];
  /** Configuration files rewritten before the restart (by component). */
  rewrote: string | null;
}

/** Which supervised processes `target` means, and their component. */
export function resolveRestartTarget(
  target: string,
  live: Pick<ProcessStatus, 'name' | 'component'>[],
): { component: ComponentName; processes: string[] } {
  const name = COMPONENT_ALIASES[target] ?? target;
  if ((COMPONENT_ORDER as readonly string[]).includes(name)) {
    const component = name as ComponentName;
    const processes = live.filter((p) => p.component === component).map((p) => p.name);
    if (processes.length === 0) {
      throw new UserError(
        `${component} has no process on this platform`,
        'it is disabled in the values, or `lakehouse up` has not started it yet',
      );
    }
    return { component, processes };
  }
  const one = live.find((p) => p.name === name);
  if (!one) {
    const known =
      live.length > 0
        ? [...new Set(live.map((p) => p.component)), ...live.map((p) => p.name)]
        : COMPONENT_ORDER;
    throw new UserError(`no component or process "${target}"`, `one of: ${known.join(', ')}`);
  }
  return { component: one.component, processes: [one.name] };
}

async function rewriteConfig(
  component: ComponentName,
  values: LakehouseValues,
  env: string,
  stateDir: string,
): Promise<string | null> {
  const layout = platformLayout(stateDir);
  if (component === 'trino') {
    await writeTrinoConfig(values, layout);
    return "every Trino node's etc/ (config, jvm.config, catalogs)";
  }
  if (component === 'observability') {
    await writeObservability(values, env, stateDir, await ensureSecrets(stateDir));
    return 'Prometheus and Alertmanager configuration';
  }
  if (component === 'airflow') {
    await writeAirflowFiles(values, layout, await ensureSecrets(stateDir));
    return "Airflow's admin credentials and DAG folder";
  }
  // MinIO, the catalog and the console take their settings as arguments of the supervised command.
  return null;
}

export async function restartLocal(opts: RestartOptions): Promise<RestartResult> {
  const { stateDir, progress } = opts;
  // A restart keeps what is deployed (a rollback or scale), not the environment's newer edits.
  const values = deployedValues(
    await loadValues({ env: opts.env, files: opts.valuesFiles }),
    stateDir,
  );
  const client = SupervisorClient.forStateDir(stateDir);
  let live: ProcessStatus[];
  try {
    live = await client.status();
  } catch (err) {
    if (err instanceof SupervisorUnavailableError) {
      // A mistyped name is reported before the stopped platform: starting it would not help.
      const lastStarted = readDesiredSpecs(stateDir);
      const isComponent = (COMPONENT_ORDER as readonly string[]).includes(
        COMPONENT_ALIASES[opts.target] ?? opts.target,
      );
      if (lastStarted.length > 0 || !isComponent) resolveRestartTarget(opts.target, lastStarted);
      throw new UserError('the platform is not running', 'start it with `lakehouse up`');
    }
    throw err;
  }
  const { component, processes } = resolveRestartTarget(opts.target, live);

  const configStep = progress.step(`Rewrite ${component} configuration`);
  const rewrote = await rewriteConfig(component, values, opts.env, stateDir);
  if (rewrote) configStep.done(rewrote);
  else configStep.info('its settings are command-line arguments: nothing to rewrite');

  const step = progress.step(`Restart ${processes.join(', ')}`);
  try {
    await Promise.all(processes.map((name) => client.restart(name)));
    const deadline = Date.now() + HEALTH_TIMEOUT_MS[component];
    await waitForHealthy(client, processes, HEALTH_TIMEOUT_MS[component], (statuses) => {
      const waiting = statuses.filter((s) => !(s.state === 'running' && s.healthy));
      if (waiting.length > 0)
        step.update(`waiting for ${waiting.map((s) => `${s.name} (${s.state})`).join(', ')}`);
    });
    if (component === 'trino' && processes.includes(TRINO_COORDINATOR)) {
      await waitForTrino(values, (d) => step.update(d), deadline);
    }
  } catch (err) {
    step.fail((err as Error).message.split('\n')[0] ?? 'failed');
    throw err;
  }
  step.done('healthy');
  return { component, restarted: processes, rewrote };
}
