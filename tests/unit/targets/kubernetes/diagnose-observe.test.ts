import type { CoreV1Event, V1EndpointSlice, V1Pod, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { valuesSchema, type LakehouseValues } from '../../../../src/platform/config/index.js';
// The pure parts, imported past the index: it also loads the API client, which the tests of
// these functions do not need.
import {
  applicationEvidence,
  eventEvidence,
  podEvidence,
  serviceEvidence,
} from '../../../../src/targets/kubernetes/diagnose/observe.js';
import {
  imageTagKeyOf,
  resourcesKeyOf,
} from '../../../../src/targets/kubernetes/diagnose/values-keys.js';

const values = (over: object = {}): LakehouseValues =>
  valuesSchema.parse({ global: { target: 'kubernetes' }, ...over });

const CREATED = new Date('2026-12-01T10:00:00Z');

function pod(name: string, over: Partial<V1Pod> = {}): V1Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      creationTimestamp: CREATED,
      labels: {
        'app.kubernetes.io/instance': 'trino',
        'app.kubernetes.io/component': 'worker',
        'pod-template-hash': '5d8f9c7b6',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'trino-worker-5d8f9c7b6',
          uid: 'u1',
          controller: true,
        },
      ],
    },
    spec: {
      containers: [
        {
          name: 'trino-worker',
          image: 'trinodb/trino:476',
          resources: { requests: { cpu: '1', memory: '5Gi' }, limits: { memory: '5Gi' } },
        },
      ],
    },
    status: { phase: 'Running' },
    ...over,
  };
}

describe('pods as evidence', () => {
  it('a crashlooping Deployment pod: component, role, owner, values keys, states', () => {
    const p = pod('trino-worker-5d8f9c7b6-abcde', {
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          {
            name: 'trino-worker',
            image: 'trinodb/trino:476',
            imageID: '',
            ready: false,
            restartCount: 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                finishedAt: new Date('2026-12-01T10:05:00Z'),
              },
            },
          },
        ],
      },
    });
    expect(podEvidence(p, values())).toEqual({
      name: 'trino-worker-5d8f9c7b6-abcde',
      namespace: 'ns',
      component: 'trino',
      role: 'worker',
      owner: 'Deployment/trino-worker',
      resourcesKey: 'trino.workers.resources',
      phase: 'Running',
      ready: false,
      createdAt: CREATED.getTime(),
      deleting: false,
      claims: [],
      imagePullSecrets: [],
      containers: [
        {
          name: 'trino-worker',
          init: false,
          image: 'trinodb/trino:476',
          imageKey: 'trino.version',
          ready: false,
          restarts: 5,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s',
          lastTermination: { exitCode: 1, reason: 'Error', finishedAt: '2026-12-01T10:05:00.000Z' },
          requests: { cpu: '1', memory: '5Gi' },
          limits: { memory: '5Gi' },
        },
      ],
    });
  });

  it('an unscheduled StatefulSet pod with a claim, an init container and pull secrets', () => {
    const p = pod('minio-0', {
      metadata: {
        name: 'minio-0',
        namespace: 'ns',
        creationTimestamp: CREATED,
        labels: { 'app.kubernetes.io/instance': 'minio' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'minio', uid: 'u', controller: true },
        ],
      },
      spec: {
        imagePullSecrets: [{ name: 'regcred' }],
        initContainers: [{ name: 'init', image: 'minio/minio:RELEASE.2025-10-15T17-29-55Z' }],
        containers: [{ name: 'minio', image: 'minio/minio:RELEASE.2025-10-15T17-29-55Z' }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-minio-0' } }],
      },
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: 'pod has unbound immediate PersistentVolumeClaims. ',
          },
        ],
      },
    });
    const ev = podEvidence(p, values());
    expect(ev).toMatchObject({
      component: 'minio',
      owner: 'StatefulSet/minio',
      resourcesKey: 'minio.resources',
      claims: ['data-minio-0'],
      imagePullSecrets: ['regcred'],
      unschedulable: {
        reason: 'Unschedulable',
        message: 'pod has unbound immediate PersistentVolumeClaims.',
      },
    });
    expect(ev.containers.map((c) => [c.name, c.init, c.state, c.imageKey])).toEqual([
      ['init', true, 'unknown', 'minio.image.tag'],
      ['minio', false, 'unknown', 'minio.image.tag'],
    ]);
  });
});

describe('values keys', () => {
  it('resources keys follow the charts', () => {
    expect(resourcesKeyOf('trino', 'coordinator')).toBe('trino.coordinator.resources');
    expect(resourcesKeyOf('iceberg-catalog', 'database')).toBe('postgresql.resources');
    expect(resourcesKeyOf('iceberg-catalog', 'catalog')).toBe('icebergCatalog.resources');
    expect(resourcesKeyOf('observability', 'grafana')).toBe('observability.grafana.resources');
    expect(resourcesKeyOf('observability', 'node-exporter')).toBeUndefined();
    expect(resourcesKeyOf('minio', 'setup')).toBeUndefined();
    expect(resourcesKeyOf('airflow', 'scheduler')).toBe('airflow.resources');
    expect(resourcesKeyOf('', undefined)).toBeUndefined();
  });

  it("an image's tag key: behind any registry, the version when the tag is empty", () => {
    const v = values();
    expect(imageTagKeyOf(v, 'mirror.example.com:5000/trinodb/trino:476')).toBe('trino.version');
    expect(imageTagKeyOf(values({ trino: { image: { tag: '477' } } }), 'trinodb/trino:477')).toBe(
      'trino.image.tag',
    );
    expect(imageTagKeyOf(v, 'registry.k8s.io/git-sync/git-sync:v4.4.0')).toBe(
      'airflow.gitSync.image.tag',
    );
    expect(imageTagKeyOf(v, 'docker.io/library/postgres:15@sha256:abc')).toBe(
      'postgresql.image.tag',
    );
    expect(imageTagKeyOf(v, 'busybox:1.37')).toBeUndefined();
  });
});

describe('services as evidence', () => {
  const svc: V1Service = {
    metadata: { name: 'trino', labels: { 'app.kubernetes.io/instance': 'trino' } },
    spec: {
      selector: {
        'app.kubernetes.io/instance': 'trino',
        'app.kubernetes.io/component': 'coordinator',
      },
      ports: [{ port: 8080 }],
    },
  };
  const slice = (name: string, addressType: string, endpoints: V1EndpointSlice['endpoints']) =>
    ({
      addressType,
      metadata: { name: `${name}-${addressType}`, labels: { 'kubernetes.io/service-name': name } },
      endpoints,
    }) as V1EndpointSlice;

  it('counts each pod once across IPv4 and IPv6 slices; no ready condition counts as ready', () => {
    const ref = (n: string) => ({ kind: 'Pod', name: n, uid: n });
    const slices = [
      slice('trino', 'IPv4', [
        { addresses: ['10.0.0.1'], targetRef: ref('a'), conditions: { ready: true } },
        { addresses: ['10.0.0.2'], targetRef: ref('b'), conditions: { ready: false } },
        { addresses: ['10.0.0.3'], targetRef: ref('c') },
      ]),
      slice('trino', 'IPv6', [
        { addresses: ['fd00::1'], targetRef: ref('a'), conditions: { ready: true } },
      ]),
      slice('other', 'IPv4', [{ addresses: ['10.0.0.9'], conditions: { ready: true } }]),
    ];
    const pods = [
      pod('a', { metadata: { name: 'a', labels: { ...svc.spec!.selector } } }),
      pod('gone', {
        metadata: { name: 'gone', labels: { ...svc.spec!.selector }, deletionTimestamp: CREATED },
      }),
      pod('worker', {
        metadata: { name: 'worker', labels: { 'app.kubernetes.io/instance': 'trino' } },
      }),
    ];
    expect(serviceEvidence(svc, slices, pods)).toEqual({
      name: 'trino',
      component: 'trino',
      type: 'ClusterIP',
      selector: 'app.kubernetes.io/instance=trino,app.kubernetes.io/component=coordinator',
      ports: ['8080/TCP'],
      readyEndpoints: 2,
      notReadyEndpoints: 1,
      matchingPods: ['a'],
    });
  });

  it('a Service without a selector has none', () => {
    const bare = serviceEvidence({ metadata: { name: 'x' }, spec: { ports: [] } }, [], []);
    expect(bare.selector).toBeUndefined();
    expect(bare.matchingPods).toEqual([]);
  });
});

describe('Applications and events as evidence', () => {
  const application = (syncPolicy: unknown) => ({
    metadata: { name: 'trino', namespace: 'argocd' },
    spec: { destination: { namespace: 'lakehouse-platform' }, syncPolicy },
    status: {
      sync: { status: 'OutOfSync', revision: 'abc' },
      health: { status: 'Progressing' },
      resources: [
        { kind: 'Service', name: 'trino', status: 'Synced', health: { status: 'Healthy' } },
        {
          kind: 'Deployment',
          name: 'trino-worker',
          status: 'OutOfSync',
          health: { status: 'Progressing' },
        },
        { kind: 'ConfigMap', name: 'c', status: 'Synced' },
      ],
    },
  });

  it('reads sync, health, the resources that are not fine, and the destination', () => {
    const { destination, evidence } = applicationEvidence(application({ automated: {} }));
    expect(destination).toBe('lakehouse-platform');
    expect(evidence).toEqual({
      name: 'trino',
      namespace: 'argocd',
      component: 'trino',
      sync: 'OutOfSync',
      health: 'Progressing',
      revision: 'abc',
      automated: true,
      resources: [
        { kind: 'Deployment', name: 'trino-worker', sync: 'OutOfSync', health: 'Progressing' },
      ],
      conditions: [],
    });
  });

  it('automated sync is off without the policy, or with automated.enabled false (ArgoCD 3)', () => {
    expect(applicationEvidence(application(undefined)).evidence.automated).toBe(false);
    expect(applicationEvidence(application({ automated: null })).evidence.automated).toBe(false);
    expect(
      applicationEvidence(application({ automated: { enabled: false } })).evidence.automated,
    ).toBe(false);
    expect(
      applicationEvidence(application({ automated: { prune: true } })).evidence.automated,
    ).toBe(true);
  });

  it('events: Warnings only, oldest first, with their repeat count', () => {
    const event = (name: string, type: string, last: string, count?: number): CoreV1Event => ({
      metadata: { name },
      involvedObject: { kind: 'Pod', name: 'p' },
      type,
      reason: name,
      message: `${name} happened `,
      lastTimestamp: new Date(last),
      ...(count ? { count } : {}),
    });
    expect(
      eventEvidence([
        event('Late', 'Warning', '2026-12-01T10:10:00Z', 3),
        event('Scheduled', 'Normal', '2026-12-01T10:00:00Z'),
        event('Early', 'Warning', '2026-12-01T10:01:00Z'),
      ]),
    ).toEqual([
      {
        kind: 'Pod',
        name: 'p',
        reason: 'Early',
        message: 'Early happened',
        count: 1,
        lastSeen: Date.parse('2026-12-01T10:01:00Z'),
      },
      {
        kind: 'Pod',
        name: 'p',
        reason: 'Late',
        message: 'Late happened',
        count: 3,
        lastSeen: Date.parse('2026-12-01T10:10:00Z'),
      },
    ]);
  });
});
