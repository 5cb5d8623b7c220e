import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { ClusterConnection } from './connect.js';
import {
  daemonSetRollout,
  deploymentRollout,
  statefulSetRollout,
  type WorkloadRollout,
} from './rollout.js';

/**
 * The label every chart puts on what one release (= one component) deploys: the release name is
 * the component's name, whether helm or ArgoCD (`helm.releaseName`) rendered it.
 */
export const instanceSelector = (release: string): string =>
  `app.kubernetes.io/instance=${release}`;

/** One workload of a release: the kind says which API patches it and what kubectl calls it. */
export type ReleaseWorkload =
  | { kind: 'Deployment'; name: string; object: V1Deployment }
  | { kind: 'StatefulSet'; name: string; object: V1StatefulSet }
  | { kind: 'DaemonSet'; name: string; object: V1DaemonSet };

/** Every Deployment, StatefulSet and DaemonSet of a release, in that order. */
export async function releaseWorkloads(
  c: ClusterConnection,
  namespace: string,
  release: string,
): Promise<ReleaseWorkload[]> {
  const labelSelector = instanceSelector(release);
  const [deployments, statefulSets, daemonSets] = await Promise.all([
    c.apps.listNamespacedDeployment({ namespace, labelSelector }),
    c.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
    c.apps.listNamespacedDaemonSet({ namespace, labelSelector }),
  ]);
  const name = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? '';
  return [
    ...deployments.items.map((object) => ({
      kind: 'Deployment' as const,
      name: name(object),
      object,
    })),
    ...statefulSets.items.map((object) => ({
      kind: 'StatefulSet' as const,
      name: name(object),
      object,
    })),
    ...daemonSets.items.map((object) => ({
      kind: 'DaemonSet' as const,
      name: name(object),
      object,
    })),
  ];
}

/** `kubectl rollout status` of one workload. */
function workloadRollout(w: ReleaseWorkload): WorkloadRollout {
  switch (w.kind) {
    case 'Deployment':
      return deploymentRollout(w.object);
    case 'StatefulSet':
      return statefulSetRollout(w.object);
    case 'DaemonSet':
      return daemonSetRollout(w.object);
  }
}

/** The rollouts of every Deployment, StatefulSet and DaemonSet of a release, by name. */
export async function releaseRollouts(
  c: ClusterConnection,
  namespace: string,
  release: string,
): Promise<WorkloadRollout[]> {
  return (await releaseWorkloads(c, namespace, release))
    .map(workloadRollout)
    .sort((a, b) => a.name.localeCompare(b.name));
}
