import type { TestProject } from 'vitest/node';
import { cacheRoot, formatDuration } from '../../src/platform/install/index.js';
import {
  ensureKubernetesTools,
  type KubernetesTools,
} from '../../src/targets/kubernetes/tools/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** kubectl, helm, kubeconform, the control plane, kwok and the offline schemas. */
    kubernetesTools: KubernetesTools;
  }
}

/**
 * Runs once before the kubernetes tests: builds (or finds in the cache) the Kubernetes tools and
 * hands their paths to the tests through `inject('kubernetesTools')`. A cold build compiles
 * Kubernetes from source: ~15 min on an idle 2-core machine, up to ~75 min on a loaded one; a
 * machine that ran it before only checks versions (a few seconds).
 */
export default async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const say = (line: string): void => console.log(`[kubernetes-setup] ${line}`);
  say(
    `building Kubernetes tools into ${cacheRoot()} (cached after the first run; a cold build takes ~15-75 min)`,
  );
  const tools = await ensureKubernetesTools({ onProgress: say });
  project.provide('kubernetesTools', tools);
  say(`ready in ${formatDuration(Date.now() - started)}`);
}
