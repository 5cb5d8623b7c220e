import { dirname, join } from 'node:path';
import type { Progress } from '../../../lib/index.js';
import { UserError } from '../../../lib/index.js';
import { COMPONENTS } from '../../../ops/index.js';
import { Applications } from '../argocd/index.js';
import { errorText, execTool, statusOf, type ClusterConnection } from '../cluster/index.js';
import type { KubernetesReleaseTarget } from '../releases/index.js';
import { ARGOCD_NAMESPACE, ROOT_APPLICATION, ROOT_PROJECT } from './manifests.js';

/** What `cleanup` would delete, found in the cluster. */
export interface KubernetesCleanupPlan {
  applications: string[];
  releases: string[];
  namespaces: string[];
  /** Argo CD's own objects (CRDs, cluster roles), when it is installed. */
  argocd: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function namespaceExists(c: ClusterConnection, name: string): Promise<boolean> {
  try {
    await c.core.readNamespace({ name });
    return true;
  } catch (err) {
    if (statusOf(err) === 404) return false;
    throw new Error(`cannot read namespace ${name}: ${errorText(err)}`);
  }
}

export async function planKubernetesCleanup(
  target: KubernetesReleaseTarget,
): Promise<KubernetesCleanupPlan> {
  const c = target.opts.connection;
  const apps = new Applications(c, ARGOCD_NAMESPACE);
  const applications = (await apps.list()).map((a) => a.metadata.name);
  const releases: string[] = [];
  for (const component of COMPONENTS) {
    if ((await target.opts.helm.history(component, target.namespace).catch(() => [])).length > 0) {
      releases.push(component);
    }
  }
  const namespaces: string[] = [];
  for (const ns of [target.namespace, ARGOCD_NAMESPACE])
    if (await namespaceExists(c, ns)) namespaces.push(ns);
  let argocd = false;
  try {
    await c.kubeConfig
      .makeApiClient((await import('@kubernetes/client-node')).ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'applications.argoproj.io' });
    argocd = true;
  } catch (err) {
    if (statusOf(err) !== 404) throw new Error(`cannot read Argo CD's CRD: ${errorText(err)}`);
  }
  return { applications, releases, namespaces, argocd };
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(2_000);
  }
  return false;
}

/**
 * Removes what bootstrap (and `deploy`) made, in the order that lets each owner clean up after
 * itself: the Applications first (their finalizer makes Argo CD delete what it deployed), then helm
 * releases, the platform's namespace (its volumes' claims with it), and Argo CD itself (its
 * manifest, CRDs and cluster roles included).
 */
export async function runKubernetesCleanup(
  target: KubernetesReleaseTarget,
  kubectl: string,
  progress: Progress,
): Promise<KubernetesCleanupPlan> {
  const c = target.opts.connection;
  const plan = await planKubernetesCleanup(target);
  const apps = new Applications(c, ARGOCD_NAMESPACE);
  const group = {
    group: 'argoproj.io',
    version: 'v1alpha1',
    namespace: ARGOCD_NAMESPACE,
    plural: 'applications',
  };

  if (plan.applications.length > 0) {
    const step = progress.step('Delete the Applications (Argo CD deletes what they deployed)');
    const order = [ROOT_APPLICATION, ...plan.applications.filter((a) => a !== ROOT_APPLICATION)];
    for (const name of order.filter((n) => plan.applications.includes(n))) {
      await c.custom.deleteNamespacedCustomObject({ ...group, name }).catch((err: unknown) => {
        if (statusOf(err) !== 404) throw err;
      });
    }
    const gone = await waitUntil(
      'Applications gone',
      async () => (await apps.list()).length === 0,
      300_000,
    );
    if (!gone) {
      // No controller left to run the finalizers: drop them, the namespace deletion below removes the rest.
      for (const a of await apps.list()) {
        await c.custom
          .patchNamespacedCustomObject(
            {
              ...group,
              name: a.metadata.name,
              body: [{ op: 'remove', path: '/metadata/finalizers' }],
            },
            (await import('@kubernetes/client-node')).setHeaderOptions(
              'Content-Type',
              'application/json-patch+json',
            ),
          )
          .catch(() => undefined);
      }
      step.warn(
        'Argo CD did not finalize every Application within 5 minutes; their finalizers were removed',
      );
    }
    await c.custom
      .deleteNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace: ARGOCD_NAMESPACE,
        plural: 'appprojects',
        name: ROOT_PROJECT,
      })
      .catch(() => undefined);
    step.done(`deleted ${order.filter((n) => plan.applications.includes(n)).join(', ')}`);
  }

  if (plan.releases.length > 0) {
    const step = progress.step('Uninstall helm releases');
    for (const release of [...plan.releases].reverse())
      await target.opts.helm.uninstall(release, target.namespace);
    step.done(plan.releases.join(', '));
  }

  if (plan.argocd) {
    const step = progress.step('Remove Argo CD (its manifest, CRDs and cluster roles)');
    const script = join(target.opts.repo, 'platform', 'argocd', 'install-argocd.sh');
    const print = await execTool(
      'bash',
      [script, '--print', '--version', target.opts.envValues.argocd.version],
      { timeoutMs: 300_000 },
    );
    if (print.code !== 0)
      throw new UserError(`install-argocd.sh --print failed: ${print.stderr.trim()}`);
    const del = await execTool(
      kubectl,
      [
        ...c.kubectlArgs,
        'delete',
        '--ignore-not-found',
        '--wait=false',
        '-n',
        ARGOCD_NAMESPACE,
        '-f',
        '-',
      ],
      {
        input: print.stdout,
        timeoutMs: 300_000,
        env: { ...process.env, PATH: `${dirname(kubectl)}:${process.env.PATH ?? ''}` },
      },
    );
    if (del.code !== 0)
      throw new UserError(
        `kubectl delete of Argo CD's manifest failed: ${del.stderr.trim().split('\n').slice(-2).join(' ')}`,
      );
    step.done('deleted');
  }

  const namespaces = [target.namespace, ARGOCD_NAMESPACE];
  const step = progress.step(`Delete namespaces ${namespaces.join(', ')}`);
  for (const name of namespaces) {
    await c.core.deleteNamespace({ name }).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  }
  const gone = await waitUntil(
    'namespaces gone',
    async () =>
      !(await namespaceExists(c, target.namespace)) &&
      !(await namespaceExists(c, ARGOCD_NAMESPACE)),
    300_000,
  );
  if (!gone) step.warn('a namespace is still terminating after 5 minutes (`kubectl get ns`)');
  else step.done('deleted');
  return plan;
}
