import {
  CoordinationV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  type V1Lease,
} from '@kubernetes/client-node';
import { hostname } from 'node:os';
import { UserError } from '../../../lib/index.js';
import { errorText, statusOf, type ClusterConnection } from './connect.js';

/** The Lease every mutating lakehouse command holds while it changes the platform. */
export const OPERATION_LEASE = 'lakehouse-operation';
const DURATION_S = 60;
const RENEW_MS = 15_000;

export interface HeldLease {
  release(): Promise<void>;
}

/** Whether a Lease is held by someone now (renewed within its duration). Pure. */
export function leaseHeld(lease: V1Lease, now: number): boolean {
  const spec = lease.spec;
  if (!spec?.holderIdentity) return false;
  const renewed = spec.renewTime ? new Date(spec.renewTime as unknown as string).getTime() : 0;
  return renewed + (spec.leaseDurationSeconds ?? DURATION_S) * 1000 > now;
}

/**
 * The cluster-side lock of a mutating command (upgrade, rollback, scale, rotate, …): two operators
 * — or two terminals — must not change the same environment at once. A coordination.k8s.io Lease in
 * the platform's namespace, renewed while the command runs; one left by a command that died
 * expires after a minute. Refuses, naming the holder, while another command holds it.
 */
export async function acquireOperationLease(
  c: ClusterConnection,
  namespace: string,
  command: string,
): Promise<HeldLease> {
  const api = c.kubeConfig.makeApiClient(CoordinationV1Api);
  const holder = `${hostname()}:${process.pid} lakehouse ${command}`;
  const now = (): V1MicroTime => new V1MicroTime(Date.now());
  const spec = (): V1Lease['spec'] => ({
    holderIdentity: holder,
    leaseDurationSeconds: DURATION_S,
    acquireTime: now(),
    renewTime: now(),
  });
  let existing: V1Lease | undefined;
  try {
    existing = await api.readNamespacedLease({ name: OPERATION_LEASE, namespace });
  } catch (err) {
    if (statusOf(err) !== 404)
      throw new Error(`cannot read Lease ${OPERATION_LEASE}: ${errorText(err)}`);
  }
  try {
    if (!existing) {
      await api.createNamespacedLease({
        namespace,
        body: { metadata: { name: OPERATION_LEASE }, spec: spec() },
      });
    } else if (leaseHeld(existing, Date.now())) {
      const since = existing.spec?.acquireTime
        ? ` since ${new Date(existing.spec.acquireTime as unknown as string).toISOString()}`
        : '';
      throw new UserError(
        `another lakehouse command is changing this environment: ${existing.spec?.holderIdentity ?? '?'}${since}`,
        `wait for it to finish; a lock left by a command that died expires ${DURATION_S} s after its last renewal (Lease ${OPERATION_LEASE} in ${namespace})`,
      );
    } else {
      // Replace with the resourceVersion read: of two commands taking over an expired lock, one wins.
      await api.replaceNamespacedLease({
        name: OPERATION_LEASE,
        namespace,
        body: { ...existing, spec: spec() },
      });
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    if (statusOf(err) === 404) {
      throw new UserError(
        `namespace ${namespace} does not exist: the environment is not deployed on this cluster`,
        '`lakehouse bootstrap <env>` deploys it (check KUBECONFIG / --kube-context point at the right cluster)',
      );
    }
    if (statusOf(err) === 409) {
      throw new UserError(
        'another lakehouse command took the lock of this environment at the same moment',
        'run the command again once it finished',
      );
    }
    throw new Error(`cannot take Lease ${OPERATION_LEASE}: ${errorText(err)}`);
  }
  const timer = setInterval(() => {
    void api
      .patchNamespacedLease(
        { name: OPERATION_LEASE, namespace, body: { spec: { renewTime: now() } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch(() => undefined);
  }, RENEW_MS);
  timer.unref();
  return {
    async release() {
      clearInterval(timer);
      // Only our own: a lock another command took over after ours expired stays its.
      const current = await api
        .readNamespacedLease({ name: OPERATION_LEASE, namespace })
        .catch(() => undefined);
      if (current?.spec?.holderIdentity !== holder) return;
      await api
        .deleteNamespacedLease({
          name: OPERATION_LEASE,
          namespace,
          body: { preconditions: { resourceVersion: current.metadata?.resourceVersion } },
        })
        .catch(() => undefined);
    },
  };
}

/** Runs `work` holding the environment's operation Lease, released however it ends. */
export async function withOperationLease<T>(
  c: ClusterConnection,
  namespace: string,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  const lease = await acquireOperationLease(c, namespace, command);
  try {
    return await work();
  } finally {
    await lease.release();
  }
}
