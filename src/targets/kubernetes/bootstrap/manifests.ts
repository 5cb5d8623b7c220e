import type { KubernetesObject } from '@kubernetes/client-node';
import type { LakehouseValues } from '../../../platform/config/index.js';

export const ARGOCD_NAMESPACE = 'argocd';
/** The app of apps: it syncs platform/argocd, which holds one Application per component. */
export const ROOT_APPLICATION = 'lakehouse';
export const ROOT_PROJECT = 'lakehouse-bootstrap';

/**
 * Argo CD stopped judging an Application's health by its child Application's in v1.8; without this
 * check a sync wave of Applications does not wait for the previous wave to be Healthy. The Lua is
 * the one Argo CD's documentation gives for app-of-apps with sync waves.
 */
export const APPLICATION_HEALTH_KEY = 'resource.customizations.health.argoproj.io_Application';
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/** The root project and Application bootstrap applies; Argo CD makes the rest from git. */
export function rootManifests(values: LakehouseValues, env: string): KubernetesObject[] {
  const labels = {
    'app.kubernetes.io/part-of': 'lakehouse',
    'app.kubernetes.io/managed-by': 'lakehouse',
  };
  const server = values.argocd.destinationServer;
  const project = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: ROOT_PROJECT, namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      description: `The app of apps of environment ${env}: platform/argocd, which creates the component Applications`,
      sourceRepos: [values.argocd.repoURL],
      destinations: [{ server, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [
        { group: 'argoproj.io', kind: 'Application' },
        { group: 'argoproj.io', kind: 'AppProject' },
      ],
    },
  };
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: ROOT_APPLICATION,
      namespace: ARGOCD_NAMESPACE,
      labels,
      // Deleting the root deletes the component Applications, and they delete what they deployed.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: ROOT_PROJECT,
      source: {
        repoURL: values.argocd.repoURL,
        targetRevision: values.argocd.targetRevision,
        path: 'platform/argocd',
        helm: { releaseName: 'argocd', valueFiles: [`../../env/${env}/helm-values.yaml`] },
      },
      destination: { server, namespace: ARGOCD_NAMESPACE },
      // An operator's pause of one component (emergency rollback) switches its Application's
      // automated sync off; without these two the root's self-heal would switch it back on.
      ignoreDifferences: [
        { group: 'argoproj.io', kind: 'Application', jsonPointers: ['/spec/syncPolicy/automated'] },
      ],
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: ['RespectIgnoreDifferences=true'],
      },
    },
  };
  return [project, application];
}
