// The environment's lock on a real API server: one mutating lakehouse command at a time.
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UserError } from '../../../src/lib/index.js';
import {
  acquireOperationLease,
  connectCluster,
  OPERATION_LEASE,
  type ClusterConnection,
} from '../../../src/targets/kubernetes/cluster/index.js';
import { startTestCluster, type TestCluster } from '../../support/kube-cluster.js';

let cluster: TestCluster;
let c: ClusterConnection;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster({ tools: inject('kubernetesTools') });
  c = connectCluster({ kubeconfig: cluster.kubeconfig });
  ns = await cluster.createNamespace('lease');
});

afterAll(async () => {
  await cluster?.stop();
});

const holderOf = async (): Promise<string | undefined> => {
  const r = await cluster.kubectl(['get', 'lease', OPERATION_LEASE, '-n', ns, '-o', 'json']);
  if (r.code !== 0) return undefined;
  return (JSON.parse(r.stdout) as { spec: { holderIdentity?: string } }).spec.holderIdentity;
};

describe('the operation Lease', () => {
  it('is held by one command; a second is refused, naming the holder; released, it is free', async () => {
    const first = await acquireOperationLease(c, ns, 'upgrade');
    expect(await holderOf()).toBe(`${hostname()}:${process.pid} lakehouse upgrade`);
    const second = acquireOperationLease(c, ns, 'scale');
    await expect(second).rejects.toBeInstanceOf(UserError);
    await expect(second).rejects.toThrow(
      /another lakehouse command is changing this environment: .*lakehouse upgrade since/,
    );
    await first.release();
    expect(await holderOf()).toBeUndefined();
    const third = await acquireOperationLease(c, ns, 'scale');
    expect(await holderOf()).toMatch(/lakehouse scale$/);
    await third.release();
  });

  it('takes over a lock whose command died (not renewed within its duration)', async () => {
    const stale = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: OPERATION_LEASE, namespace: ns },
      spec: {
        holderIdentity: 'elsewhere:1 lakehouse upgrade',
        leaseDurationSeconds: 60,
        acquireTime: '2026-01-01T00:00:00.000000Z',
        renewTime: '2026-01-01T00:00:00.000000Z',
      },
    };
    const applied = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(stale) });
    expect(applied.code, applied.stderr).toBe(0);
    const lease = await acquireOperationLease(c, ns, 'rollback');
    expect(await holderOf()).toMatch(/lakehouse rollback$/);
    await lease.release();
  });

  it('leaves a lock another command took over alone when released', async () => {
    const mine = await acquireOperationLease(c, ns, 'upgrade');
    // Someone else's now (as after ours expired and another command took it over).
    const patched = await cluster.kubectl([
      'patch',
      'lease',
      OPERATION_LEASE,
      '-n',
      ns,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { holderIdentity: 'elsewhere:2 lakehouse scale' } }),
    ]);
    expect(patched.code, patched.stderr).toBe(0);
    await mine.release();
    expect(await holderOf()).toBe('elsewhere:2 lakehouse scale');
  });

  it('says the environment is not deployed when its namespace does not exist', async () => {
    await expect(acquireOperationLease(c, 'no-such-namespace', 'upgrade')).rejects.toThrow(
      /namespace no-such-namespace does not exist.*not deployed/,
    );
  });
});
