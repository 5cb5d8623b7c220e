import { describe, expect, it } from 'vitest';
import {
  diagnoseExitCode,
  evaluateRules,
  imageTag,
  POD_START_GRACE_MS,
  type ApplicationEvidence,
  type ContainerEvidence,
  type Evidence,
  type Finding,
  type PodEvidence,
  type ServiceEvidence,
} from '../../../../src/ops/diagnose/index.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const NS = 'lakehouse-platform';

function container(over: Partial<ContainerEvidence> = {}): ContainerEvidence {
  return {
    name: 'main',
    init: false,
    image: 'trinodb/trino:476',
    imageKey: 'trino.version',
    ready: true,
    restarts: 0,
    state: 'running',
    requests: { cpu: '1', memory: '5Gi' },
    limits: { memory: '5Gi' },
    ...over,
  };
}

function pod(name: string, over: Partial<PodEvidence> = {}): PodEvidence {
  return {
    name,
    namespace: NS,
    component: 'trino',
    role: 'worker',
    owner: 'Deployment/trino-worker',
    resourcesKey: 'trino.workers.resources',
    phase: 'Running',
    ready: true,
    nodeName: 'node-1',
    createdAt: NOW - 3600_000,
    deleting: false,
    claims: [],
    imagePullSecrets: [],
    containers: [container({ name: 'trino-worker' })],
    ...over,
  };
}

function svc(over: Partial<ServiceEvidence> = {}): ServiceEvidence {
  return {
    name: 'trino',
    component: 'trino',
    type: 'ClusterIP',
    selector: 'app.kubernetes.io/component=coordinator,app.kubernetes.io/instance=trino',
    ports: ['8080/TCP'],
    readyEndpoints: 1,
    notReadyEndpoints: 0,
    matchingPods: ['trino-coordinator-0'],
    ...over,
  };
}

function app(over: Partial<ApplicationEvidence> = {}): ApplicationEvidence {
  return {
    name: 'trino',
    namespace: 'argocd',
    component: 'trino',
    sync: 'Synced',
    health: 'Healthy',
    automated: true,
    resources: [],
    conditions: [],
    ...over,
  };
}

/** A healthy trino-only cluster's evidence; each test breaks one thing. */
function healthy(): Evidence {
  return {
    at: NOW,
    env: 'dev',
    platformRunning: true,
    processes: [],
    ports: [],
    disks: [],
    installs: [],
    installFailures: [],
    probes: {},
    settings: { 'trino.workers.heap': '4G', 'trino.coordinator.heap': '2G' },
    cluster: {
      server: 'https://10.0.0.1:6443',
      context: 'dev',
      namespace: NS,
      namespaceExists: true,
      argocd: { namespace: 'argocd', installed: true },
      expectedComponents: ['trino'],
      unreadable: [],
    },
    pods: [
      pod('trino-coordinator-0', {
        role: 'coordinator',
        owner: 'Deployment/trino-coordinator',
        resourcesKey: 'trino.coordinator.resources',
      }),
      pod('trino-worker-a'),
    ],
    claims: [],
    services: [svc()],
    applications: [app()],
    events: [],
  };
}

function withPod(ev: Evidence, name: string, over: Partial<PodEvidence>): Evidence {
  return { ...ev, pods: (ev.pods ?? []).map((p) => (p.name === name ? { ...p, ...over } : p)) };
}

function only(findings: Finding[], id: string): Finding {
  const matching = findings.filter((f) => f.id === id);
  expect(matching, JSON.stringify(findings, null, 2)).toHaveLength(1);
  return matching[0] as Finding;
}

const lines = (f: Finding): string[] => f.fix.split('\n');

describe('diagnose rules on a cluster', () => {
  it('find nothing on a healthy cluster', () => {
    expect(evaluateRules(healthy())).toEqual([]);
  });

  it('an API server that does not answer: only that, and no local "platform is not running"', () => {
    const ev: Evidence = {
      ...healthy(),
      platformRunning: false,
      cluster: { ...healthy().cluster!, unreachable: 'connect ECONNREFUSED 10.0.0.1:6443' },
    };
    const findings = evaluateRules(ev);
    expect(findings.map((f) => f.id)).toEqual(['cluster-unreachable']);
    expect(findings[0]?.evidence).toEqual([
      'https://10.0.0.1:6443 (context dev): connect ECONNREFUSED 10.0.0.1:6443',
    ]);
    expect(findings[0]?.fix).toBe(
      'kubectl cluster-info --context dev   # then check KUBECONFIG / --kube-context',
    );
    expect(diagnoseExitCode(findings)).toBe(1);
  });

  it('no namespace: the platform is not deployed, fix lakehouse bootstrap <env>', () => {
    const ev: Evidence = {
      ...healthy(),
      env: 'staging',
      pods: [],
      cluster: { ...healthy().cluster!, namespaceExists: false },
    };
    const f = only(evaluateRules(ev), 'not-deployed');
    expect(f).toMatchObject({
      severity: 'critical',
      component: 'platform',
      title: `the platform is not deployed: namespace ${NS} does not exist`,
      fix: 'lakehouse bootstrap staging',
    });
    expect(evaluateRules(ev)).toHaveLength(1);
  });

  it('CrashLoopBackOff: the state, the last termination, the log tail and kubectl logs --previous', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      ready: false,
      containers: [
        container({
          name: 'trino-worker',
          ready: false,
          restarts: 7,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: 'back-off 5m0s restarting failed container=trino-worker',
          lastTermination: {
            reason: 'Error',
            exitCode: 1,
            finishedAt: '2026-12-01T11:59:00.000Z',
            message: 'catalog iceberg: connection refused',
          },
          logTail: ['a', 'b', 'c', 'd', 'e', 'ERROR Server startup failed', ''],
        }),
      ],
    });
    const f = only(evaluateRules(ev), 'pod-crashloop');
    expect(f).toMatchObject({
      severity: 'critical',
      component: 'trino',
      process: 'trino-worker-a',
      title: 'trino-worker-a keeps crashing (CrashLoopBackOff)',
    });
    expect(f.evidence).toEqual([
      'pod trino-worker-a: waiting CrashLoopBackOff: back-off 5m0s restarting failed container=trino-worker; 7 restarts',
      'last termination Error (exit 1) at 2026-12-01T11:59:00.000Z: catalog iceberg: connection refused',
      'log: b',
      'log: c',
      'log: d',
      'log: e',
      'log: ERROR Server startup failed',
    ]);
    expect(lines(f)).toEqual([
      `kubectl logs trino-worker-a -n ${NS} --previous`,
      `kubectl describe pod trino-worker-a -n ${NS}`,
      'lakehouse rollback trino   # if it started with the last upgrade',
    ]);
  });

  it('CrashLoopBackOff of one container of several, in a pod of no component', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      component: '',
      containers: [
        container({ name: 'app' }),
        container({
          name: 'sidecar',
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          restarts: 3,
          logError: 'no logs found',
        }),
      ],
    });
    const f = only(evaluateRules(ev), 'pod-crashloop');
    expect(f.component).toBe('other');
    expect(f.evidence[0]).toBe(
      'container sidecar of pod trino-worker-a: waiting CrashLoopBackOff; 3 restarts',
    );
    expect(f.evidence).toContain('log of the previous run: unavailable (no logs found)');
    expect(lines(f)).toEqual([
      `kubectl logs trino-worker-a -n ${NS} -c sidecar --previous`,
      `kubectl describe pod trino-worker-a -n ${NS}`,
    ]);
  });

  it('OOMKilled in a crash loop: one OOM finding (not a crashloop one) with the memory key and the heap', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      containers: [
        container({
          name: 'trino-worker',
          ready: false,
          restarts: 4,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          lastTermination: { reason: 'OOMKilled', exitCode: 137 },
        }),
      ],
    });
    const findings = evaluateRules(ev);
    expect(findings.map((f) => f.id)).toEqual(['pod-oomkilled']);
    const f = only(findings, 'pod-oomkilled');
    expect(f.severity).toBe('critical');
    expect(f.evidence.slice(0, 3)).toEqual([
      'pod trino-worker-a: last termination OOMKilled (exit 137), 4 restarts; now waiting CrashLoopBackOff',
      'memory limit 5Gi, request 5Gi',
      'trino.workers.heap: 4G',
    ]);
    expect(f.cause).toBe(
      'the container used more memory than its limit (5Gi), and the kernel killed it',
    );
    expect(lines(f)).toEqual([
      'raise trino.workers.resources.limits.memory (now 5Gi) in env/dev/helm-values.yaml, then: lakehouse upgrade trino   # keep trino.workers.heap (4G) well below it',
      `kubectl describe pod trino-worker-a -n ${NS}`,
    ]);
  });

  it('OOMKilled once and running again is a warning; a bare exit 137 names the liveness probe too', () => {
    const recovered = withPod(healthy(), 'trino-worker-a', {
      containers: [
        container({ restarts: 1, lastTermination: { reason: 'OOMKilled', exitCode: 137 } }),
      ],
    });
    expect(only(evaluateRules(recovered), 'pod-oomkilled').severity).toBe('warning');

    const killed = withPod(healthy(), 'trino-worker-a', {
      resourcesKey: undefined,
      containers: [
        container({ restarts: 1, lastTermination: { reason: 'Error', exitCode: 137 }, limits: {} }),
      ],
    });
    const f = only(evaluateRules(killed), 'pod-oomkilled');
    expect(f.cause).toMatch(/SIGKILL \(exit 137\).*liveness/);
    expect(lines(f)[0]).toBe(
      'raise the memory limit of Deployment/trino-worker (now unset), then: lakehouse upgrade trino',
    );
  });

  it('ImagePullBackOff: the image, the pull error from the events, the tag key and the pull secrets', () => {
    const ev: Evidence = {
      ...withPod(healthy(), 'trino-coordinator-0', {
        phase: 'Pending',
        ready: false,
        imagePullSecrets: ['regcred'],
        containers: [
          container({
            name: 'trino-coordinator',
            image: 'registry.example.com/trinodb/trino:999',
            imageKey: 'trino.image.tag',
            ready: false,
            state: 'waiting',
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "registry.example.com/trinodb/trino:999"',
          }),
        ],
      }),
      events: [
        {
          kind: 'Pod',
          name: 'trino-coordinator-0',
          reason: 'Failed',
          message:
            'Failed to pull image "registry.example.com/trinodb/trino:999": manifest unknown',
          count: 4,
        },
        { kind: 'Pod', name: 'other-pod', reason: 'Failed', message: 'unrelated', count: 1 },
      ],
    };
    const f = only(evaluateRules(ev), 'pod-image-pull');
    expect(f.title).toBe(
      'trino-coordinator-0 cannot pull its image registry.example.com/trinodb/trino:999 (ImagePullBackOff)',
    );
    expect(f.evidence).toEqual([
      'pod trino-coordinator-0: waiting ImagePullBackOff: Back-off pulling image "registry.example.com/trinodb/trino:999"',
      'image registry.example.com/trinodb/trino:999; imagePullSecrets: regcred',
      'event Failed: Failed to pull image "registry.example.com/trinodb/trino:999": manifest unknown (4 times)',
    ]);
    expect(lines(f)).toEqual([
      'check the image tag trino.image.tag (now 999) and global.imagePullSecrets (now regcred) in env/dev/helm-values.yaml, then: lakehouse upgrade trino',
      `kubectl describe pod trino-coordinator-0 -n ${NS}`,
    ]);
  });

  it('an image the values do not configure: check the image itself', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      containers: [
        container({
          image: 'busybox',
          imageKey: undefined,
          state: 'waiting',
          reason: 'ErrImagePull',
        }),
      ],
    });
    const f = only(evaluateRules(ev), 'pod-image-pull');
    expect(lines(f)[0]).toBe(
      "check that busybox exists and that its registry accepts the pod's imagePullSecrets (now none)",
    );
  });

  it("Pending, insufficient cpu and memory: the scheduler's message, the requests and which keys to lower", () => {
    const message =
      '0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    const ev: Evidence = {
      ...withPod(healthy(), 'trino-worker-a', {
        phase: 'Pending',
        ready: false,
        nodeName: undefined,
        createdAt: NOW - 90_000,
        unschedulable: { reason: 'Unschedulable', message },
        containers: [container({ state: 'unknown', ready: false })],
      }),
      events: [
        { kind: 'Pod', name: 'trino-worker-a', reason: 'FailedScheduling', message, count: 3 },
      ],
    };
    const f = only(evaluateRules(ev), 'pod-unschedulable');
    expect(f.title).toBe('trino-worker-a cannot be scheduled (Pending): insufficient cpu, memory');
    // The event that repeats the condition's message is not quoted twice.
    expect(f.evidence).toEqual([
      `pod trino-worker-a is Pending, not scheduled for 90s: PodScheduled False (Unschedulable): ${message}`,
      'container main requests cpu 1, memory 5Gi',
    ]);
    expect(lines(f)).toEqual([
      'kubectl top nodes   # what the nodes use',
      "kubectl describe nodes   # 'Allocated resources': what the pods already request",
      'lower trino.workers.resources.requests.cpu (now 1) in env/dev/helm-values.yaml, then: lakehouse upgrade trino',
      'lower trino.workers.resources.requests.memory (now 5Gi) in env/dev/helm-values.yaml, then: lakehouse upgrade trino',
      'or add nodes (the node count in env/dev/terraform.tfvars), then: lakehouse infra apply',
    ]);
  });

  it('Pending, unbound PersistentVolumeClaim: the claim, its events and the storage class keys', () => {
    const ev: Evidence = {
      ...healthy(),
      pods: [
        pod('minio-0', {
          component: 'minio',
          role: undefined,
          owner: 'StatefulSet/minio',
          resourcesKey: 'minio.resources',
          phase: 'Pending',
          ready: false,
          claims: ['data-minio-0'],
          unschedulable: {
            reason: 'Unschedulable',
            message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
          },
        }),
      ],
      claims: [
        {
          name: 'data-minio-0',
          component: 'minio',
          phase: 'Pending',
          storageClass: 'fast',
          requested: '50Gi',
        },
      ],
      events: [
        {
          kind: 'PersistentVolumeClaim',
          name: 'data-minio-0',
          reason: 'ProvisioningFailed',
          message: 'storageclass.storage.k8s.io "fast" not found',
          count: 12,
        },
      ],
      cluster: { ...healthy().cluster!, expectedComponents: ['minio'] },
      services: [],
      applications: [],
    };
    const f = only(evaluateRules(ev), 'pod-unschedulable');
    expect(f.title).toBe(
      'minio-0 cannot be scheduled (Pending): its PersistentVolumeClaim is not bound',
    );
    expect(f.evidence.slice(1)).toEqual([
      'PersistentVolumeClaim data-minio-0: Pending, storage class fast, 50Gi requested',
      'event ProvisioningFailed: storageclass.storage.k8s.io "fast" not found (12 times)',
    ]);
    expect(lines(f)).toEqual([
      `kubectl get pvc -n ${NS}`,
      `kubectl describe pvc data-minio-0 -n ${NS}`,
      'kubectl get storageclass   # set global.storageClass (or minio.persistence.storageClass) to one of them in env/dev/helm-values.yaml, then: lakehouse upgrade minio',
    ]);
  });

  it('Pending, no node matches its selector: the placement commands', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      phase: 'Pending',
      unschedulable: {
        reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
      },
    });
    const f = only(evaluateRules(ev), 'pod-unschedulable');
    expect(f.title).toBe(
      'trino-worker-a cannot be scheduled (Pending): no node matches its node selector, affinity or tolerations',
    );
    expect(lines(f)[1]).toBe(
      'kubectl get nodes --show-labels   # and the Taints in: kubectl describe nodes',
    );
  });

  it('scheduled but not started: reported only after the grace period, with the kubelet events', () => {
    const stuck = (age: number): Evidence => ({
      ...withPod(healthy(), 'trino-worker-a', {
        phase: 'Pending',
        ready: false,
        createdAt: NOW - age,
        containers: [container({ state: 'waiting', reason: 'ContainerCreating', ready: false })],
      }),
      events: [
        {
          kind: 'Pod',
          name: 'trino-worker-a',
          reason: 'FailedMount',
          message:
            'MountVolume.SetUp failed for volume "config": configmap "trino-worker" not found',
          count: 5,
        },
      ],
    });
    expect(evaluateRules(stuck(POD_START_GRACE_MS - 1000))).toEqual([]);
    const f = only(evaluateRules(stuck(POD_START_GRACE_MS + 60_000)), 'pod-pending');
    expect(f.title).toBe('trino-worker-a is stuck in Pending on node-1');
    expect(f.evidence).toEqual([
      'pod trino-worker-a: Pending for 6m, scheduled on node-1',
      'container main: waiting ContainerCreating',
      'event FailedMount: MountVolume.SetUp failed for volume "config": configmap "trino-worker" not found (5 times)',
    ]);
  });

  it('CreateContainerConfigError: the missing object, and the chart that re-creates it', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      containers: [
        container({
          state: 'waiting',
          reason: 'CreateContainerConfigError',
          message: 'secret "minio-credentials" not found',
        }),
      ],
    });
    const f = only(evaluateRules(ev), 'pod-container-config');
    expect(f.evidence[0]).toBe(
      'pod trino-worker-a: waiting CreateContainerConfigError: secret "minio-credentials" not found',
    );
    expect(lines(f)).toContain('lakehouse upgrade trino   # re-creates what its chart owns');
  });

  it('a Failed (evicted) pod is a warning with its logs command', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      containers: [container({ state: 'terminated', reason: 'Error', exitCode: 143 })],
    });
    const f = only(evaluateRules(ev), 'pod-failed');
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('trino-worker-a failed (Evicted)');
    expect(f.cause).toBe('the node ran short of a resource and evicted it');
  });

  it('a pod being deleted is not judged', () => {
    const ev = withPod(healthy(), 'trino-worker-a', {
      deleting: true,
      containers: [container({ state: 'waiting', reason: 'CrashLoopBackOff' })],
    });
    expect(evaluateRules(ev)).toEqual([]);
  });

  it('a Service without ready endpoints: its pods and their state, or that none matches', () => {
    const notReady = withPod(healthy(), 'trino-coordinator-0', {
      phase: 'Pending',
      ready: false,
      containers: [container({ state: 'waiting', reason: 'ContainerCreating', ready: false })],
    });
    notReady.services = [svc({ readyEndpoints: 0 })];
    const f = only(evaluateRules(notReady), 'service-no-endpoints');
    expect(f.evidence).toEqual([
      'Service trino (ClusterIP, 8080/TCP) selects app.kubernetes.io/component=coordinator,app.kubernetes.io/instance=trino: 0 ready endpoints, 0 not ready',
      'pod trino-coordinator-0: Pending, not ready (ContainerCreating)',
    ]);
    expect(f.cause).toMatch(/^none of the pods it selects is ready/);

    const none = healthy();
    none.services = [svc({ readyEndpoints: 0, matchingPods: [] })];
    const g = only(evaluateRules(none), 'service-no-endpoints');
    expect(g.evidence[1]).toBe('no pod matches its selector');
    expect(g.cause).toMatch(/^its selector matches no pod/);
    expect(lines(g)).toEqual([
      `kubectl get endpoints trino -n ${NS}`,
      `kubectl get pods -n ${NS} -l app.kubernetes.io/component=coordinator,app.kubernetes.io/instance=trino`,
      'lakehouse upgrade trino   # re-applies its workloads and Service',
    ]);
  });

  it('Services without a selector, or ExternalName ones, have no endpoints to judge', () => {
    const ev = healthy();
    ev.services = [
      svc({ name: 'external', selector: undefined, readyEndpoints: 0, matchingPods: [] }),
      svc({ name: 'alias', type: 'ExternalName', readyEndpoints: 0 }),
    ];
    expect(evaluateRules(ev)).toEqual([]);
  });

  it('an OutOfSync Application with automated sync: a warning, fix lakehouse sync', () => {
    const ev = healthy();
    ev.applications = [
      app({
        sync: 'OutOfSync',
        revision: '0123456789abcdef0123',
        resources: [
          {
            kind: 'ConfigMap',
            name: 'trino-catalog',
            namespace: NS,
            sync: 'OutOfSync',
            health: 'Healthy',
          },
        ],
      }),
    ];
    const f = only(evaluateRules(ev), 'application-out-of-sync');
    expect(f).toMatchObject({
      severity: 'warning',
      component: 'trino',
      fix: 'lakehouse sync trino',
    });
    expect(f.evidence).toEqual([
      'Application trino (namespace argocd): OutOfSync, health Healthy, revision 0123456789ab',
      'automated sync: on',
      'ConfigMap/trino-catalog: OutOfSync, Healthy',
    ]);
  });

  it('an OutOfSync Application whose sync failed is critical; with automated sync off, info and resume', () => {
    const failed = healthy();
    failed.applications = [
      app({
        sync: 'OutOfSync',
        operation: { phase: 'Failed', message: 'admission webhook denied' },
      }),
    ];
    const f = only(evaluateRules(failed), 'application-out-of-sync');
    expect(f.severity).toBe('critical');
    expect(f.evidence).toContain('last sync Failed: admission webhook denied');

    const paused = healthy();
    paused.applications = [app({ sync: 'OutOfSync', automated: false })];
    const g = only(evaluateRules(paused), 'application-out-of-sync');
    expect(g.severity).toBe('info');
    expect(lines(g)).toEqual([
      'lakehouse resume trino   # switches automated sync back on, once the emergency is over',
      'or sync once: lakehouse sync trino',
    ]);
  });

  it('a Degraded Application: its degraded resources, describe the first, rollback', () => {
    const ev = healthy();
    ev.applications = [
      app({
        health: 'Degraded',
        resources: [
          {
            kind: 'Deployment',
            name: 'trino-worker',
            namespace: NS,
            sync: 'Synced',
            health: 'Degraded',
            message: 'Deployment "trino-worker" exceeded its progress deadline',
          },
        ],
      }),
    ];
    const f = only(evaluateRules(ev), 'application-degraded');
    expect(f.severity).toBe('critical');
    expect(f.evidence[1]).toBe(
      'Deployment/trino-worker: Synced, Degraded: Deployment "trino-worker" exceeded its progress deadline',
    );
    expect(lines(f)).toEqual([
      `kubectl describe deployment trino-worker -n ${NS}`,
      'lakehouse rollback trino   # if the last change brought it',
    ]);
  });

  it('an Application ArgoCD cannot compare reports its condition', () => {
    const ev = healthy();
    ev.applications = [
      app({
        sync: 'Unknown',
        health: 'Unknown',
        conditions: [
          { type: 'ComparisonError', message: 'env/dev/helm-values.yaml: no such file' },
        ],
      }),
    ];
    const f = only(evaluateRules(ev), 'application-error');
    expect(f.evidence).toContain(
      'condition ComparisonError: env/dev/helm-values.yaml: no such file',
    );
  });

  it('a component the values enable with no pods and no Application: deploy it (or sync with ArgoCD)', () => {
    const ev = healthy();
    ev.cluster = {
      ...ev.cluster!,
      expectedComponents: ['trino', 'airflow'],
      argocd: { namespace: 'argocd', installed: false },
    };
    const f = only(evaluateRules(ev), 'component-not-deployed');
    expect(f).toMatchObject({ severity: 'warning', component: 'airflow' });
    expect(f.fix).toMatch(/^lakehouse deploy airflow/);

    ev.cluster.argocd.installed = true;
    expect(only(evaluateRules(ev), 'component-not-deployed').fix).toBe('lakehouse sync airflow');

    // Its Application says more: that one is judged instead.
    ev.applications = [
      ...(ev.applications ?? []),
      app({ name: 'airflow', component: 'airflow', health: 'Missing', sync: 'OutOfSync' }),
    ];
    const findings = evaluateRules(ev);
    expect(findings.map((x) => x.id)).toEqual(['application-out-of-sync']);
  });

  it('what could not be read is said (info), so an empty report is not mistaken for health', () => {
    const ev = healthy();
    ev.cluster = { ...ev.cluster!, unreadable: ['events in lakehouse-platform: forbidden'] };
    const f = only(evaluateRules(ev), 'evidence-incomplete');
    expect(f.severity).toBe('info');
    expect(diagnoseExitCode([f])).toBe(0);
  });

  it('a scope keeps its component (or pod) and the platform', () => {
    const ev: Evidence = {
      ...withPod(healthy(), 'trino-worker-a', {
        containers: [container({ state: 'waiting', reason: 'CrashLoopBackOff' })],
      }),
      services: [svc({ name: 'minio', component: 'minio', readyEndpoints: 0, matchingPods: [] })],
    };
    ev.cluster = { ...ev.cluster!, unreadable: ['x'] };
    expect(
      evaluateRules({ ...ev, scope: 'trino' })
        .map((f) => f.id)
        .sort(),
    ).toEqual(['evidence-incomplete', 'pod-crashloop']);
    expect(
      evaluateRules({ ...ev, scope: 'trino-worker-a' })
        .map((f) => f.id)
        .sort(),
    ).toEqual(['evidence-incomplete', 'pod-crashloop']);
    expect(
      evaluateRules({ ...ev, scope: 'minio' })
        .map((f) => f.id)
        .sort(),
    ).toEqual(['evidence-incomplete', 'service-no-endpoints']);
  });

  it('local evidence (no cluster) gets no cluster findings, and still "platform is not running"', () => {
    const { cluster: _cluster, ...local } = healthy();
    expect(evaluateRules({ ...local, platformRunning: false }).map((f) => f.id)).toEqual([
      'platform-down',
    ]);
  });

  it('imageTag reads the tag of any reference', () => {
    expect(imageTag('trinodb/trino:476')).toBe('476');
    expect(imageTag('registry:5000/a/b:1.2@sha256:abc')).toBe('1.2');
    expect(imageTag('registry:5000/a/b')).toBe('latest');
    expect(imageTag('busybox')).toBe('latest');
  });
});
