import type {
  V1DaemonSet,
  V1DaemonSetStatus,
  V1Deployment,
  V1DeploymentStatus,
  V1StatefulSet,
  V1StatefulSetStatus,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  daemonSetRollout,
  deploymentRollout,
  statefulSetRollout,
} from '../../../../src/targets/kubernetes/cluster/rollout.js';

// Objects as the API server returns them, built by hand: the spec the controller should reach and
// the status it reports, so each case is one moment of a rollout `kubectl rollout status` judges.

function deployment(
  replicas: number | undefined,
  status: V1DeploymentStatus | undefined,
  generation = 2,
): V1Deployment {
  return {
    metadata: { name: 'trino-worker', generation },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: 'trino' } },
      template: {},
    },
    ...(status ? { status } : {}),
  };
}

function statefulSet(
  replicas: number | undefined,
  status: V1StatefulSetStatus | undefined,
  generation = 3,
): V1StatefulSet {
  return {
    metadata: { name: 'minio', generation },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: 'minio' } },
      serviceName: 'minio-headless',
      template: {},
    },
    ...(status ? { status } : {}),
  };
}

function daemonSet(status: V1DaemonSetStatus | undefined, generation = 1): V1DaemonSet {
  return {
    metadata: { name: 'node-exporter', generation },
    spec: { selector: { matchLabels: { app: 'node-exporter' } }, template: {} },
    ...(status ? { status } : {}),
  };
}

describe('deploymentRollout', () => {
  it('is done when every replica runs the new template and is available', () => {
    const r = deploymentRollout(
      deployment(3, {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
    expect(r).toEqual({
      kind: 'Deployment',
      name: 'trino-worker',
      done: true,
      detail: '3/3 available',
    });
  });

  it('waits while the controller has not observed the latest generation, whatever the counts say', () => {
    // The counts describe the previous spec: they must not be read as the new rollout's.
    const r = deploymentRollout(
      deployment(
        3,
        { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
        2,
      ),
    );
    expect(r.done).toBe(false);
    expect(r.detail).toBe('waiting for the deployment spec update to be observed');
  });

  it('mid-rollout: fewer new replicas than wanted', () => {
    // maxSurge 1: 4 pods, of which 1 runs the new template.
    const r = deploymentRollout(
      deployment(3, {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        readyReplicas: 3,
        availableReplicas: 3,
      }),
    );
    expect(r.done).toBe(false);
    expect(r.detail).toBe('1 out of 3 new replicas have been updated');
  });

  it('every new replica exists but old replicas are still pending termination', () => {
    const r = deploymentRollout(
      deployment(3, {
        observedGeneration: 2,
        replicas: 5,
        updatedReplicas: 3,
        readyReplicas: 5,
        availableReplicas: 5,
      }),
    );
    expect(r.done).toBe(false);
    expect(r.detail).toBe('2 old replicas are pending termination');
  });

  it('new replicas exist but are not all available yet', () => {
    const r = deploymentRollout(
      deployment(3, {
        observedGeneration: 2,
        replicas: 3,
        updatedReplicas: 3,
        readyReplicas: 1,
        availableReplicas: 1,
      }),
    );
    expect(r.done).toBe(false);
    expect(r.detail).toBe('1 of 3 updated replicas are available');
  });

  it('reports an exceeded progress deadline with the condition message', () => {
    const r = deploymentRollout(
      deployment(3, {
        observedGeneration: 2,
        replicas: 4,
        updatedReplicas: 1,
        availableReplicas: 3,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "trino-worker-7c9f" has timed out progressing.',
          },
        ],
      }),
    );
    expect(r.done).toBe(false);
    expect(r.detail).toBe(
      'exceeded its progress deadline (ReplicaSet "trino-worker-7c9f" has timed out progressing.)',
    );
  });

  it('a Progressing condition that is only progressing is not a failure', () => {
    const r = deploymentRollout(
      deployment(2, {
        observedGeneration: 2,
        replicas: 2,
        updatedReplicas: 2,
        availableReplicas: 2,
        conditions: [
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
          // The reason on another condition type is not the progress deadline.
          { type: 'Available', status: 'False', reason: 'ProgressDeadlineExceeded' },
        ],
      }),
    );
    expect(r).toMatchObject({ done: true, detail: '2/2 available' });
  });

  it('defaults spec.replicas to 1, as the API server does', () => {
    const pending = deploymentRollout(deployment(undefined, { observedGeneration: 2 }));
    expect(pending).toMatchObject({
      done: false,
      detail: '0 out of 1 new replicas have been updated',
    });
    const done = deploymentRollout(
      deployment(undefined, {
        observedGeneration: 2,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
      }),
    );
    expect(done).toMatchObject({ done: true, detail: '1/1 available' });
  });

  it('a Deployment scaled to zero with no pods left is done', () => {
    expect(deploymentRollout(deployment(0, { observedGeneration: 2 }))).toMatchObject({
      done: true,
      detail: '0/0 available',
    });
  });

  it('a Deployment scaled to zero with old pods still there is not', () => {
    const r = deploymentRollout(deployment(0, { observedGeneration: 2, replicas: 2 }));
    expect(r).toMatchObject({ done: false, detail: '2 old replicas are pending termination' });
  });

  it('a Deployment without a status yet waits for the controller', () => {
    const r = deploymentRollout(deployment(1, undefined, 1));
    expect(r).toMatchObject({
      done: false,
      detail: 'waiting for the deployment spec update to be observed',
    });
  });

  it('names an object without metadata "?"', () => {
    const r = deploymentRollout({ spec: { selector: {}, template: {} } });
    expect(r.name).toBe('?');
    expect(r.kind).toBe('Deployment');
  });
});

describe('statefulSetRollout', () => {
  it('is done when every pod is ready on the update revision', () => {
    const r = statefulSetRollout(
      statefulSet(3, {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 3,
        currentRevision: 'minio-6d9f',
        updateRevision: 'minio-6d9f',
      }),
    );
    expect(r).toEqual({ kind: 'StatefulSet', name: 'minio', done: true, detail: '3/3 ready' });
  });

  it('waits while the controller has not observed the latest generation', () => {
    const r = statefulSetRollout(
      statefulSet(3, { observedGeneration: 2, replicas: 3, readyReplicas: 3 }, 3),
    );
    expect(r).toMatchObject({
      done: false,
      detail: 'waiting for the statefulset spec update to be observed',
    });
  });

  it('waits for pods to be ready', () => {
    const r = statefulSetRollout(
      statefulSet(3, { observedGeneration: 3, replicas: 3, readyReplicas: 2 }),
    );
    expect(r).toMatchObject({ done: false, detail: '2 of 3 pods are ready' });
  });

  it('mid rolling update: all pods ready but not all on the new revision', () => {
    // Pods are replaced from the highest ordinal down: minio-2 is updated, 0 and 1 are not.
    const r = statefulSetRollout(
      statefulSet(3, {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 1,
        currentReplicas: 2,
        currentRevision: 'minio-5b7c',
        updateRevision: 'minio-6d9f',
      }),
    );
    expect(r).toMatchObject({ done: false, detail: '1 of 3 pods run revision minio-6d9f' });
  });

  it('counts no updated pods when the status omits updatedReplicas', () => {
    const r = statefulSetRollout(
      statefulSet(2, {
        observedGeneration: 3,
        replicas: 2,
        readyReplicas: 2,
        currentRevision: 'minio-5b7c',
        updateRevision: 'minio-6d9f',
      }),
    );
    expect(r).toMatchObject({ done: false, detail: '0 of 2 pods run revision minio-6d9f' });
  });

  it('defaults spec.replicas to 1 and a missing status to no ready pod', () => {
    expect(statefulSetRollout(statefulSet(undefined, undefined, 0))).toMatchObject({
      done: false,
      detail: '0 of 1 pods are ready',
    });
  });
});

describe('daemonSetRollout', () => {
  it('is done when every scheduled pod is updated and available', () => {
    const r = daemonSetRollout(
      daemonSet({
        observedGeneration: 1,
        currentNumberScheduled: 3,
        desiredNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
      }),
    );
    expect(r).toEqual({
      kind: 'DaemonSet',
      name: 'node-exporter',
      done: true,
      detail: '3/3 available',
    });
  });

  it('waits without a status, or with an older observed generation', () => {
    expect(daemonSetRollout(daemonSet(undefined))).toMatchObject({
      done: false,
      detail: 'waiting for the daemon set spec update to be observed',
    });
    const stale = daemonSetRollout(
      daemonSet(
        {
          observedGeneration: 1,
          currentNumberScheduled: 3,
          desiredNumberScheduled: 3,
          numberMisscheduled: 0,
          numberReady: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 3,
        },
        2,
      ),
    );
    expect(stale).toMatchObject({
      done: false,
      detail: 'waiting for the daemon set spec update to be observed',
    });
  });

  it('mid-rollout: not every node runs the new pod', () => {
    const r = daemonSetRollout(
      daemonSet({
        observedGeneration: 1,
        currentNumberScheduled: 3,
        desiredNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 3,
        updatedNumberScheduled: 1,
        numberAvailable: 3,
      }),
    );
    expect(r).toMatchObject({ done: false, detail: '1 out of 3 new pods have been updated' });
  });

  it('every node runs the new pod but not all are available', () => {
    const r = daemonSetRollout(
      daemonSet({
        observedGeneration: 1,
        currentNumberScheduled: 3,
        desiredNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 2,
        updatedNumberScheduled: 3,
        numberAvailable: 2,
      }),
    );
    expect(r).toMatchObject({ done: false, detail: '2 of 3 updated pods are available' });
  });

  it('a DaemonSet no node is selected for is done', () => {
    const r = daemonSetRollout(
      daemonSet({
        observedGeneration: 1,
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      }),
    );
    expect(r).toMatchObject({ done: true, detail: '0/0 available' });
  });
});
