import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Progress } from '../../../lib/index.js';
import { UserError } from '../../../lib/index.js';
import {
  COMPONENTS,
  desiredSpec,
  deployedRelease,
  effectiveValues,
  isEnabled,
  replicasOf,
  settingsDigest,
  settingsOf,
  withSettings,
  type Component,
  type DeploySpec,
  type Release,
  type ReleaseTarget,
  type Verification,
} from '../../../ops/index.js';
import { parseValues, type LakehouseValues } from '../../../platform/config/index.js';
import { applicationState, Applications } from '../argocd/index.js';
import {
  errorText,
  execTool,
  instanceSelector,
  releaseRollouts,
  releaseWorkloads,
  type ClusterConnection,
  type Helm,
} from '../cluster/index.js';
import { Checkout } from '../gitops/index.js';
import { ReleaseStore } from './store.js';
import { probeService, serviceProbes } from './verify.js';

export interface KubernetesTargetOptions {
  connection: ClusterConnection;
  helm: Helm;
  env: string;
  envValues: LakehouseValues;
  /** The checkout holding platform/<component> and env/<env>/ (the repository Argo CD follows). */
  repo: string;
  /** Where Argo CD's Applications live. */
  argocdNamespace?: string;
  /** Lines the operator must read (why an Application was paused, what git must say). */
  notice?: (line: string) => void;
}

/** Waiting reasons that no amount of waiting fixes: the gate fails on them at once. */
const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
]);

const POLL_MS = 2_000;
/** How long a pod may stay in a STUCK_REASONS state before the health gate gives up. */
const STUCK_GRACE_MS = 30_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The release procedures on a Kubernetes cluster: helm installs and upgrades each component's
 * chart (`platform/<component>`) with the values in effect, `kubectl rollout status` semantics and
 * the runbook's HTTP checks are the health gate, and Argo CD's Application of the component is
 * kept from undoing an operator's change: a deploy whose values differ from what git says pauses
 * the Application's automated sync first, and says so (`lakehouse resume` switches it back on).
 * Release records live in the cluster (ConfigMap lakehouse-releases).
 */
export class KubernetesReleaseTarget implements ReleaseTarget {
  readonly namespace: string;
  readonly store: ReleaseStore;
  readonly applications: Applications;
  readonly checkout: Checkout;

  constructor(readonly opts: KubernetesTargetOptions) {
    this.namespace = opts.envValues.global.namespace;
    this.store = new ReleaseStore(opts.connection, this.namespace);
    this.applications = new Applications(opts.connection, opts.argocdNamespace ?? 'argocd');
    this.checkout = new Checkout(opts.repo);
  }

  private get c(): ClusterConnection {
    return this.opts.connection;
  }

  private say(line: string): void {
    this.opts.notice?.(line);
  }

  /** `env/<env>/helm-values.yaml`, relative to the checkout. */
  get valuesPath(): string {
    return join('env', this.opts.env, 'helm-values.yaml');
  }

  chartOf(component: Component): string {
    return join(this.opts.repo, 'platform', component);
  }

  components(): Component[] {
    return COMPONENTS.filter((c) => isEnabled(c, this.opts.envValues));
  }

  desired(component: Component): DeploySpec {
    return desiredSpec(component, this.opts.envValues);
  }

  history(component: Component): Promise<Release[]> {
    return this.store.history(component);
  }

  writeHistory(component: Component, history: readonly Release[]): Promise<void> {
    return this.store.writeHistory(component, history);
  }

  /** The whole values a component is deployed with: every other component as deployed. */
  async valuesFor(component: Component, spec: DeploySpec): Promise<LakehouseValues> {
    const { values } = effectiveValues(this.opts.envValues, await this.store.allHistories());
    return withSettings(values, component, spec.settings, spec.replicas);
  }

  /**
   * Whether the spec is what git says for the component at the revision its Application is
   * synced to: then a helm deploy and Argo CD agree. Undefined when that cannot be told (the
   * commit is not in this checkout).
   */
  private async matchesGit(component: Component, spec: DeploySpec): Promise<boolean | undefined> {
    const app = await this.applications.get(component);
    const revision = app?.status?.sync?.revision;
    if (!revision) return undefined;
    let text = await this.checkout.fileAt(revision, this.valuesPath);
    if (text === undefined) {
      await this.checkout.fetch().catch(() => undefined);
      text = await this.checkout.fileAt(revision, this.valuesPath);
    }
    if (text === undefined) return undefined;
    const gitValues = parseValues(this.opts.env, [
      { file: `${this.valuesPath}@${revision.slice(0, 12)}`, text },
    ]);
    const sameSettings =
      settingsDigest(settingsOf(component, gitValues)) === settingsDigest(spec.settings);
    const sameReplicas = replicasOf(component, gitValues) === spec.replicas;
    return sameSettings && (spec.replicas === undefined || sameReplicas);
  }

  /**
   * Keeps Argo CD from reverting a deploy that differs from git: pauses the component's
   * Application (automated sync off) and says why. Nothing to do without an Application or when
   * it is paused already.
   */
  private async guardAgainstSelfHeal(component: Component, spec: DeploySpec): Promise<void> {
    const app = await this.applications.get(component);
    if (!app) return;
    const state = applicationState(app);
    if (!state.automated || state.paused) return;
    const same = await this.matchesGit(component, spec);
    if (same === true) return;
    await this.applications.pause(component);
    this.say(
      same === false
        ? `ℹ Argo CD auto-sync of ${component} is paused: this revision differs from ${this.valuesPath} at ${state.revision.slice(0, 12)} in git, which Argo CD would put back. Commit and push the values (or \`lakehouse rollback --git <commit>\`), then \`lakehouse resume ${component}\`.`
        : `ℹ Argo CD auto-sync of ${component} is paused: git's revision ${state.revision.slice(0, 12) || '(unknown)'} is not in this checkout, so this deploy cannot be proven to match it. \`lakehouse resume ${component}\` once git says the same.`,
    );
  }

  async deploy(
    component: Component,
    spec: DeploySpec,
    onProgress: (detail: string) => void,
  ): Promise<void> {
    await this.guardAgainstSelfHeal(component, spec);
    onProgress(`helm upgrade --install ${component} platform/${component}`);
    await this.opts.helm.upgradeInstall({
      release: component,
      chart: this.chartOf(component),
      namespace: this.namespace,
      values: await this.valuesFor(component, spec),
      description: `lakehouse: ${spec.version}`,
    });
    onProgress('rollout restart');
    await this.restartWorkloads(component);
  }

  /**
   * `kubectl rollout restart` of every workload of the release: a deploy restarts the component
   * like the local target restarts its processes, so new Secrets (a rotation) are read.
   */
  async restartWorkloads(component: Component): Promise<void> {
    const patch = {
      spec: {
        template: {
          metadata: {
            annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
          },
        },
      },
    };
    const { PatchStrategy, setHeaderOptions } = await import('@kubernetes/client-node');
    const merge = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    const ns = this.namespace;
    for (const w of await releaseWorkloads(this.c, ns, component)) {
      const request = { name: w.name, namespace: ns, body: patch };
      switch (w.kind) {
        case 'Deployment':
          await this.c.apps.patchNamespacedDeployment(request, merge);
          break;
        case 'StatefulSet':
          await this.c.apps.patchNamespacedStatefulSet(request, merge);
          break;
        case 'DaemonSet':
          await this.c.apps.patchNamespacedDaemonSet(request, merge);
          break;
      }
    }
  }

  /**
   * The runbook's `kubectl rollout undo` for every workload of a component: each goes back to its
   * previous pod template (ReplicaSet or ControllerRevision), outside helm and git. Argo CD's
   * automated sync of the component is switched off first, or self-heal would put git's template
   * straight back; `resume` switches it on again. Returns what kubectl said per workload.
   */
  async rolloutUndo(component: Component, kubectl: string): Promise<string[]> {
    await this.pause(component);
    const ns = this.namespace;
    const workloads = (await releaseWorkloads(this.c, ns, component)).map(
      (w) => `${w.kind.toLowerCase()}/${w.name}`,
    );
    if (workloads.length === 0) {
      throw new UserError(
        `${component} has no workloads in ${ns}`,
        '`lakehouse status` shows what runs',
      );
    }
    const kubectlArgs = this.c.toolArgs.map((a) => (a === '--kube-context' ? '--context' : a));
    const out: string[] = [];
    for (const w of workloads) {
      const r = await execTool(kubectl, [...kubectlArgs, 'rollout', 'undo', w, '-n', ns], {
        timeoutMs: 60_000,
      });
      const said = (r.stdout || r.stderr).trim();
      // A workload with one revision has nothing to go back to: said, not fatal for the others.
      out.push(r.code === 0 ? said : `${w}: ${said}`);
    }
    return out;
  }

  /** Pods of the release stuck in a state waiting does not fix, with the reason. */
  async stuckPods(component: Component): Promise<string[]> {
    const pods = await this.c.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: instanceSelector(component),
    });
    const out: string[] = [];
    for (const pod of pods.items) {
      if (pod.metadata?.deletionTimestamp) continue;
      for (const cs of pod.status?.containerStatuses ?? []) {
        const w = cs.state?.waiting;
        if (w?.reason && STUCK_REASONS.has(w.reason)) {
          out.push(
            `pod ${pod.metadata?.name ?? '?'}: ${w.reason} (image ${cs.image})${w.message ? `: ${w.message}` : ''}`,
          );
        }
      }
    }
    return out;
  }

  async waitHealthy(
    component: Component,
    timeoutMs: number,
    onProgress: (detail: string) => void,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let stuckSince: number | undefined;
    for (;;) {
      const rollouts = await releaseRollouts(this.c, this.namespace, component);
      const pending = rollouts.filter((r) => !r.done);
      const first = pending[0];
      if (rollouts.length > 0 && pending.length === 0) {
        // Rolled out, but a Service's endpoints follow the pods' readiness a moment later.
        const empty = await this.servicesWithoutEndpoints(component);
        if (empty.length === 0) return;
        onProgress(`waiting for ready endpoints behind Service ${empty.join(', ')}`);
      } else {
        onProgress(
          first ? `${first.kind.toLowerCase()}/${first.name}: ${first.detail}` : 'no workloads yet',
        );
      }
      const stuck = await this.stuckPods(component);
      // A kubelet retries pulls and restarts with a growing back-off: a state that lasts
      // STUCK_GRACE_MS is not a blip, and waiting out the whole timeout would tell nothing more.
      if (stuck.length > 0) {
        stuckSince ??= Date.now();
        if (Date.now() - stuckSince >= STUCK_GRACE_MS) throw new Error(stuck.join('; '));
      } else {
        stuckSince = undefined;
      }
      if (Date.now() > deadline) {
        throw new Error(
          first
            ? `${first.kind.toLowerCase()}/${first.name} not rolled out after ${Math.round(timeoutMs / 1000)} s: ${first.detail}`
            : rollouts.length > 0
              ? `rolled out, but still no ready endpoints after ${Math.round(timeoutMs / 1000)} s (\`kubectl get endpointslices -n ${this.namespace}\`)`
              : `no Deployment, StatefulSet or DaemonSet of ${component} after ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  async verify(component: Component, spec: DeploySpec): Promise<Verification> {
    const rollouts = await releaseRollouts(this.c, this.namespace, component);
    const notDone = rollouts.filter((r) => !r.done);
    if (notDone.length > 0) {
      return {
        ok: false,
        detail: notDone.map((r) => `${r.kind}/${r.name}: ${r.detail}`).join('; '),
      };
    }
    const endpoints = await this.servicesWithoutEndpoints(component);
    if (endpoints.length > 0) {
      return { ok: false, detail: `no ready endpoints behind Service ${endpoints.join(', ')}` };
    }
    const values = await this.valuesFor(component, spec);
    const parts = [`${rollouts.length} workload${rollouts.length === 1 ? '' : 's'} rolled out`];
    if (component === 'trino' && spec.replicas !== undefined)
      parts.push(`${spec.replicas} workers`);
    if (this.opts.envValues.global.verify === 'rollout') {
      parts.push('endpoints ready (global.verify is rollout: no HTTP check)');
      return { ok: true, detail: parts.join(', ') };
    }
    for (const probe of serviceProbes(component, values)) {
      const r = await probeService(this.c, this.namespace, probe);
      if (!r.ok) return { ok: false, detail: r.detail };
      parts.push(r.detail);
    }
    return { ok: true, detail: parts.join(', ') };
  }

  /** Services of the release that have no ready endpoint (headless ones included). */
  async servicesWithoutEndpoints(component: Component): Promise<string[]> {
    const labelSelector = instanceSelector(component);
    const services = await this.c.core.listNamespacedService({
      namespace: this.namespace,
      labelSelector,
    });
    const discovery = this.c.discovery;
    const out: string[] = [];
    for (const svc of services.items) {
      const name = svc.metadata?.name ?? '';
      if (!svc.spec?.selector) continue;
      const slices = await discovery.listNamespacedEndpointSlice({
        namespace: this.namespace,
        labelSelector: `kubernetes.io/service-name=${name}`,
      });
      const ready = slices.items.some((s) =>
        (s.endpoints ?? []).some((e) => e.conditions?.ready !== false),
      );
      if (!ready) out.push(name);
    }
    return out;
  }

  async logTail(component: Component, lines: number): Promise<{ process: string; text: string }> {
    try {
      const pods = await this.c.core.listNamespacedPod({
        namespace: this.namespace,
        labelSelector: instanceSelector(component),
      });
      const notReady = pods.items.find(
        (p) => !p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      const pod = notReady ?? pods.items[0];
      if (!pod) return { process: component, text: '(no pods)' };
      const name = pod.metadata?.name ?? '?';
      const waiting = (pod.status?.containerStatuses ?? [])
        .map((cs) => cs.state?.waiting)
        .find((w) => w?.reason);
      const header = waiting
        ? `[${waiting.reason ?? ''}${waiting.message ? `: ${waiting.message}` : ''}]\n`
        : '';
      try {
        const log = await this.c.core.readNamespacedPodLog({
          name,
          namespace: this.namespace,
          tailLines: lines,
        });
        return { process: `pod/${name}`, text: header + log };
      } catch (err) {
        return { process: `pod/${name}`, text: `${header}(no log: ${errorText(err)})` };
      }
    } catch (err) {
      return { process: component, text: `(cannot list pods: ${errorText(err)})` };
    }
  }

  async pause(component: Component): Promise<void> {
    if (await this.applications.get(component)) {
      await this.applications.pause(component);
      return;
    }
    const paused = await this.store.paused();
    if (!paused.includes(component)) await this.store.writePaused([...paused, component]);
  }

  async resume(component: Component): Promise<void> {
    await this.applications.resume(component);
    const paused = await this.store.paused();
    if (paused.includes(component))
      await this.store.writePaused(paused.filter((c) => c !== component));
  }

  async paused(): Promise<Component[]> {
    const fromApps = (await this.applications.list())
      .map(applicationState)
      .filter((s) => s.paused)
      .map((s) => s.name as Component)
      .filter((n) => COMPONENTS.includes(n));
    return [...new Set([...fromApps, ...(await this.store.paused())])];
  }

  /**
   * Trino's worker count. Where Argo CD syncs trino automatically the count goes through git
   * (the values file edited, committed, pushed, synced), so self-heal keeps it; otherwise helm
   * applies it directly.
   */
  async scaleWorkers(spec: DeploySpec, progress: Progress): Promise<void> {
    const workers = spec.replicas ?? 0;
    const app = await this.applications.get('trino');
    if (app && applicationState(app).automated) {
      const step = progress.step(`trino: commit workers.count: ${workers} to ${this.valuesPath}`);
      const sha = await this.commitWorkerCount(workers);
      step.done(`pushed ${sha.slice(0, 12)}; Argo CD syncs it (self-heal keeps it)`);
      const sync = progress.step('trino: Argo CD sync');
      await this.syncAndWait('trino', sha, (d) => sync.update(d), this.healthTimeoutMs('trino'));
      sync.done(`synced to ${sha.slice(0, 12)}`);
    } else {
      const step = progress.step(`trino: helm upgrade with ${workers} workers`);
      await this.opts.helm.upgradeInstall({
        release: 'trino',
        chart: this.chartOf('trino'),
        namespace: this.namespace,
        values: await this.valuesFor('trino', spec),
        description: `lakehouse: scale workers to ${workers}`,
      });
      step.done('applied');
    }
    const wait = progress.step(`trino: ${workers} workers ready`);
    await this.waitHealthy('trino', this.healthTimeoutMs('trino'), (d) => wait.update(d));
    wait.done('rolled out');
  }

  /** Sets trino.workers.count in the environment's values file (comments kept), commits and pushes. */
  async commitWorkerCount(workers: number): Promise<string> {
    const { readFile, writeFile } = await import('node:fs/promises');
    const file = join(this.opts.repo, this.valuesPath);
    const doc = parseDocument(await readFile(file, 'utf8'));
    doc.setIn(['trino', 'workers', 'count'], workers);
    await writeFile(file, doc.toString());
    return this.checkout.commitAndPush(
      [this.valuesPath],
      `trino: scale to ${workers} workers (lakehouse scale, env ${this.opts.env})`,
    );
  }

  /**
   * Asks Argo CD to sync the component now and waits until its Application is Synced at
   * `revision` (or any revision when undefined) and Healthy, and its rollouts are done.
   */
  async syncAndWait(
    component: Component,
    revision: string | undefined,
    onProgress: (detail: string) => void,
    timeoutMs: number,
  ): Promise<void> {
    await this.applications.refresh(component);
    const deadline = Date.now() + timeoutMs;
    let requested = false;
    for (;;) {
      const app = await this.applications.get(component);
      if (!app)
        throw new UserError(
          `there is no Argo CD Application ${component}`,
          '`lakehouse bootstrap <env>` creates them',
        );
      const s = applicationState(app);
      const atRevision = revision === undefined || s.revision === revision;
      if (atRevision && s.sync === 'Synced' && s.health === 'Healthy' && !app.operation) return;
      if (!requested && !app.operation && (!atRevision || s.sync !== 'Synced')) {
        await this.applications.sync(component).catch(() => undefined);
        requested = true;
      }
      onProgress(
        `${s.sync}/${s.health}${s.operation ? ` (${s.operation.phase}: ${s.operation.message.slice(0, 120)})` : ''}`,
      );
      if (Date.now() > deadline) {
        throw new Error(
          `Argo CD Application ${component} is ${s.sync}/${s.health} at ${s.revision.slice(0, 12) || '?'} after ${Math.round(timeoutMs / 1000)} s${s.operation ? `: ${s.operation.message}` : ''}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  healthTimeoutMs(component: Component): number {
    return component === 'trino' || component === 'airflow' ? 600_000 : 300_000;
  }

  /** The deployed release of a component, if any. */
  async deployed(component: Component): Promise<Release | undefined> {
    return deployedRelease(await this.history(component));
  }
}
