import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  configuredPorts,
  loadValues,
  type LakehouseValues,
} from '../../../platform/config/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { isPortInUse } from '../../../lib/index.js';
import {
  COMPONENT_ORDER,
  type ComponentName,
  type ProcessSpec,
  type ProcessStatus,
} from '../process-spec.js';
import { ensureSecrets, secretsFile, type PlatformSecrets } from '../secrets.js';
import {
  acquireLock,
  ensureSupervisor,
  supervisorLaunchCommand,
  readDesiredSpecs,
  waitForHealthy,
  writeDesiredSpecs,
  type SupervisorClient,
} from '../supervisor/index.js';
import { activeWorkers, isReady, TrinoClient } from '../trino/index.js';
import { ensureBucket } from './bucket.js';
import { platformEndpoints, type Endpoint } from './endpoints.js';
import { platformLayout } from './layout.js';
import {
  clearInstallFailure,
  clearInstallFailures,
  recordInstallFailure,
} from './install-failures.js';
import {
  installSteps,
  writeAirflowFiles,
  writeObservability,
  writeTrinoConfig,
} from './prepare.js';
import {
  airflowProcessEnv,
  airflowTrinoConnUri,
  buildProcessSpecs,
  type InstalledComponents,
} from './specs.js';
import { airflowPaths, prepareAirflowDatabase } from '../airflow/index.js';
import { UserError } from '../../../cli/errors.js';
import type { Progress } from '../../../lib/index.js';

export interface UpOptions {
  env: string;
  valuesFiles: string[];
  stateDir: string;
  progress: Progress;
}

export interface UpResult {
  /** False when everything was already running as configured: `up` changed nothing. */
  changed: boolean;
  endpoints: Endpoint[];
  credentialsFile: string;
  /** Airflow's admin login (user `admin`), when Airflow is enabled. */
  airflowCredentialsFile?: string;
  processes: ProcessStatus[];
}

const HEALTH_TIMEOUT_MS: Record<ComponentName, number> = {
  observability: 60_000,
  minio: 60_000,
  'iceberg-catalog': 60_000,
  trino: 300_000,
  airflow: 300_000,
};

/** The environment every platform process may see: enough to run, none of the CLI's secrets. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
  };
  for (const key of ['HOME', 'LANG', 'TZ', 'LAKEHOUSE_CACHE', 'XDG_CACHE_HOME']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

/** Refuses to start a process whose port another program holds, naming the key to change. */
async function checkPorts(values: LakehouseValues, running: ProcessStatus[]): Promise<void> {
  const ours = new Set(running.filter((p) => p.pid !== null).flatMap((p) => p.ports));
  for (const use of configuredPorts(values)) {
    if (ours.has(use.port)) continue;
    if (await isPortInUse(use.port)) {
      throw new UserError(
        `port ${use.port} (${use.key}, for ${use.owner}) is held by another program`,
        `stop it (\`ss -ltnp 'sport = :${use.port}'\` shows which), or set another port with --values <file> (${use.key})`,
      );
    }
  }
}

async function waitForTrino(values: LakehouseValues, onDetail: (d: string) => void): Promise<void> {
  const baseUrl = `http://127.0.0.1:${values.trino.coordinator.port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS.trino;
  const client = new TrinoClient({ baseUrl, requestTimeoutMs: 15_000 });
  while (Date.now() < deadline) {
    if (await isReady(baseUrl)) {
      const workers = await activeWorkers(client).catch(() => -1);
      if (workers >= values.trino.workers.count) return;
      onDetail(`${Math.max(0, workers)} of ${values.trino.workers.count} workers active`);
    } else {
      onDetail('waiting for SELECT 1');
    }
    await sleep(1000);
  }
  throw new UserError(
    `Trino did not answer SELECT 1 with ${values.trino.workers.count} active workers within ${HEALTH_TIMEOUT_MS.trino / 1000} s`,
    'see `lakehouse logs trino-coordinator` and `lakehouse status`',
  );
}

/**
 * `lakehouse up` on the local target: check the config, install what is missing, write every
 * component's configuration, then start components one after another in the runbook's order
 * (observability, storage, catalog, query), each healthy before the next starts. Processes that
 * already run with the same spec are left alone, so a second `up` changes nothing.
 */
export async function upLocal(opts: UpOptions): Promise<UpResult> {
  const { progress, stateDir, env } = opts;
  const values = await loadValues({ env, files: opts.valuesFiles });
  if (values.global.target !== 'local') {
    throw new UserError(
      `environment "${env}" targets ${values.global.target}, not this machine`,
      'use `lakehouse up` with a local environment (the default, env/local)',
    );
  }
  const lock = acquireLock(stateDir, 'up', {
    command: 'lakehouse up',
    busyMessage: 'the platform is already starting',
  });
  try {
    const layout = platformLayout(stateDir);
    const installed: InstalledComponents = {
      node: process.execPath,
      lakehouseBin: join(repoRoot, 'bin', 'lakehouse.js'),
    };
    for (const step of installSteps(values, installed)) {
      const shown = progress.step(`Install ${step.label}`);
      try {
        await step.run((line) => shown.update(line));
        clearInstallFailure(stateDir, step.label);
        shown.done();
      } catch (err) {
        recordInstallFailure(stateDir, step.component, step.label, err);
        shown.fail((err as Error).message.split('\n')[0] ?? 'failed');
        throw err;
      }
    }
    clearInstallFailures(stateDir);

    const secrets = await ensureSecrets(stateDir);
    if (values.trino.enabled) await writeTrinoConfig(values, layout, secrets);
    const observability = await writeObservability(values, env, stateDir);
    if (values.airflow.enabled) await writeAirflowFiles(values, layout, secrets);

    const supervisorStep = progress.step('Start the supervisor');
    const client = await ensureSupervisor({ stateDir, launch: supervisorLaunchCommand(stateDir) });
    supervisorStep.done();

    const before = await client.status();
    await checkPorts(values, before);
    const specs = buildProcessSpecs({
      values,
      layout,
      secrets,
      installed,
      observability,
      baseEnv: baseEnv(),
    });
    const beforeStart: BeforeStart = {};
    const airflow = installed.airflow;
    if (airflow) {
      beforeStart.airflow = async () => {
        const step = progress.step("Prepare Airflow's database (db migrate, trino_default)");
        try {
          const what = await prepareAirflowDatabase({
            python: airflow.python,
            airflow: airflow.airflow,
            env: airflowProcessEnv(values, layout, secrets, airflow, baseEnv()),
            paths: airflowPaths(stateDir),
            trinoConnUri: airflowTrinoConnUri(values),
          });
          step.done(what);
          return what.startsWith('created') || what.startsWith('updated');
        } catch (err) {
          step.fail((err as Error).message.split('\n')[0] ?? 'failed');
          throw err;
        }
      };
    }
    const changed = await startInOrder(
      client,
      stateDir,
      specs,
      values,
      secrets,
      progress,
      beforeStart,
    );

    const processes = await client.status();
    return {
      changed,
      endpoints: platformEndpoints(values),
      credentialsFile: secretsFile(stateDir),
      ...(values.airflow.enabled
        ? { airflowCredentialsFile: airflowPaths(stateDir).adminCredentials }
        : {}),
      processes,
    };
  } finally {
    lock.release();
  }
}

/** One-shot work before a component's processes start; true when it changed something. */
type BeforeStart = Partial<Record<ComponentName, () => Promise<boolean>>>;

async function startInOrder(
  client: SupervisorClient,
  stateDir: string,
  specs: Map<ComponentName, ProcessSpec[]>,
  values: LakehouseValues,
  secrets: PlatformSecrets,
  progress: Progress,
  beforeStart: BeforeStart = {},
): Promise<boolean> {
  // Components not reached yet keep the spec they run with, so re-running `up` on a live
  // platform restarts a changed component only when its turn comes, after its dependencies.
  const previous = readDesiredSpecs(stateDir);
  const newNames = new Set([...specs.values()].flat().map((s) => s.name));
  const reached = new Set<ComponentName>();
  let changed = false;
  for (const component of COMPONENT_ORDER) {
    const componentSpecs = specs.get(component);
    if (!componentSpecs) continue;
    reached.add(component);
    const prepare = beforeStart[component];
    if (prepare) changed = (await prepare()) || changed;
    const desired = [
      ...[...specs.entries()].filter(([c]) => reached.has(c)).flatMap(([, s]) => s),
      ...previous.filter((p) => !reached.has(p.component) && newNames.has(p.name)),
    ];
    writeDesiredSpecs(stateDir, desired);
    const applied = await client.apply();
    const names = componentSpecs.map((s) => s.name);
    const touched = names.filter((n) => applied.added.includes(n) || applied.changed.includes(n));
    changed ||= touched.length > 0;
    const step = progress.step(`Start ${component} (${names.join(', ')})`);
    try {
      await waitForHealthy(client, names, HEALTH_TIMEOUT_MS[component], (statuses) => {
        const waiting = statuses.filter(
          (s) => names.includes(s.name) && !(s.state === 'running' && s.healthy),
        );
        if (waiting.length > 0)
          step.update(`waiting for ${waiting.map((s) => `${s.name} (${s.state})`).join(', ')}`);
      });
      if (component === 'minio') {
        const created = await ensureBucket(
          `http://127.0.0.1:${values.minio.ports.api}`,
          values.minio.bucket,
          secrets,
        );
        changed ||= created;
        if (created) step.update(`created bucket ${values.minio.bucket}`);
      }
      if (component === 'trino') await waitForTrino(values, (d) => step.update(d));
    } catch (err) {
      step.fail((err as Error).message.split('\n')[0] ?? 'failed');
      throw err;
    }
    if (touched.length > 0) step.done(`started ${touched.join(', ')}`);
    else step.info('already running, left as is');
  }
  // Components switched off in the values stop last.
  const finalDesired = [...specs.values()].flat();
  writeDesiredSpecs(stateDir, finalDesired);
  const applied = await client.apply();
  if (applied.removed.length > 0) {
    changed = true;
    progress.step(`Stop disabled processes`).done(applied.removed.join(', '));
  }
  return changed;
}
