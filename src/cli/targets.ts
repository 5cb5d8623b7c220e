import { loadValues, type LakehouseValues } from '../platform/config/index.js';
import { stateDir, repoRoot } from '../platform/paths.js';
import { ReleaseError, type ReleaseTarget } from '../ops/index.js';
import { UserError } from '../lib/index.js';
import type { KubernetesReleaseTarget } from '../targets/kubernetes/releases/index.js';
import type { LocalReleaseTarget } from '../targets/local/releases/index.js';
import type { EnvFlags } from './options.js';

/** The release target of an environment: its `global.target` decides which. */
export type AnyReleaseTarget =
  | { kind: 'local'; target: LocalReleaseTarget; values: LakehouseValues }
  | { kind: 'kubernetes'; target: KubernetesReleaseTarget; values: LakehouseValues };

/** Lines a Kubernetes target wants the operator to read (an Application paused, and why). */
const notice = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The Kubernetes target of an environment: the cluster from --kubeconfig/--kube-context (default
 * KUBECONFIG and its current context), helm from PATH or the cache, the charts and env files of
 * this checkout.
 */
export async function kubernetesTarget(
  flags: EnvFlags,
  values: LakehouseValues,
): Promise<KubernetesReleaseTarget> {
  const { connectCluster, Helm } = await import('../targets/kubernetes/cluster/index.js');
  const { ensureClientTools } = await import('../targets/kubernetes/tools/index.js');
  const { KubernetesReleaseTarget } = await import('../targets/kubernetes/releases/index.js');
  const connection = connectCluster({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.kubeContext ? { context: flags.kubeContext } : {}),
  });
  const tools = await ensureClientTools({ onProgress: notice });
  return new KubernetesReleaseTarget({
    connection,
    helm: new Helm(tools.helm, connection.toolArgs),
    env: flags.env,
    envValues: values,
    repo: repoRoot,
    notice,
  });
}

export async function releaseTarget(flags: EnvFlags): Promise<AnyReleaseTarget> {
  const values = await loadValues({ env: flags.env, files: flags.values });
  if (values.global.target === 'kubernetes') {
    return { kind: 'kubernetes', target: await kubernetesTarget(flags, values), values };
  }
  const { LocalReleaseTarget } = await import('../targets/local/releases/index.js');
  return {
    kind: 'local',
    target: new LocalReleaseTarget({ stateDir: stateDir(), env: flags.env, envValues: values }),
    values,
  };
}

/** Refuses a command that only the local target has, naming what to use instead. */
export function localOnly(
  t: AnyReleaseTarget,
  command: string,
  instead: string,
): LocalReleaseTarget {
  if (t.kind !== 'local') {
    throw new UserError(`\`lakehouse ${command}\` runs on the local target only`, instead);
  }
  return t.target;
}

/** ReleaseError (a refusal of the release logic) as the CLI's UserError. */
export async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ReleaseError) throw new UserError(err.message, err.help);
    throw err;
  }
}

/**
 * Runs a mutation under the environment's lock: locally the platform lock (and only while the
 * platform runs), on Kubernetes the Lease `lakehouse-operation` in the platform's namespace.
 */
export async function mutate<T>(
  t: AnyReleaseTarget,
  command: string,
  work: (target: ReleaseTarget) => Promise<T>,
): Promise<T> {
  if (t.kind === 'local') {
    const { withPlatformLock } = await import('./releases.js');
    return withPlatformLock(command, () => work(t.target));
  }
  const { withOperationLease } = await import('../targets/kubernetes/cluster/index.js');
  return withOperationLease(t.target.opts.connection, t.target.namespace, command, () =>
    asUserErrors(() => work(t.target)),
  );
}
