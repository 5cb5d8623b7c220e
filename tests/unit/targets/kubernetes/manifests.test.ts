import { describe, expect, it } from 'vitest';
import { valuesSchema, type LakehouseValues } from '../../../../src/platform/config/index.js';
import {
  APPLICATION_HEALTH_KEY,
  APPLICATION_HEALTH_LUA,
  ARGOCD_NAMESPACE,
  ROOT_APPLICATION,
  ROOT_PROJECT,
  rootManifests,
} from '../../../../src/targets/kubernetes/bootstrap/manifests.js';

const REPO = 'https://git.example.com/data/lakehouse.git';
const SERVER = 'https://10.0.0.1:6443';

const values = (argocd: object = {}): LakehouseValues =>
  valuesSchema.parse({
    global: { target: 'kubernetes', environment: 'staging' },
    argocd: { repoURL: REPO, ...argocd },
  });

// The two objects bootstrap applies, typed loosely to reach into their specs.
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    finalizers?: string[];
  };
  spec: Record<string, unknown> & {
    sourceRepos?: string[];
    destinations?: { server: string; namespace: string }[];
    namespaceResourceWhitelist?: { group: string; kind: string }[];
    clusterResourceWhitelist?: unknown[];
    project?: string;
    source?: {
      repoURL: string;
      targetRevision: string;
      path: string;
      helm: { releaseName: string; valueFiles: string[] };
    };
    destination?: { server: string; namespace: string };
    ignoreDifferences?: { group: string; kind: string; jsonPointers: string[] }[];
    syncPolicy?: { automated: { prune: boolean; selfHeal: boolean }; syncOptions: string[] };
  };
}

function manifests(v: LakehouseValues, env: string): { project: Obj; app: Obj } {
  const objs = rootManifests(v, env) as unknown as Obj[];
  expect(objs).toHaveLength(2);
  const project = objs.find((o) => o.kind === 'AppProject');
  const app = objs.find((o) => o.kind === 'Application');
  if (!project || !app)
    throw new Error('rootManifests must return an AppProject and an Application');
  return { project, app };
}

describe('rootManifests', () => {
  it('the AppProject, before the Application that names it', () => {
    const objs = rootManifests(values(), 'staging');
    expect(objs.map((o) => o.kind)).toEqual(['AppProject', 'Application']);
    for (const o of objs) {
      expect(o.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(o.metadata?.namespace).toBe(ARGOCD_NAMESPACE);
      expect(o.metadata?.labels).toEqual({
        'app.kubernetes.io/part-of': 'lakehouse',
        'app.kubernetes.io/managed-by': 'lakehouse',
      });
    }
  });

  it('the project allows only the environment repository and destination, and only Applications/AppProjects', () => {
    const { project } = manifests(values({ destinationServer: SERVER }), 'staging');
    expect(project.metadata.name).toBe(ROOT_PROJECT);
    expect(project.metadata.name).toBe('lakehouse-bootstrap');
    expect(project.spec.sourceRepos).toEqual([REPO]);
    expect(project.spec.destinations).toEqual([{ server: SERVER, namespace: 'argocd' }]);
    expect(project.spec.clusterResourceWhitelist).toEqual([]);
    expect(project.spec.namespaceResourceWhitelist).toEqual([
      { group: 'argoproj.io', kind: 'Application' },
      { group: 'argoproj.io', kind: 'AppProject' },
    ]);
    expect(project.spec['description']).toContain('staging');
  });

  it('the root Application syncs platform/argocd from the repository with the environment values', () => {
    const { app } = manifests(
      values({ destinationServer: SERVER, targetRevision: 'release-2026.12' }),
      'staging',
    );
    expect(app.metadata.name).toBe(ROOT_APPLICATION);
    expect(app.metadata.name).toBe('lakehouse');
    expect(app.spec.project).toBe(ROOT_PROJECT);
    expect(app.spec.source).toEqual({
      repoURL: REPO,
      targetRevision: 'release-2026.12',
      path: 'platform/argocd',
      helm: { releaseName: 'argocd', valueFiles: ['../../env/staging/helm-values.yaml'] },
    });
    expect(app.spec.destination).toEqual({ server: SERVER, namespace: 'argocd' });
  });

  it('the value file follows the env argument', () => {
    const { app } = manifests(values(), 'prod-eu');
    expect(app.spec.source?.helm.valueFiles).toEqual(['../../env/prod-eu/helm-values.yaml']);
  });

  it('defaults: the in-cluster API server and branch main', () => {
    const { project, app } = manifests(values(), 'dev');
    expect(project.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
    ]);
    expect(app.spec.destination?.server).toBe('https://kubernetes.default.svc');
    expect(app.spec.source?.targetRevision).toBe('main');
  });

  it('deleting the root cascades: the resources finalizer is set', () => {
    const { app } = manifests(values(), 'dev');
    expect(app.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  it("self-heals, but leaves the children's automated policy alone so a pause holds", () => {
    const { app } = manifests(values(), 'dev');
    expect(app.spec.syncPolicy?.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.ignoreDifferences).toEqual([
      { group: 'argoproj.io', kind: 'Application', jsonPointers: ['/spec/syncPolicy/automated'] },
    ]);
    // Without it ignoreDifferences only affects the diff, and a sync would still overwrite it.
    expect(app.spec.syncPolicy?.syncOptions).toContain('RespectIgnoreDifferences=true');
  });

  it('the Application health check Argo CD needs for waves of Applications', () => {
    expect(APPLICATION_HEALTH_KEY).toBe('resource.customizations.health.argoproj.io_Application');
    expect(APPLICATION_HEALTH_LUA).toContain('hs.status = obj.status.health.status');
    expect(APPLICATION_HEALTH_LUA).toContain('hs.status = "Progressing"');
    expect(APPLICATION_HEALTH_LUA.trimEnd().endsWith('return hs')).toBe(true);
  });
});
