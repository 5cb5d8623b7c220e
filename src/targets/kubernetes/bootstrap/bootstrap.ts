import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { Progress } from '../../../lib/index.js';
import { UserError } from '../../../lib/index.js';
import { installRelease, type Component } from '../../../ops/index.js';
import { applicationState, Applications } from '../argocd/index.js';
import { execTool, type ClusterConnection } from '../cluster/index.js';
import type { KubernetesReleaseTarget } from '../releases/index.js';
import {
  APPLICATION_HEALTH_KEY,
  APPLICATION_HEALTH_LUA,
  ARGOCD_NAMESPACE,
  ROOT_APPLICATION,
  rootManifests,
} from './manifests.js';
import { checkPrerequisites, type Prerequisite, type PrerequisiteTools } from './prerequisites.js';

export interface BootstrapOptions {
  target: KubernetesReleaseTarget;
  tools: PrerequisiteTools;
  /** Stop after the prerequisites. */
  checkOnly?: boolean;
  /** Provision `infra/` with the env's tfvars; undefined: the environment uses an existing cluster. */
  provisionInfrastructure?: (progress: Progress) => Promise<string>;
  /** How long the Applications may take to be Synced and Healthy. */
  syncTimeoutMs?: number;
}

export interface BootstrapResult {
  prerequisites: Prerequisite[];
  ok: boolean;
  /** Per component, what its verification checked. */
  verified: Array<{ component: Component; detail: string }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Server-side apply as field manager `lakehouse`, the way `kubectl apply --server-side` does. */
export async function applyObjects(
  c: ClusterConnection,
  objects: KubernetesObject[],
): Promise<void> {
  // A CRD just created (ArgoCD's, by install-argocd.sh) is Established a moment before the API
  // server's discovery lists its kinds, and the client resolves a kind through discovery (cached
  // per client): until then, a fresh client is tried again.
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < objects.length;) {
    const api = KubernetesObjectApi.makeApiClient(c.kubeConfig);
    try {
      for (; i < objects.length; i++) {
        await api.patch(
          objects[i] as KubernetesObject,
          undefined,
          undefined,
          'lakehouse',
          true,
          PatchStrategy.ServerSideApply,
        );
      }
    } catch (err) {
      if (!/Unrecognized API version and kind/.test(String(err)) || Date.now() > deadline)
        throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** install-argocd.sh with this cluster: kubectl on PATH, the kubeconfig and context passed. */
async function installArgocd(
  target: KubernetesReleaseTarget,
  kubectl: string,
  version: string,
): Promise<void> {
  const script = join(target.opts.repo, 'platform', 'argocd', 'install-argocd.sh');
  const c = target.opts.connection;
  const env = {
    ...process.env,
    PATH: `${dirname(kubectl)}:${process.env.PATH ?? ''}`,
  };
  const args = ['--version', version, '--wait', ...c.kubectlArgs];
  const r = await execTool('bash', [script, ...args], { env, timeoutMs: 900_000 });
  if (r.code !== 0) {
    throw new UserError(
      `install-argocd.sh failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
      `run it by hand to see everything: platform/argocd/install-argocd.sh --version ${version} --wait`,
    );
  }
}

/** Adds the Application health check to argocd-cm (kept across install-argocd.sh re-runs). */
async function configureArgocd(c: ClusterConnection): Promise<void> {
  await applyObjects(c, [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: ARGOCD_NAMESPACE },
      data: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA },
    } as KubernetesObject,
  ]);
}

/**
 * Waits until the root Application and every component Application the environment enables are
 * Synced and Healthy; reports each as it gets there. Throws with the laggards' states at the
 * deadline.
 */
async function waitApplications(
  apps: Applications,
  names: string[],
  timeoutMs: number,
  onProgress: (detail: string) => void,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = new Map((await apps.list()).map((a) => [a.metadata.name, applicationState(a)]));
    const lagging = names.filter((n) => {
      const s = states.get(n);
      return !s || s.sync !== 'Synced' || s.health !== 'Healthy';
    });
    if (lagging.length === 0) return;
    const describe = (n: string): string => {
      const s = states.get(n);
      return s
        ? `${n} ${s.sync}/${s.health}${s.operation?.phase === 'Failed' || s.operation?.phase === 'Error' ? ` (${s.operation.message.slice(0, 160)})` : ''}`
        : `${n} not created yet`;
    };
    onProgress(lagging.map(describe).join(', '));
    if (Date.now() > deadline) {
      throw new UserError(
        `Applications not Synced and Healthy after ${Math.round(timeoutMs / 1000)} s: ${lagging.map(describe).join('; ')}`,
        '`lakehouse diagnose --env <env>` shows why (pods, events, Applications)',
      );
    }
    await sleep(3_000);
  }
}

/**
 * The runbook's `./scripts/bootstrap.sh <env>` on Kubernetes, each line printed once checked:
 * prerequisites, infrastructure, Argo CD, the Applications synced (app of apps, in sync waves),
 * and the platform verified component by component. Re-running it is safe: every step applies
 * the same objects.
 */
export async function bootstrap(
  opts: BootstrapOptions,
  progress: Progress,
): Promise<BootstrapResult> {
  const { target } = opts;
  const c = target.opts.connection;
  const values = target.opts.envValues;
  const env = target.opts.env;
  const result: BootstrapResult = { prerequisites: [], ok: false, verified: [] };

  const pre = progress.step('Prerequisites checked');
  result.prerequisites = await checkPrerequisites(c, opts.tools);
  for (const p of result.prerequisites) {
    if (p.ok) pre.info(`${p.name}: ${p.detail}`);
    else pre.warn(`✗ ${p.name}: ${p.detail}${p.fix ? ` — fix: ${p.fix}` : ''}`);
  }
  if (result.prerequisites.some((p) => !p.ok)) {
    pre.fail('Prerequisites not met');
    return result;
  }
  if (!values.argocd.repoURL || values.argocd.repoURL.includes('example.com')) {
    pre.fail(`argocd.repoURL is "${values.argocd.repoURL}"`);
    throw new UserError(
      `env/${env}/helm-values.yaml names no real git repository for Argo CD (argocd.repoURL: "${values.argocd.repoURL}")`,
      'set argocd.repoURL to the clone URL of this repository, commit and push it',
    );
  }
  pre.done('Prerequisites checked');
  if (opts.checkOnly) {
    result.ok = true;
    return result;
  }

  const infra = progress.step('Infrastructure provisioned');
  if (opts.provisionInfrastructure) {
    infra.done(`Infrastructure provisioned: ${await opts.provisionInfrastructure(progress)}`);
  } else {
    infra.done(`Infrastructure provisioned: existing cluster ${c.server}, skipped`);
  }

  const argo = progress.step('ArgoCD installed');
  argo.update(`install-argocd.sh --version ${values.argocd.version}`);
  await installArgocd(target, opts.tools.kubectl, values.argocd.version);
  await configureArgocd(c);
  argo.update('the app of apps');
  await applyObjects(c, rootManifests(values, env));
  argo.done(
    `ArgoCD installed (${values.argocd.version}, Application ${ROOT_APPLICATION} → platform/argocd with env/${env})`,
  );

  const synced = progress.step('Applications synced');
  const apps = new Applications(c, ARGOCD_NAMESPACE);
  const components = target.components();
  await waitApplications(
    apps,
    [ROOT_APPLICATION, ...components],
    opts.syncTimeoutMs ?? 1_200_000,
    (d) => synced.update(d),
  );
  synced.done(
    `Applications synced (${[ROOT_APPLICATION, ...components].join(', ')}: Synced, Healthy)`,
  );

  const ready = progress.step('Platform ready');
  const startedAt = new Date().toISOString();
  for (const component of components) {
    ready.update(component);
    const v = await target.verify(component, target.desired(component));
    if (!v.ok) {
      ready.fail(`${component}: ${v.detail}`);
      throw new UserError(
        `${component} failed its verification: ${v.detail}`,
        `\`lakehouse diagnose ${component} --env ${env}\``,
      );
    }
    result.verified.push({ component, detail: v.detail });
    // Revision 1 of each component is what Argo CD synced: `upgrade` and `rollback` start from it.
    if ((await target.history(component)).length === 0) {
      const release = installRelease(component, values, startedAt, new Date().toISOString());
      const app = await apps.get(component);
      await target.writeHistory(component, [
        {
          ...release,
          description: `install by lakehouse bootstrap (Argo CD sync of ${app?.status?.sync?.revision?.slice(0, 12) ?? 'git'})`,
        },
      ]);
    }
  }
  ready.done(`Platform ready (${result.verified.map((v) => v.component).join(', ')} verified)`);
  result.ok = true;
  return result;
}

/** Whether the environment provisions its own cluster: it has `env/<env>/terraform.tfvars`. */
export const hasInfrastructure = (repo: string, env: string): boolean =>
  existsSync(join(repo, 'env', env, 'terraform.tfvars'));
