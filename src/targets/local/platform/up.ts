import {
  configuredPorts,
  loadValues,
  type LakehouseValues,
  type PortUse,
} from '../../../platform/config/index.js';
import { isPortInUse, isUdpPortInUse, UserError } from '../../../lib/index.js';
import {
  COMPONENT_ORDER,
  type ComponentName,
  type ProcessSpec,
  type ProcessStatus,
} from '../process-spec.js';
import { consoleTokenFile, secretsFile, type PlatformSecrets } from '../secrets.js';
import {
  acquireLock,
  ensureSupervisor,
  supervisorLaunchCommand,
  readDesiredSpecs,
  waitForHealthy,
  writeDesiredSpecs,
  type SupervisorClient,
} from '../supervisor/index.js';
import { reloadConfig } from '../observability/index.js';
import { ensureBucket } from './bucket.js';
import { HEALTH_TIMEOUT_MS, waitForTrino } from './health.js';
import { isLoopbackHost, platformEndpoints, type Endpoint } from './endpoints.js';
import { clearInstallFailures } from './install-failures.js';
import { baseEnv, preparePlatform } from './prepare-platform.js';
import { airflowProcessEnv, airflowTrinoConnUri } from './specs.js';
import { airflowPaths, prepareAirflowDatabase } from '../airflow/index.js';
import { driftHint, effectiveValues, installRelease, isEnabled } from '../../../ops/index.js';
// The store itself, not the releases index: that one's target imports this module.
import { readAllHistories, readPaused, writeHistory } from '../releases/store.js';
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
  /** The console's token, when it binds beyond loopback and so requires one. */
  consoleTokenFile?: string;
  processes: ProcessStatus[];
}

/**
 * Refuses to start a process whose port another program holds, naming the key to change. `only`
 * limits the check to some ports (a deploy of one component checks that component's).
 */
export async function checkPorts(
  values: LakehouseValues,
  running: ProcessStatus[],
  supervisorMetricsPort: number | null,
  only: (use: PortUse) => boolean = () => true,
): Promise<void> {
  const ours = new Set(running.filter((p) => p.pid !== null).flatMap((p) => p.ports));
  const alive = new Set(running.filter((p) => p.pid !== null).map((p) => p.name));
  for (const use of configuredPorts(values).filter(only)) {
    if (ours.has(use.port)) continue;
    if (use.key === 'observability.supervisorMetrics.port' && use.port === supervisorMetricsPort) {
      continue; // our supervisor serves it
    }
    const udp = use.protocol === 'udp';
    // statsd_exporter holds its UDP port; a process's ports list names only its TCP port.
    if (udp && alive.has('statsd-exporter')) continue;
    if (await (udp ? isUdpPortInUse : isPortInUse)(use.port)) {
      throw new UserError(
        `port ${use.port}${udp ? ' (UDP)' : ''} (${use.key}, for ${use.owner}) is held by another program`,
        `stop it (\`ss -l${udp ? 'u' : 't'}np 'sport = :${use.port}'\` shows which), or set another port with --values <file> (${use.key})`,
      );
    }
  }
}

/**
 * `lakehouse up` on the local target: check the config, install what is missing, write every
 * component's configuration, then start components one after another in the runbook's order
 * (observability, storage, catalog, query), each healthy before the next starts. Processes that
 * already run with the same spec are left alone, so a second `up` changes nothing.
 */
export async function upLocal(opts: UpOptions): Promise<UpResult> {
  const { progress, stateDir, env } = opts;
  const envValues = await loadValues({ env, files: opts.valuesFiles });
  // A component with a deployed release runs that release (a rollback or scale survives down/up);
  // the environment's changes to it wait for `lakehouse upgrade`.
  const releases = effectiveValues(envValues, readAllHistories(stateDir));
  const values = releases.values;
  const paused = readPaused(stateDir);
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
    for (const d of releases.drift) progress.line(`ℹ ${driftHint(d, env)}`);
    for (const c of paused) {
      progress.line(`ℹ ${c}: reconciliation paused — left as is until \`lakehouse resume ${c}\``);
    }
    const startedAt = new Date().toISOString();
    const { installed, secrets, layout, specs } = await preparePlatform({
      values,
      env,
      stateDir,
      step: (label) => progress.step(label),
    });
    clearInstallFailures(stateDir);

    const supervisorStep = progress.step('Start the supervisor');
    const client = await ensureSupervisor({ stateDir, launch: supervisorLaunchCommand(stateDir) });
    supervisorStep.done();

    const before = await client.status();
    const { metricsPort } = await client.info();
    await checkPorts(values, before, metricsPort);
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

    // The supervisor does not keep pauses across its own restart: the state does.
    for (const p of await client.status()) {
      if ((paused as string[]).includes(p.component) && !p.paused) await client.pause(p.name);
    }
    const finishedAt = new Date().toISOString();
    for (const component of releases.unreleased) {
      if (!isEnabled(component, values)) continue;
      writeHistory(stateDir, component, [installRelease(component, values, startedAt, finishedAt)]);
    }

    const processes = await client.status();
    await reloadObservability(values, processes, progress);
    return {
      changed,
      endpoints: platformEndpoints(values),
      credentialsFile: secretsFile(stateDir),
      ...(values.airflow.enabled
        ? { airflowCredentialsFile: airflowPaths(stateDir).adminCredentials }
        : {}),
      ...(values.console.enabled && !isLoopbackHost(values.console.host)
        ? { consoleTokenFile: consoleTokenFile(stateDir) }
        : {}),
      processes,
    };
  } finally {
    lock.release();
  }
}

/**
 * Prometheus and Alertmanager re-read their rendered files (and the repository's rule files),
 * which may have changed while their process specs did not. A file they refuse fails `up`.
 */
async function reloadObservability(
  values: LakehouseValues,
  processes: ProcessStatus[],
  progress: Progress,
): Promise<void> {
  const obs = values.observability;
  const running = (name: string): boolean =>
    processes.some((p) => p.name === name && p.pid !== null);
  const targets = [
    ...(obs.prometheus.enabled && running('prometheus')
      ? [{ name: 'prometheus' as const, port: obs.prometheus.port }]
      : []),
    ...(obs.alertmanager.enabled && running('alertmanager')
      ? [{ name: 'alertmanager' as const, port: obs.alertmanager.port }]
      : []),
  ];
  for (const t of targets) {
    const r = await reloadConfig(t.name, t.port);
    if (!r.ok) {
      progress.step(`Reload ${t.name} configuration`).fail(r.error ?? 'failed');
      throw new UserError(
        `${t.name} refused its configuration: ${r.error ?? 'reload failed'}`,
        t.name === 'prometheus'
          ? 'check the rule files with `promtool check rules platform/observability/rules/*.yml`; `lakehouse logs prometheus` shows the error'
          : '`lakehouse logs alertmanager` shows the error',
      );
    }
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
        const created = await ensureBucket(values.minio.ports.api, values.minio.bucket, secrets);
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
