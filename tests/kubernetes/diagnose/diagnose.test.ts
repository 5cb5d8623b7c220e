/**
 * `diagnose` on the Kubernetes target, against the real control plane of the test cluster: kwok
 * drives pods labelled like the charts' into the runbook's failure states, the scheduler refuses
 * the ones that cannot fit, a Service has no ready endpoint, and ArgoCD's Application CRD holds
 * Applications that are OutOfSync and Degraded. The collector reads them; the rules must name each
 * pod, image and reason and carry the runbook's fix.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UserError } from '../../../src/lib/index.js';
import {
  evaluateRules,
  runDiagnose,
  type Evidence,
  type Finding,
} from '../../../src/ops/diagnose/index.js';
import { loadValues, type LakehouseValues } from '../../../src/platform/config/index.js';
import { versions } from '../../../src/platform/versions.js';
import { findFreePort } from '../../../src/lib/index.js';
import {
  connectCluster,
  type ClusterConnection,
} from '../../../src/targets/kubernetes/cluster/index.js';
import { KubernetesDiagnoseTarget } from '../../../src/targets/kubernetes/diagnose/index.js';
import {
  POD_STATE_ANNOTATION,
  startTestCluster,
  type PodState,
  type TestCluster,
} from '../../support/kube-cluster.js';
import { until } from '../../support/until.js';

const tools = inject('kubernetesTools');
const run = promisify(execFile);

let cluster: TestCluster;
let connection: ClusterConnection;
let values: LakehouseValues;
let ns: string;
let scratch: string;
/** Evidence gathered before ArgoCD's CRD was applied. */
let withoutArgocd: Evidence;
/** Evidence once every pod reached its state. */
let evidence: Evidence;
let findings: Finding[];

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, { input, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const apply = (...objects: object[]): Promise<string> =>
  kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));

interface WorkloadSpec {
  name: string;
  component: string;
  role?: string;
  image: string;
  state?: PodState;
  resources?: object;
  nodeSelector?: Record<string, string>;
  claim?: string;
}

function labels(w: WorkloadSpec): Record<string, string> {
  return {
    app: w.name,
    'app.kubernetes.io/instance': w.component,
    ...(w.role ? { 'app.kubernetes.io/component': w.role } : {}),
  };
}

function podSpec(w: WorkloadSpec): object {
  return {
    ...(w.nodeSelector ? { nodeSelector: w.nodeSelector } : {}),
    containers: [
      {
        name: w.role ?? w.name,
        image: w.image,
        ...(w.resources ? { resources: w.resources } : {}),
        ...(w.claim ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
      },
    ],
    ...(w.claim
      ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: w.claim } }] }
      : {}),
  };
}

/** A one-replica Deployment as the charts make them: labels, and a state for kwok. */
function deployment(w: WorkloadSpec): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: ns, labels: labels(w) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: w.name } },
      template: {
        metadata: {
          labels: labels(w),
          annotations: w.state ? { [POD_STATE_ANNOTATION]: w.state } : {},
        },
        spec: podSpec(w),
      },
    },
  };
}

function service(name: string, component: string, selector: Record<string, string>): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/instance': component } },
    spec: { selector, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
  };
}

function application(name: string, destination: string, status: object, automated = true): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/component': name },
    },
    spec: {
      project: 'lakehouse',
      source: { repoURL: 'https://git.example.com/lakehouse.git', path: `platform/${name}` },
      destination: { server: 'https://kubernetes.default.svc', namespace: destination },
      syncPolicy: automated ? { automated: { prune: true, selfHeal: true } } : {},
    },
    status,
  };
}

/**
 * ArgoCD's Application CRD from the ArgoCD module's zip (the module install-argocd.sh and the
 * kubeconform schemas read), applied server-side (it is larger than client-side apply keeps).
 */
async function applyApplicationCrd(): Promise<void> {
  const { module, version } = versions.argocd;
  // ArgoCD's go.mod wants a newer Go: `go mod download` fetches the zip and then complains.
  const info = await run('go', ['mod', 'download', '-json', `${module}@${version}`], {
    cwd: scratch,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const zip = /"Zip":\s*"([^"]+)"/.exec(info.stdout)?.[1];
  if (!zip) throw new Error(`no module zip for ${module}@${version}: ${info.stdout}`);
  const crd = await run(
    'unzip',
    ['-p', zip, `${module}@${version}/manifests/crds/application-crd.yaml`],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  await kubectl(['apply', '--server-side', '-f', '-'], crd.stdout);
  // `kubectl wait` fails on a CRD the apiserver has not given conditions yet: poll instead.
  await until('the Application CRD to be established', async () => {
    const status = await kubectl([
      'get',
      'crd',
      'applications.argoproj.io',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Established")].status}',
    ]);
    return status === 'True';
  });
}

const target = (opts: Partial<ConstructorParameters<typeof KubernetesDiagnoseTarget>[0]> = {}) =>
  new KubernetesDiagnoseTarget({ connection, namespace: ns, env: 'dev', values, ...opts });

const podOf = (ev: Evidence, app: string) => ev.pods?.find((p) => p.name.startsWith(`${app}-`));

function finding(id: string, process?: string): Finding {
  const f = findings.find((x) => x.id === id && (process === undefined || x.process === process));
  if (!f) {
    throw new Error(
      `no finding ${id}${process ? ` for ${process}` : ''}; found: ${findings.map((x) => `${x.id}:${x.process ?? x.component}`).join(', ')}`,
    );
  }
  return f;
}

const podName = (app: string): string => {
  const p = podOf(evidence, app);
  if (!p) throw new Error(`no pod of ${app}`);
  return p.name;
};

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'lakehouse-diagnose-'));
  values = await loadValues({ env: 'dev' });
  cluster = await startTestCluster({ tools });
  connection = connectCluster({ kubeconfig: cluster.kubeconfig });
  ns = await cluster.createNamespace('diagnose');

  await apply(
    deployment({
      name: 'trino-worker',
      component: 'trino',
      role: 'worker',
      image: 'trinodb/trino:476',
      state: 'CrashLoopBackOff',
    }),
    deployment({
      name: 'trino-coordinator',
      component: 'trino',
      role: 'coordinator',
      image: 'trinodb/trino:999-no-such-tag',
      state: 'ImagePullBackOff',
    }),
    deployment({
      name: 'iceberg-catalog',
      component: 'iceberg-catalog',
      role: 'catalog',
      image: 'lakehouse/iceberg-catalog:0.1.0',
      state: 'OOMKilled',
      resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } },
    }),
    // The fake node has 64 CPUs: no node can give 1000.
    deployment({
      name: 'grafana',
      component: 'observability',
      role: 'grafana',
      image: 'grafana/grafana:12.3.0',
      resources: { requests: { cpu: '1000', memory: '256Mi' } },
    }),
    // No StorageClass and no PersistentVolume: the claim is never bound.
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'minio-data',
        namespace: ns,
        labels: { 'app.kubernetes.io/instance': 'minio' },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } },
    },
    deployment({
      name: 'minio',
      component: 'minio',
      image: 'minio/minio:RELEASE.2025-10-15T17-29-55Z',
      claim: 'minio-data',
    }),
    deployment({
      name: 'airflow-scheduler',
      component: 'airflow',
      role: 'scheduler',
      image: 'apache/airflow:3.3.2',
      state: 'Pending',
    }),
    // The coordinator never becomes ready: its Service has no endpoint. The catalog is Ready
    // again after its OOM kill: its Service has one.
    service('trino', 'trino', {
      'app.kubernetes.io/instance': 'trino',
      'app.kubernetes.io/component': 'coordinator',
    }),
    service('iceberg-catalog', 'iceberg-catalog', { app: 'iceberg-catalog' }),
  );
  await kubectl(['create', 'namespace', 'argocd']);

  // Every pod in its state, and the endpoints controller caught up with the catalog.
  await until(
    'every pod in its state',
    async () => {
      const ev = await target().collectEvidence();
      const waiting = (app: string, reason: string) =>
        podOf(ev, app)?.containers.some((c) => c.reason === reason);
      const ok =
        waiting('trino-worker', 'CrashLoopBackOff') &&
        waiting('trino-coordinator', 'ImagePullBackOff') &&
        podOf(ev, 'iceberg-catalog')?.containers[0]?.lastTermination?.reason === 'OOMKilled' &&
        podOf(ev, 'grafana')?.unschedulable?.message.includes('Insufficient cpu') &&
        podOf(ev, 'minio')?.unschedulable !== undefined &&
        waiting('airflow-scheduler', 'ContainerCreating') &&
        ev.services?.find((s) => s.name === 'iceberg-catalog')?.readyEndpoints === 1;
      if (ok) withoutArgocd = ev;
      return ok;
    },
    90_000,
    500,
  );

  await applyApplicationCrd();
  await apply(
    application('trino', ns, {
      sync: { status: 'OutOfSync', revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      health: {
        status: 'Degraded',
        message: 'Deployment "trino-worker" exceeded its progress deadline',
      },
      resources: [
        {
          group: 'apps',
          version: 'v1',
          kind: 'Deployment',
          namespace: ns,
          name: 'trino-worker',
          status: 'OutOfSync',
          health: {
            status: 'Degraded',
            message: 'Deployment "trino-worker" exceeded its progress deadline',
          },
        },
        {
          version: 'v1',
          kind: 'Service',
          namespace: ns,
          name: 'trino',
          status: 'Synced',
          health: { status: 'Healthy' },
        },
      ],
      operationState: {
        operation: { sync: { revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' } },
        startedAt: '2026-12-01T09:59:00Z',
        phase: 'Failed',
        message: 'one or more objects failed to apply',
        finishedAt: '2026-12-01T10:00:00Z',
      },
    }),
    application(
      'airflow',
      ns,
      { sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } },
      false,
    ),
    application('minio', ns, { sync: { status: 'Synced' }, health: { status: 'Healthy' } }),
    application('elsewhere', 'another-namespace', {
      sync: { status: 'OutOfSync' },
      health: { status: 'Degraded' },
    }),
  );
  evidence = await target().collectEvidence();
  findings = evaluateRules(evidence);
});

afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('diagnose on a cluster', () => {
  it('maps pods to components by app.kubernetes.io/instance and their values keys', () => {
    expect(evidence.cluster).toMatchObject({
      namespace: ns,
      namespaceExists: true,
      unreadable: [],
    });
    expect(evidence.cluster?.argocd).toEqual({ namespace: 'argocd', installed: true });
    const worker = podOf(evidence, 'trino-worker');
    expect(worker).toMatchObject({
      component: 'trino',
      role: 'worker',
      owner: 'Deployment/trino-worker',
      resourcesKey: 'trino.workers.resources',
    });
    expect(podOf(evidence, 'iceberg-catalog')?.resourcesKey).toBe('icebergCatalog.resources');
  });

  it('names a CrashLoopBackOff pod, its last termination and the runbook fix', () => {
    const pod = podName('trino-worker');
    const f = finding('pod-crashloop', pod);
    expect(f).toMatchObject({ severity: 'critical', component: 'trino' });
    expect(f.title).toBe(`${pod} keeps crashing (CrashLoopBackOff)`);
    expect(f.evidence[0]).toMatch(
      /waiting CrashLoopBackOff: back-off 5m0s restarting failed container=worker; 5 restarts/,
    );
    expect(f.evidence).toContainEqual(expect.stringMatching(/^last termination Error \(exit 1\)/));
    // kwok's pods have no log: the finding says so instead of quoting nothing.
    expect(f.evidence).toContainEqual(
      expect.stringMatching(/^log of the previous run: unavailable \(.+\)$/),
    );
    expect(f.fix.split('\n')).toEqual([
      `kubectl logs ${pod} -n ${ns} --previous`,
      `kubectl describe pod ${pod} -n ${ns}`,
      'lakehouse rollback trino   # if it started with the last upgrade',
    ]);
  });

  it('names an ImagePullBackOff pod, the image and the values key of its tag', () => {
    const pod = podName('trino-coordinator');
    const f = finding('pod-image-pull', pod);
    expect(f.severity).toBe('critical');
    expect(f.title).toBe(
      `${pod} cannot pull its image trinodb/trino:999-no-such-tag (ImagePullBackOff)`,
    );
    expect(f.evidence).toContain(
      `pod ${pod}: waiting ImagePullBackOff: Back-off pulling image "trinodb/trino:999-no-such-tag"`,
    );
    expect(f.evidence).toContain('image trinodb/trino:999-no-such-tag; imagePullSecrets: none');
    // env/dev leaves trino.image.tag empty: the tag is trino.version.
    expect(f.fix.split('\n')[0]).toBe(
      'check the image tag trino.version (now 999-no-such-tag) and global.imagePullSecrets (now none) in env/dev/helm-values.yaml, then: lakehouse upgrade trino',
    );
  });

  it('names an OOMKilled pod with its limit and the values key to raise', () => {
    const pod = podName('iceberg-catalog');
    const f = finding('pod-oomkilled', pod);
    // Running and Ready again after the kill: a warning, not an outage.
    expect(f).toMatchObject({ severity: 'warning', component: 'iceberg-catalog' });
    expect(f.title).toBe(`${pod} was killed for running out of memory (OOMKilled)`);
    expect(f.evidence[0]).toMatch(
      /^pod .+: last termination OOMKilled \(exit 137\) at .+, 1 restart; now running$/,
    );
    expect(f.evidence[1]).toBe('memory limit 512Mi, request 256Mi');
    expect(f.fix.split('\n')).toEqual([
      'raise icebergCatalog.resources.limits.memory (now 512Mi) in env/dev/helm-values.yaml, then: lakehouse upgrade iceberg-catalog',
      `kubectl describe pod ${pod} -n ${ns}`,
    ]);
  });

  it("names a Pending pod and the scheduler's reason: insufficient cpu", () => {
    const pod = podName('grafana');
    const f = finding('pod-unschedulable', pod);
    expect(f).toMatchObject({ severity: 'critical', component: 'observability' });
    expect(f.title).toBe(`${pod} cannot be scheduled (Pending): insufficient cpu`);
    expect(f.evidence[0]).toMatch(
      /PodScheduled False \(Unschedulable\): 0\/1 nodes are available: 1 Insufficient cpu/,
    );
    expect(f.evidence).toContain('container grafana requests cpu 1k, memory 256Mi');
    expect(f.fix.split('\n')).toEqual([
      'kubectl top nodes   # what the nodes use',
      "kubectl describe nodes   # 'Allocated resources': what the pods already request",
      'lower observability.grafana.resources.requests.cpu (now 1k) in env/dev/helm-values.yaml, then: lakehouse upgrade observability',
      'or add nodes (the node count in env/dev/terraform.tfvars), then: lakehouse infra apply',
    ]);
  });

  it("names a Pending pod and the scheduler's reason: an unbound PersistentVolumeClaim", () => {
    const pod = podName('minio');
    const f = finding('pod-unschedulable', pod);
    expect(f.title).toBe(
      `${pod} cannot be scheduled (Pending): its PersistentVolumeClaim is not bound`,
    );
    expect(f.evidence[0]).toMatch(/unbound immediate PersistentVolumeClaims/);
    expect(f.evidence).toContain(
      'PersistentVolumeClaim minio-data: Pending, storage class (cluster default), 50Gi requested',
    );
    expect(f.fix.split('\n')).toEqual([
      `kubectl get pvc -n ${ns}`,
      `kubectl describe pvc minio-data -n ${ns}`,
      'kubectl get storageclass   # set global.storageClass (or minio.persistence.storageClass) to one of them in env/dev/helm-values.yaml, then: lakehouse upgrade minio',
    ]);
  });

  it('reports a pod stuck in ContainerCreating only once it has waited past the grace period', () => {
    const pod = podName('airflow-scheduler');
    expect(findings.filter((f) => f.process === pod)).toEqual([]);
    const later = evaluateRules({ ...evidence, at: evidence.at + 10 * 60_000 });
    const f = later.find((x) => x.id === 'pod-pending' && x.process === pod);
    expect(f?.title).toBe(`${pod} is stuck in Pending on kwok-node-0`);
    expect(f?.evidence).toContain('container scheduler: waiting ContainerCreating');
    expect(f?.fix).toBe(
      `kubectl describe pod ${pod} -n ${ns}\nkubectl get events -n ${ns} --field-selector involvedObject.name=${pod}`,
    );
  });

  it('names a Service without ready endpoints, and its pods; not one that has them', () => {
    const f = finding('service-no-endpoints');
    expect(f).toMatchObject({ severity: 'critical', component: 'trino' });
    expect(f.title).toBe('Service trino has no ready endpoints (service not accessible)');
    expect(f.evidence).toEqual([
      `Service trino (ClusterIP, 8080/TCP) selects app.kubernetes.io/component=coordinator,app.kubernetes.io/instance=trino: 0 ready endpoints, 0 not ready`,
      `pod ${podName('trino-coordinator')}: Pending, not ready (ImagePullBackOff)`,
    ]);
    expect(f.fix.split('\n')).toEqual([
      `kubectl get endpoints trino -n ${ns}`,
      `kubectl get pods -n ${ns} -l app.kubernetes.io/component=coordinator,app.kubernetes.io/instance=trino`,
    ]);
    expect(evidence.services?.find((s) => s.name === 'iceberg-catalog')?.readyEndpoints).toBe(1);
    expect(findings.filter((x) => x.id === 'service-no-endpoints')).toHaveLength(1);
  });

  it('names an OutOfSync and Degraded ArgoCD Application with the failed sync and the fix', () => {
    const out = findings.find((f) => f.id === 'application-out-of-sync' && f.component === 'trino');
    expect(out).toMatchObject({ severity: 'critical', fix: 'lakehouse sync trino' });
    expect(out?.evidence).toEqual([
      'Application trino (namespace argocd): OutOfSync, health Degraded (Deployment "trino-worker" exceeded its progress deadline), revision a1b2c3d4e5f6',
      'automated sync: on',
      'Deployment/trino-worker: OutOfSync, Degraded: Deployment "trino-worker" exceeded its progress deadline',
      'last sync Failed at 2026-12-01T10:00:00Z: one or more objects failed to apply',
    ]);
    const degraded = findings.find(
      (f) => f.id === 'application-degraded' && f.component === 'trino',
    );
    expect(degraded?.severity).toBe('critical');
    expect(degraded?.fix.split('\n')).toEqual([
      `kubectl describe deployment trino-worker -n ${ns}`,
      'lakehouse rollback trino   # if the last change brought it',
    ]);
  });

  it('says an Application with automated sync off is paused, and how to resume it', () => {
    const f = findings.find((x) => x.id === 'application-out-of-sync' && x.component === 'airflow');
    expect(f?.severity).toBe('info');
    expect(f?.title).toBe('ArgoCD Application airflow is OutOfSync (automated sync is off)');
    expect(f?.fix.split('\n')[0]).toBe(
      'lakehouse resume airflow   # switches automated sync back on, once the emergency is over',
    );
  });

  it('leaves out healthy Applications and those of other namespaces', () => {
    expect(evidence.applications?.map((a) => a.name).sort()).toEqual(['airflow', 'minio', 'trino']);
    expect(
      findings.filter((f) => f.component === 'minio' && f.id.startsWith('application')),
    ).toEqual([]);
  });

  it('tolerates a cluster without ArgoCD: no Applications, nothing unreadable', () => {
    expect(withoutArgocd.cluster?.argocd).toEqual({ namespace: 'argocd', installed: false });
    expect(withoutArgocd.cluster?.unreadable).toEqual([]);
    expect(withoutArgocd.applications).toEqual([]);
  });

  it('scopes to one component, and refuses an unknown one', async () => {
    const result = await runDiagnose(target(), { component: 'trino' });
    expect(result.exitCode).toBe(1);
    expect(new Set(result.findings.map((f) => f.component))).toEqual(new Set(['trino']));
    expect(result.findings.map((f) => f.id)).toEqual(
      expect.arrayContaining(['pod-crashloop', 'pod-image-pull', 'service-no-endpoints']),
    );
    await expect(target().collectEvidence('trinity')).rejects.toThrow(UserError);
  });

  it('needs only the view ClusterRole, and says what it may not read', async () => {
    await kubectl(['create', 'serviceaccount', 'reader', '-n', ns]);
    await kubectl([
      ...['create', 'rolebinding', 'reader-view', '--clusterrole=view', '-n', ns],
      `--serviceaccount=${ns}:reader`,
    ]);
    const token = (await kubectl(['create', 'token', 'reader', '-n', ns])).trim();
    const admin = JSON.parse(
      await kubectl(['config', 'view', '--raw', '--minify', '--flatten', '-o', 'json']),
    ) as { clusters: { name: string }[] };
    const kubeconfig = join(scratch, 'reader.json');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: admin.clusters,
        users: [{ name: 'reader', user: { token } }],
        contexts: [
          { name: 'reader', context: { cluster: admin.clusters[0]?.name, user: 'reader' } },
        ],
        'current-context': 'reader',
      }),
    );
    const reader = target({ connection: connectCluster({ kubeconfig }) });
    const ev = await until('the reader to see the pods', async () => {
      const e = await reader.collectEvidence();
      return (e.pods?.length ?? 0) > 0 && e;
    });
    // view, bound in the platform's namespace, reads it (pods, logs, events, EndpointSlices, the
    // namespace itself), not ArgoCD's namespace.
    expect(ev.cluster?.unreadable).toEqual([
      expect.stringMatching(
        /^ArgoCD Applications in argocd: applications\.argoproj\.io is forbidden: User "system:serviceaccount:.*:reader" cannot list/,
      ),
    ]);
    const seen = evaluateRules(ev);
    const key = (f: Finding): string => `${f.id} ${f.process ?? f.component}`;
    const podFindings = (list: Finding[]): string[] =>
      list
        .filter((f) => f.id.startsWith('pod-') || f.id.startsWith('service-'))
        .map(key)
        .sort();
    expect(podFindings(seen)).toEqual(podFindings(findings));
    expect(seen.find((f) => f.id === 'evidence-incomplete')?.severity).toBe('info');
  });

  it('reports a namespace that does not exist as a platform not deployed, with the bootstrap', async () => {
    const result = await runDiagnose(target({ namespace: 'lakehouse-nowhere' }));
    expect(result.findings).toEqual([
      expect.objectContaining({
        id: 'not-deployed',
        severity: 'critical',
        title: 'the platform is not deployed: namespace lakehouse-nowhere does not exist',
        fix: 'lakehouse bootstrap dev',
      }),
    ]);
    expect(result.exitCode).toBe(1);
  });

  it('reports an API server that does not answer', async () => {
    const port = await findFreePort();
    const kubeconfig = join(scratch, 'unreachable.yaml');
    const text = await readFile(cluster.kubeconfig, 'utf8');
    await writeFile(kubeconfig, text.replace(/server:\s*\S+/, `server: https://127.0.0.1:${port}`));
    const down = connectCluster({ kubeconfig });
    const result = await runDiagnose(target({ connection: down }));
    expect(result.findings.map((f) => f.id)).toEqual(['cluster-unreachable']);
    expect(result.findings[0]?.evidence[0]).toContain(`https://127.0.0.1:${port}`);
  });
});
