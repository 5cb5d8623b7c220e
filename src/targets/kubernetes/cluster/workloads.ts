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

/** The rollouts of every Deployment, StatefulSet and DaemonSet of a release. */
export async function releaseRollouts(
  c: ClusterConnection,
  namespace: string,
  release: string,
): Promise<WorkloadRollout[]> {
  const labelSelector = instanceSelector(release);
  const [deployments, statefulSets, daemonSets] = await Promise.all([
    c.apps.listNamespacedDeployment({ namespace, labelSelector }),
    c.apps.listNamespacedStatefulSet({ namespace, labelSelector }),
    c.apps.listNamespacedDaemonSet({ namespace, labelSelector }),
  ]);
  return [
    ...deployments.items.map(deploymentRollout),
    ...statefulSets.items.map(statefulSetRollout),
    ...daemonSets.items.map(daemonSetRollout),
  ].sort((a, b) => a.name.localeCompare(b.name));
}
