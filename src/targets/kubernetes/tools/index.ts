import {
  cacheRoot,
  ensureGoBuild,
  formatDuration,
  silent,
  type InstallOptions,
} from '../../../platform/install/index.js';
import { versions } from '../../../platform/versions.js';
import { kubernetesBuilds, type KubernetesBinary } from './binaries.js';
import { ensureArgocdSchemas, ensureKubernetesSchemas } from './schemas.js';

export { fixKubernetesSchema } from './schemas.js';
export { ensureOpenTofu, openTofuBuild, openTofuPath } from './opentofu.js';
export type { KubernetesBinary } from './binaries.js';

/** Paths of the Kubernetes tools, all built from source into the cache. */
export type KubernetesTools = Record<KubernetesBinary, string> & {
  schemas: {
    /** `{kind}-{group}-{version}.json` for Kubernetes' own kinds (the local-strict set). */
    kubernetes: string;
    /** `{kind}_{version}.json` for Argo CD's CRDs. */
    argocd: string;
  };
};

/**
 * Builds (once) and returns kubectl, the control plane (kube-apiserver, kube-controller-manager,
 * kube-scheduler, etcd), kwok and kwokctl, helm and kubeconform, plus kubeconform's offline
 * schemas, at the versions pinned in `versions.kubernetes`. Each piece is cached and reused after
 * its version check; a cold build takes long (the apiserver alone is minutes of compiling), so
 * two chains of builds run side by side while the schemas download.
 */
export async function ensureKubernetesTools(opts: InstallOptions = {}): Promise<KubernetesTools> {
  const say = opts.onProgress ?? silent;
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const builds = kubernetesBuilds(cacheDir);
  const paths: Partial<Record<KubernetesBinary, string>> = {};
  const chain = async (names: KubernetesBinary[]): Promise<void> => {
    for (const name of names) paths[name] = await ensureGoBuild(builds[name], { onProgress: say });
  };
  const schemas = { kubernetes: '', argocd: '' };
  const started = Date.now();
  // Two go builds at once: each already uses every core for compiling, but one links or fetches
  // modules while the other compiles. The kubectl/kcm/scheduler builds reuse the apiserver's
  // compiled packages, so that chain goes first; schemas are downloads and run beside both.
  const results = await Promise.allSettled([
    chain(['kubeApiserver', 'kubeControllerManager', 'kubeScheduler', 'kubectl']),
    chain(['etcd', 'kubeconform', 'helm', 'kwok', 'kwokctl']),
    (async () => {
      schemas.kubernetes = await ensureKubernetesSchemas({ cacheDir, onProgress: say });
      schemas.argocd = await ensureArgocdSchemas({ cacheDir, onProgress: say });
    })(),
  ]);
  // Every chain is settled before reporting, so no build keeps running after a failure.
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  say(
    `Kubernetes tools ${versions.kubernetes.version} ready in ${formatDuration(Date.now() - started)}`,
  );
  return { ...(paths as Record<KubernetesBinary, string>), schemas };
}

/**
 * kubeconform's `-schema-location` arguments for the cached schemas, in lookup order:
 * `<kubernetes>/{{ .ResourceKind }}{{ .KindSuffix }}.json` (e.g. deployment-apps-v1.json) and
 * `<argocd>/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json` (e.g. application_v1alpha1.json).
 * Run with `-strict` so unknown fields are errors.
 */
export function kubeconformSchemaLocations(schemas: KubernetesTools['schemas']): string[] {
  return [
    '-schema-location',
    `${schemas.kubernetes}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
    '-schema-location',
    `${schemas.argocd}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
  ];
}
export { ensureArgocdTools, type ArgocdTools } from './argocd.js';
export { atLeast, ensureClientTools, MINIMUM, parseVersion, type ClientTools } from './clients.js';
