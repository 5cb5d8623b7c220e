import {
  cacheRoot,
  ensureGoBuild,
  silent,
  type InstallOptions,
} from '../../../platform/install/index.js';
import { execTool } from '../cluster/exec.js';
import { kubernetesBuilds } from './binaries.js';

/** What an operator's machine needs to drive a cluster: helm and kubectl. */
export interface ClientTools {
  helm: string;
  kubectl: string;
}

/** `major.minor` of a tool's version output, e.g. "v3.21.4" → [3, 21]. */
export function parseVersion(text: string): [number, number] | undefined {
  const m = /v?(\d+)\.(\d+)(?:\.\d+)?/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export const atLeast = (have: [number, number], need: [number, number]): boolean =>
  have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);

/** The runbook's minimum versions (its prerequisites table). */
export const MINIMUM = {
  kubectl: [1, 28],
  helm: [3, 12],
  tofu: [1, 5],
  // The runbook asks for git 2.40+ for its own steps; what lakehouse runs (show, commit, push,
  // revert, fetch) works from 2.30, and Debian 12 ships 2.39.
  git: [2, 30],
} as const satisfies Record<string, [number, number]>;

/** A tool on PATH when it runs and is new enough; undefined otherwise. */
async function onPath(name: 'helm' | 'kubectl'): Promise<string | undefined> {
  const args = name === 'helm' ? ['version', '--short'] : ['version', '--client'];
  try {
    const r = await execTool(name, args, { timeoutMs: 15_000 });
    const v = parseVersion(r.stdout);
    return r.code === 0 && v && atLeast(v, MINIMUM[name]) ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * helm and kubectl: the ones on PATH when new enough, else built once into the cache at the
 * pinned versions (the same builds the test cluster uses).
 */
export async function ensureClientTools(opts: InstallOptions = {}): Promise<ClientTools> {
  const say = opts.onProgress ?? silent;
  const builds = kubernetesBuilds(opts.cacheDir ?? cacheRoot());
  const helm = (await onPath('helm')) ?? (await ensureGoBuild(builds.helm, { onProgress: say }));
  const kubectl =
    (await onPath('kubectl')) ?? (await ensureGoBuild(builds.kubectl, { onProgress: say }));
  return { helm, kubectl };
}
