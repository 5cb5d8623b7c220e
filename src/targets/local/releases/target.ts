/**
 * The local target's ReleaseTarget: a release is the component's section of the values, applied
 * by the same installers, config writers and process specs `lakehouse up` uses, then the
 * supervisor restarts the component's processes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LakehouseValues } from '../../../platform/config/index.js';
import type { Progress, Step } from '../../../lib/index.js';
import {
  COMPONENTS,
  desiredSpec,
  effectiveValues,
  isEnabled,
  withSettings,
  type Component,
  type CredentialSet,
  type DeploySpec,
  type Release,
  type ReleaseTarget,
  type RotatedCredentials,
  type RotationJournal,
  type SecretsTarget,
  type Verification,
  DeployNotStartedError,
  VALUES_SECTION,
} from '../../../ops/index.js';
import type { ComponentName, ProcessSpec } from '../process-spec.js';
import { ensureSecrets } from '../secrets.js';
import {
  ensureSupervisor,
  readDesiredSpecs,
  readLogTail,
  supervisorLaunchCommand,
  SupervisorClient,
  waitForHealthy,
  writeDesiredSpecs,
} from '../supervisor/index.js';
import { airflowPaths, prepareAirflowDatabase } from '../airflow/index.js';
import { activeWorkers, TrinoClient } from '../trino/index.js';
import { ensureBucket } from '../platform/bucket.js';
import { TRINO_COORDINATOR, platformLayout, trinoWorker } from '../platform/layout.js';
import { airflowProcessEnv, airflowTrinoConnUri } from '../platform/specs.js';
import { HEALTH_TIMEOUT_MS, waitForTrino } from '../platform/health.js';
import { checkPorts } from '../platform/up.js';
import { baseEnv, configurePlatform, installPlatform } from '../platform/prepare-platform.js';
import type { InstalledComponents } from '../platform/specs.js';
import {
  readAllHistories,
  readHistory,
  readPaused,
  readRotation,
  writeHistory,
  writePaused,
  writeRotation,
} from './store.js';
import { verifyComponent } from './verify.js';
import { rotateStoredCredentials } from './credentials.js';

export interface LocalReleaseTargetOptions {
  stateDir: string;
  /** The environment's name (for config that names it, e.g. Prometheus' external labels). */
  env: string;
  /** The environment's values (+ -f files): the desired state of `upgrade`. */
  envValues: LakehouseValues;
}

/** How long a draining worker may take to finish its tasks and exit. */
const DRAIN_TIMEOUT_MS = 180_000;
const SCALE_TIMEOUT_MS = 300_000;

export class LocalReleaseTarget implements ReleaseTarget, SecretsTarget {
  /** The values each component was last deployed with in this run (for its health gate). */
  private readonly deployedValues = new Map<Component, LakehouseValues>();

  constructor(private readonly opts: LocalReleaseTargetOptions) {}

  private get stateDir(): string {
    return this.opts.stateDir;
  }

  /** What runs now: the environment with every deployed release's settings. */
  private effective(): LakehouseValues {
    return effectiveValues(this.opts.envValues, readAllHistories(this.stateDir)).values;
  }

  private valuesWith(component: Component, spec: DeploySpec): LakehouseValues {
    return withSettings(this.effective(), component, spec.settings, spec.replicas);
  }

  components(): Component[] {
    const values = this.effective();
    return COMPONENTS.filter((c) => isEnabled(c, values) || isEnabled(c, this.opts.envValues));
  }

  desired(component: Component): DeploySpec {
    return desiredSpec(component, this.opts.envValues);
  }

  history(component: Component): Promise<Release[]> {
    return Promise.resolve(readHistory(this.stateDir, component));
  }

  writeHistory(component: Component, history: readonly Release[]): Promise<void> {
    writeHistory(this.stateDir, component, history);
    return Promise.resolve();
  }

  rotateCredentials(set: CredentialSet): Promise<RotatedCredentials> {
    return rotateStoredCredentials(this.stateDir, set, () => this.effective());
  }

  unfinishedRotation(): Promise<RotationJournal | null> {
    return Promise.resolve(readRotation(this.stateDir));
  }

  journalRotation(journal: RotationJournal | null): Promise<void> {
    writeRotation(this.stateDir, journal);
    return Promise.resolve();
  }

  healthTimeoutMs(component: Component): number {
    return HEALTH_TIMEOUT_MS[component];
  }

  private async client(): Promise<SupervisorClient> {
    return ensureSupervisor({
      stateDir: this.stateDir,
      launch: supervisorLaunchCommand(this.stateDir),
    });
  }

  /** The release's steps are one line each: installs show as its detail. */
  private static detailSteps(onProgress: (d: string) => void): (label: string) => Step {
    return (label) => ({
      update: (d) => onProgress(`${label}: ${d}`),
      done: () => onProgress(label),
      info: (m) => onProgress(`${label}: ${m}`),
      warn: (m) => onProgress(`${label}: ${m}`),
      fail: (m) => onProgress(`${label}: ${m}`),
    });
  }

  /**
   * What must hold before a deploy changes anything: the ports of `values` free (or ours) and
   * every runtime installed. A failure here is a DeployNotStartedError: nothing was changed.
   */
  private async preflight(
    component: Component,
    values: LakehouseValues,
    client: SupervisorClient,
    onProgress: (d: string) => void,
  ): Promise<InstalledComponents> {
    try {
      const section = `${VALUES_SECTION[component]}.`;
      await checkPorts(values, await client.status(), (await client.info()).metricsPort, (use) =>
        use.key.startsWith(section),
      );
      return await installPlatform({
        values,
        stateDir: this.stateDir,
        step: LocalReleaseTarget.detailSteps(onProgress),
      });
    } catch (err) {
      const help = (err as { help?: unknown }).help;
      throw new DeployNotStartedError(
        (err as Error).message,
        typeof help === 'string' ? help : undefined,
      );
    }
  }

  /** Installs (preflight), writes every config file and builds the process specs. */
  private async prepare(
    component: Component,
    values: LakehouseValues,
    client: SupervisorClient,
    onProgress: (d: string) => void,
  ) {
    const installed = await this.preflight(component, values, client, onProgress);
    return configurePlatform({ values, env: this.opts.env, stateDir: this.stateDir, installed });
  }

  /** desired.json with the component's processes replaced by `mine`; the others untouched. */
  private writeComponentSpecs(component: Component, mine: readonly ProcessSpec[]): ProcessSpec[] {
    const previous = readDesiredSpecs(this.stateDir);
    writeDesiredSpecs(this.stateDir, [
      ...previous.filter((p) => p.component !== component),
      ...mine,
    ]);
    return previous.filter((p) => p.component === component);
  }

  async deploy(component: Component, spec: DeploySpec, onProgress: (d: string) => void) {
    const values = this.valuesWith(component, spec);
    const client = await this.client();
    const { specs, installed } = await this.prepare(component, values, client, onProgress);
    const mine = specs.get(component) ?? [];
    const airflow = installed.airflow;
    if (component === 'airflow' && airflow) {
      onProgress('airflow db migrate');
      const layout = platformLayout(this.stateDir);
      const secrets = await ensureSecrets(this.stateDir);
      await prepareAirflowDatabase({
        python: airflow.python,
        airflow: airflow.airflow,
        env: airflowProcessEnv(values, layout, secrets, airflow, baseEnv()),
        paths: airflowPaths(this.stateDir),
        trinoConnUri: airflowTrinoConnUri(values),
      });
    }
    const before = this.writeComponentSpecs(component, mine);
    const applied = await client.apply();
    // Config files may have changed under an unchanged spec, and paused processes are skipped by
    // apply: an explicit replace restarts each one with its new spec.
    for (const s of mine) {
      if (applied.added.includes(s.name) || applied.changed.includes(s.name)) continue;
      onProgress(`restart ${s.name}`);
      await client.replace(s.name);
    }
    // A paused process the release no longer has: resume removes it.
    for (const old of before) {
      if (!mine.some((s) => s.name === old.name) && applied.skipped.includes(old.name)) {
        await client.resume(old.name);
      }
    }
    this.deployedValues.set(component, values);
  }

  async waitHealthy(component: Component, timeoutMs: number, onProgress: (d: string) => void) {
    const client = SupervisorClient.forStateDir(this.stateDir);
    const names = readDesiredSpecs(this.stateDir)
      .filter((p) => p.component === component)
      .map((p) => p.name);
    await waitForHealthy(client, names, timeoutMs, (statuses) => {
      const waiting = statuses.filter((s) => !(s.state === 'running' && s.healthy));
      if (waiting.length > 0)
        onProgress(`waiting for ${waiting.map((s) => `${s.name} (${s.state})`).join(', ')}`);
    });
    const values = this.deployedValues.get(component) ?? this.effective();
    if (component === 'trino') await waitForTrino(values, onProgress);
    if (component === 'minio') {
      await ensureBucket(
        values.minio.ports.api,
        values.minio.bucket,
        await ensureSecrets(this.stateDir),
      );
    }
  }

  async verify(component: Component, spec: DeploySpec): Promise<Verification> {
    const values = this.deployedValues.get(component) ?? this.valuesWith(component, spec);
    return verifyComponent(component, values, await ensureSecrets(this.stateDir), spec.version);
  }

  async logTail(component: Component, lines: number) {
    const statuses = (await SupervisorClient.forStateDir(this.stateDir).status()).filter(
      (s) => s.component === component,
    );
    const bad = statuses.find((s) => !(s.state === 'running' && s.healthy)) ?? statuses[0];
    return bad
      ? { process: bad.name, text: readLogTail(bad.logFile, lines) }
      : { process: component, text: '' };
  }

  private async processNames(component: Component): Promise<string[]> {
    const live = await SupervisorClient.forStateDir(this.stateDir).status();
    return live.filter((s) => s.component === component).map((s) => s.name);
  }

  async pause(component: Component): Promise<void> {
    writePaused(this.stateDir, [...readPaused(this.stateDir), component]);
    const client = SupervisorClient.forStateDir(this.stateDir);
    for (const name of await this.processNames(component)) await client.pause(name);
  }

  async resume(component: Component): Promise<void> {
    const client = SupervisorClient.forStateDir(this.stateDir);
    for (const name of await this.processNames(component)) await client.resume(name);
    writePaused(
      this.stateDir,
      readPaused(this.stateDir).filter((c) => c !== component),
    );
  }

  paused(): Promise<Component[]> {
    return Promise.resolve(readPaused(this.stateDir));
  }

  async scaleWorkers(spec: DeploySpec, progress: Progress): Promise<void> {
    const values = this.valuesWith('trino', spec);
    const target = values.trino.workers.count;
    const client = await this.client();
    const current = readDesiredSpecs(this.stateDir).filter(
      (p) => p.component === 'trino' && p.name !== TRINO_COORDINATOR,
    );
    const wanted = new Set(Array.from({ length: target }, (_, i) => trinoWorker(i)));
    const removed = current.filter((p) => !wanted.has(p.name));
    const coordinatorUrl = `http://127.0.0.1:${values.trino.coordinator.port}`;

    // Drain the workers that go, all at once: each finishes its tasks, then its JVM exits.
    await Promise.all(
      removed.map(async (worker) => {
        const step = progress.step(`Drain ${worker.name}`);
        try {
          const how = await this.drain(client, worker);
          step.done(how);
        } catch (err) {
          step.fail((err as Error).message);
          throw err;
        }
      }),
    );

    const prepare = progress.step(`Configure Trino for ${target} workers`);
    let specs: Map<ComponentName, ProcessSpec[]>;
    try {
      ({ specs } = await this.prepare('trino', values, client, (d) => prepare.update(d)));
    } catch (err) {
      prepare.fail((err as Error).message.split('\n')[0] ?? 'failed');
      throw err;
    }
    const mine = specs.get('trino') ?? [];
    this.writeComponentSpecs('trino', mine);
    const applied = await client.apply();
    for (const worker of removed) await client.resume(worker.name);
    const wasZero = current.length === 0;
    if (wasZero !== (target === 0)) {
      // The coordinator schedules tasks on itself only without workers.
      await client.replace(TRINO_COORDINATOR);
    }
    prepare.done(
      applied.added.length > 0
        ? `started ${applied.added.join(', ')}`
        : `removed ${removed.map((w) => w.name).join(', ') || 'nothing'}`,
    );

    const wait = progress.step(`Wait for ${target} active workers`);
    try {
      await waitForHealthy(
        client,
        mine.map((s) => s.name),
        SCALE_TIMEOUT_MS,
      );
      const trino = new TrinoClient({ baseUrl: coordinatorUrl, requestTimeoutMs: 15_000 });
      const deadline = Date.now() + SCALE_TIMEOUT_MS;
      for (;;) {
        const active = await activeWorkers(trino).catch(() => -1);
        if (active === target) break;
        if (Date.now() > deadline) {
          throw new Error(
            `system.runtime.nodes shows ${active} active workers, not ${target}, after ${SCALE_TIMEOUT_MS / 1000} s`,
          );
        }
        wait.update(`${Math.max(active, 0)} active`);
        await sleep(1000);
      }
      wait.done(`${target} active workers in system.runtime.nodes`);
    } catch (err) {
      wait.fail((err as Error).message.split('\n')[0] ?? 'failed');
      throw err;
    }
    this.deployedValues.set('trino', values);
  }

  /**
   * Graceful stop of one worker: pause it (so its exit is not restarted), ask it to shut down
   * (`PUT /v1/info/state "SHUTTING_DOWN"`: it stops taking tasks, finishes the running ones and
   * exits after `shutdown.grace-period`), and wait for the exit.
   */
  private async drain(client: SupervisorClient, worker: ProcessSpec): Promise<string> {
    await client.pause(worker.name);
    const port = worker.ports[0];
    const status = (await client.status()).find((s) => s.name === worker.name);
    if (!status || status.pid === null) return 'was not running';
    const res = await fetch(`http://127.0.0.1:${port}/v1/info/state`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Trino-User': 'lakehouse' },
      body: JSON.stringify('SHUTTING_DOWN'),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) {
      // E.g. a worker started before its access control allowed shutdown: stop it the hard way.
      const why = `graceful shutdown refused (HTTP ${res.status} ${(await res.text()).slice(0, 80)})`;
      await client.stop(worker.name);
      return `${why}: stopped with SIGTERM`;
    }
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const s = (await client.status()).find((p) => p.name === worker.name);
      if (!s || s.pid === null) return 'drained and exited';
      await sleep(500);
    }
    await client.stop(worker.name);
    return `still running after ${DRAIN_TIMEOUT_MS / 1000} s: stopped`;
  }
}
