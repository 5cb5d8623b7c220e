import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podStatus } from '../../../../src/targets/kubernetes/releases/status.js';

function container(name: string, over: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return {
    name,
    image: `example/${name}:1`,
    imageID: '',
    ready: true,
    restartCount: 0,
    state: { running: { startedAt: new Date('2026-12-01T10:00:00Z') } },
    ...over,
  };
}

function pod(
  names: string[],
  statuses: V1ContainerStatus[] | undefined,
  over: Partial<V1Pod> = {},
): V1Pod {
  return {
    metadata: { name: 'trino-worker-5d8f9c7b6-abcde', namespace: 'lakehouse-platform' },
    spec: { containers: names.map((name) => ({ name })) },
    status: { phase: 'Running', ...(statuses ? { containerStatuses: statuses } : {}) },
    ...over,
  };
}

describe('podStatus', () => {
  it('a running pod with every container ready', () => {
    expect(podStatus(pod(['trino', 'jmx'], [container('trino'), container('jmx')]))).toEqual({
      name: 'trino-worker-5d8f9c7b6-abcde',
      phase: 'Running',
      ready: '2/2',
      restarts: 0,
    });
  });

  it('counts ready containers of all the spec declares', () => {
    const s = podStatus(
      pod(
        ['trino', 'jmx', 'log-shipper'],
        [container('trino'), container('jmx', { ready: false }), container('log-shipper')],
      ),
    );
    expect(s.ready).toBe('2/3');
  });

  it('a pod whose containers have no status yet is 0 of what the spec declares', () => {
    const s = podStatus(pod(['trino'], undefined, { status: { phase: 'Pending' } }));
    expect(s).toEqual({
      name: 'trino-worker-5d8f9c7b6-abcde',
      phase: 'Pending',
      ready: '0/1',
      restarts: 0,
    });
  });

  it("sums every container's restarts", () => {
    const s = podStatus(
      pod(
        ['trino', 'jmx'],
        [container('trino', { restartCount: 4 }), container('jmx', { restartCount: 3 })],
      ),
    );
    expect(s.restarts).toBe(7);
  });

  it('CrashLoopBackOff after an OOM kill: waiting reason and last termination with exit code', () => {
    const s = podStatus(
      pod(
        ['trino'],
        [
          container('trino', {
            ready: false,
            restartCount: 5,
            state: {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s restarting' },
            },
            lastState: {
              terminated: {
                reason: 'OOMKilled',
                exitCode: 137,
                startedAt: new Date('2026-12-01T10:00:00Z'),
                finishedAt: new Date('2026-12-01T10:01:00Z'),
              },
            },
          }),
        ],
      ),
    );
    expect(s).toEqual({
      name: 'trino-worker-5d8f9c7b6-abcde',
      phase: 'Running',
      ready: '0/1',
      restarts: 5,
      waiting: 'CrashLoopBackOff',
      lastTermination: 'OOMKilled (exit 137)',
    });
  });

  it("names the waiting container's reason even when it is not the first container", () => {
    const s = podStatus(
      pod(
        ['sidecar', 'trino'],
        [
          container('sidecar'),
          container('trino', {
            ready: false,
            state: { waiting: { reason: 'ImagePullBackOff', message: 'pull access denied' } },
          }),
        ],
      ),
    );
    expect(s).toMatchObject({ ready: '1/2', waiting: 'ImagePullBackOff' });
    expect(s).not.toHaveProperty('lastTermination');
  });

  it('a termination without a reason is "terminated" with its exit code', () => {
    const s = podStatus(
      pod(
        ['airflow'],
        [
          container('airflow', {
            restartCount: 1,
            lastState: { terminated: { exitCode: 1 } },
          }),
        ],
      ),
    );
    expect(s.lastTermination).toBe('terminated (exit 1)');
    expect(s).not.toHaveProperty('waiting');
  });

  it('an Error exit of a container after others is reported', () => {
    const s = podStatus(
      pod(
        ['git-sync', 'scheduler'],
        [
          container('git-sync'),
          container('scheduler', {
            restartCount: 2,
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          }),
        ],
      ),
    );
    expect(s).toMatchObject({ restarts: 2, lastTermination: 'Error (exit 1)' });
  });

  it('a waiting state without a reason is not reported', () => {
    const s = podStatus(pod(['trino'], [container('trino', { state: { waiting: {} } })]));
    expect(s).not.toHaveProperty('waiting');
  });

  it('Terminating when the pod has a deletion timestamp, whatever its phase', () => {
    const s = podStatus(
      pod(['trino'], [container('trino')], {
        metadata: {
          name: 'trino-coordinator-0',
          deletionTimestamp: new Date('2026-12-01T10:05:00Z'),
        },
      }),
    );
    expect(s).toMatchObject({ name: 'trino-coordinator-0', phase: 'Terminating', ready: '1/1' });
  });

  it('Unknown phase and "?" name when the object lacks them', () => {
    const s = podStatus({ spec: { containers: [{ name: 'x' }] } });
    expect(s).toEqual({ name: '?', phase: 'Unknown', ready: '0/1', restarts: 0 });
  });
});
