import type { V1Pod } from '@kubernetes/client-node';
import { deployedRelease, type Component } from '../../../ops/index.js';
import { applicationState, type ApplicationState } from '../argocd/index.js';
import { instanceSelector } from '../cluster/index.js';
import type { KubernetesReleaseTarget } from './target.js';

export interface PodStatus {
  name: string;
  phase: string;
  /** Ready containers of all, "1/1". */
  ready: string;
  restarts: number;
  /** Why a container is waiting (ImagePullBackOff, CrashLoopBackOff, …), if one is. */
  waiting?: string;
  /** The last termination's reason and exit code (OOMKilled 137, Error 1). */
  lastTermination?: string;
}

export interface ComponentStatus {
  component: Component;
  pods: PodStatus[];
  /** The helm release's revision and status, when helm installed it. */
  helm?: { revision: number; status: string };
  /** The Argo CD Application's sync and health, when Argo CD manages it. */
  application?: ApplicationState;
  /** The deployed revision in lakehouse's release records. */
  revision?: number;
  version?: string;
}

/** One pod as `kubectl get pods` would summarise it, plus the last termination reason. Pure. */
export function podStatus(pod: V1Pod): PodStatus {
  const statuses = pod.status?.containerStatuses ?? [];
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find((r) => r);
  const terminated = statuses.map((c) => c.lastState?.terminated).find((t) => t);
  return {
    name: pod.metadata?.name ?? '?',
    phase: pod.metadata?.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown'),
    ready: `${statuses.filter((c) => c.ready).length}/${pod.spec?.containers.length ?? statuses.length}`,
    restarts: statuses.reduce((n, c) => n + c.restartCount, 0),
    ...(waiting ? { waiting } : {}),
    ...(terminated
      ? { lastTermination: `${terminated.reason ?? 'terminated'} (exit ${terminated.exitCode})` }
      : {}),
  };
}

/**
 * `lakehouse status` on Kubernetes: per component its pods, its helm revision, its Argo CD
 * Application's sync and health (paused or not) and the revision lakehouse recorded.
 */
export async function kubernetesStatus(
  target: KubernetesReleaseTarget,
): Promise<ComponentStatus[]> {
  const c = target.opts.connection;
  const apps = new Map(
    (await target.applications.list()).map((a) => [a.metadata.name, applicationState(a)]),
  );
  const out: ComponentStatus[] = [];
  for (const component of target.components()) {
    const pods = await c.core.listNamespacedPod({
      namespace: target.namespace,
      labelSelector: instanceSelector(component),
    });
    const helm = (await target.opts.helm.history(component, target.namespace).catch(() => [])).at(
      -1,
    );
    const deployed = deployedRelease(await target.history(component));
    const application = apps.get(component);
    out.push({
      component,
      pods: pods.items.map(podStatus).sort((a, b) => a.name.localeCompare(b.name)),
      ...(helm ? { helm: { revision: helm.revision, status: helm.status } } : {}),
      ...(application ? { application } : {}),
      ...(deployed ? { revision: deployed.revision, version: deployed.version } : {}),
    });
  }
  return out;
}
