import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  NODE_NAME,
  POD_STATE_ANNOTATION,
  startTestCluster,
  type PodState,
  type TestCluster,
} from '../../support/kube-cluster.js';
import { until } from '../../support/until.js';

const tools = inject('kubernetesTools');

let cluster: TestCluster;
let ns: string;

beforeAll(async () => {
  cluster = await startTestCluster({ tools });
  ns = await cluster.createNamespace('cluster');
  const memory = cluster
    .processes()
    .map((p) => `${p.name} ${p.rssMiB.toFixed(0)} MiB`)
    .join(', ');
  const total = cluster.processes().reduce((sum, p) => sum + p.rssMiB, 0);
  console.log(
    `test cluster: started in ${(cluster.startupMs / 1000).toFixed(1)} s; RSS ${memory}; total ${total.toFixed(0)} MiB`,
  );
});

afterAll(async () => {
  await cluster?.stop();
});

/** `kubectl`, failing the test with its stderr when it does not exit 0. */
async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, { input });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number };
}

interface PodStatus {
  phase?: string;
  conditions?: { type: string; status: string; reason?: string }[];
  containerStatuses?: {
    name: string;
    ready: boolean;
    restartCount: number;
    state?: ContainerState;
    lastState?: ContainerState;
  }[];
}

async function podStatus(name: string): Promise<PodStatus> {
  const pod = JSON.parse(await kubectl(['get', 'pod', name, '-n', ns, '-o', 'json'])) as {
    status?: PodStatus;
  };
  return pod.status ?? {};
}

/** `kubectl get pod` as an operator reads it: NAME READY STATUS RESTARTS AGE. */
async function podRow(name: string): Promise<{ ready: string; status: string; restarts: string }> {
  const line = (await kubectl(['get', 'pod', name, '-n', ns, '--no-headers'])).trim();
  const [, ready = '', status = '', restarts = ''] = line.split(/\s+/);
  return { ready, status, restarts };
}

function pod(
  name: string,
  opts: { state?: PodState; restartPolicy?: string; nodeSelector?: Record<string, string> } = {},
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      annotations: opts.state ? { [POD_STATE_ANNOTATION]: opts.state } : {},
    },
    spec: {
      restartPolicy: opts.restartPolicy ?? 'Always',
      nodeSelector: opts.nodeSelector,
      containers: [{ name: 'main', image: 'busybox:1.37' }],
    },
  });
}

function deployment(name: string, image: string, replicas = 2): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image }] },
      },
    },
  });
}

describe('the test cluster', () => {
  it('serves the API on loopback with a Ready fake node at the pinned Kubernetes version', async () => {
    expect(cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const version = JSON.parse(await kubectl(['version', '-o', 'json'])) as {
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toBe('v1.37.2');
    expect(await kubectl(['get', 'node', NODE_NAME, '--no-headers'])).toMatch(/\bReady\b/);
    const names = cluster
      .processes()
      .map((p) => p.name)
      .sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'etcd',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-scheduler',
        'kwok-controller',
      ]),
    );
  });

  it('binds every control-plane port to 127.0.0.1 only', async () => {
    const listening = cluster.listening();
    // etcd (client, peer, metrics), apiserver, controller-manager, scheduler, kwok.
    expect(listening.length).toBeGreaterThanOrEqual(6);
    expect(listening.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
  });

  it('rolls a Deployment out, to a new image, and back with rollout undo', async () => {
    await kubectl(['apply', '-f', '-'], deployment('web', 'nginx:1.27'));
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    await kubectl(['set', 'image', 'deployment/web', 'web=nginx:1.28', '-n', ns]);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    expect(await kubectl(['rollout', 'history', 'deployment/web', '-n', ns])).toMatch(
      /^1\s.*\n2\s/m,
    );

    await kubectl(['rollout', 'undo', 'deployment/web', '-n', ns]);
    await kubectl(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=60s']);
    const image = await kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image} {.status.availableReplicas}',
    ]);
    expect(image).toBe('nginx:1.27 2');
    const pods = await kubectl(['get', 'pods', '-n', ns, '-l', 'app=web', '--no-headers']);
    expect(
      pods
        .trim()
        .split('\n')
        .filter((l) => /\s1\/1\s+Running\s/.test(l)),
    ).toHaveLength(2);
  });

  it('reports CrashLoopBackOff with restarts and the last termination', async () => {
    await kubectl(['apply', '-f', '-'], pod('crash', { state: 'CrashLoopBackOff' }));
    const row = await until('the pod to show CrashLoopBackOff', async () => {
      const r = await podRow('crash');
      return r.status === 'CrashLoopBackOff' && r;
    });
    expect(row.ready).toBe('0/1');
    expect(Number(row.restarts.split(' ')[0])).toBe(5);
    const status = await podStatus('crash');
    expect(status.phase).toBe('Running');
    const c = status.containerStatuses?.[0];
    expect(c?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(c?.lastState?.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(c?.restartCount).toBe(5);
  });

  it('reports ImagePullBackOff while the pod stays Pending', async () => {
    await kubectl(['apply', '-f', '-'], pod('pull', { state: 'ImagePullBackOff' }));
    const row = await until('the pod to show ImagePullBackOff', async () => {
      const r = await podRow('pull');
      return r.status === 'ImagePullBackOff' && r;
    });
    expect(row.ready).toBe('0/1');
    const status = await podStatus('pull');
    expect(status.phase).toBe('Pending');
    expect(status.containerStatuses?.[0]?.state?.waiting?.message).toContain('busybox:1.37');
  });

  it('reports an OOMKilled last termination on a restarted container', async () => {
    await kubectl(['apply', '-f', '-'], pod('oom', { state: 'OOMKilled' }));
    const status = await until('the pod to report OOMKilled', async () => {
      const s = await podStatus('oom');
      return s.containerStatuses?.[0]?.lastState?.terminated?.reason === 'OOMKilled' && s;
    });
    expect(status.phase).toBe('Running');
    expect(status.containerStatuses?.[0]).toMatchObject({ restartCount: 1, ready: true });
    expect(status.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    const described = await kubectl(['describe', 'pod', 'oom', '-n', ns]);
    expect(described).toMatch(/Last State:\s+Terminated\s+Reason:\s+OOMKilled\s+Exit Code:\s+137/);
  });

  it('keeps a pod Pending on its node (ContainerCreating), and an unschedulable one Pending unscheduled', async () => {
    await kubectl(['apply', '-f', '-'], pod('creating', { state: 'Pending' }));
    await kubectl(
      ['apply', '-f', '-'],
      pod('nowhere', { nodeSelector: { 'lakehouse.test/no': 'such-node' } }),
    );
    const creating = await until('the pod to show ContainerCreating', async () => {
      const r = await podRow('creating');
      return r.status === 'ContainerCreating' && r;
    });
    expect(creating.ready).toBe('0/1');
    expect((await podStatus('creating')).phase).toBe('Pending');

    const unscheduled = await until('the scheduler to give up on the pod', async () => {
      const s = await podStatus('nowhere');
      const scheduled = s.conditions?.find((c) => c.type === 'PodScheduled');
      return scheduled?.status === 'False' && { phase: s.phase, reason: scheduled.reason };
    });
    expect(unscheduled).toEqual({ phase: 'Pending', reason: 'Unschedulable' });
    expect((await podRow('nowhere')).status).toBe('Pending');
  });

  it('completes a restartPolicy Never pod (helm test hooks): Succeeded', async () => {
    await kubectl(['apply', '-f', '-'], pod('once', { restartPolicy: 'Never' }));
    const row = await until('the pod to complete', async () => {
      const r = await podRow('once');
      return r.status === 'Completed' && r;
    });
    expect(row.ready).toBe('0/1');
    expect((await podStatus('once')).phase).toBe('Succeeded');
  });

  it('runs helm against it', async () => {
    const r = await cluster.helm(['list', '-n', ns, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});

describe('stopping a test cluster', () => {
  it('leaves no etcd, kube-apiserver, controller, scheduler or kwok process behind', async () => {
    const other = await startTestCluster({ tools });
    const pids = other.processes().map((p) => p.pid);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    await other.stop();
    expect(other.processes()).toEqual([]);
    expect(pids.filter(alive)).toEqual([]);
    // The cluster started first is untouched.
    expect(await kubectl(['get', 'node', NODE_NAME, '-o', 'name'])).toContain(NODE_NAME);
  });
});

/** True while `pid` runs; a zombie (exited, not yet reaped by init) does not count. */
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
