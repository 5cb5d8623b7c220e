// The runbook's Helm procedures against a real control plane (kwok fakes the node and its pods):
// install every chart with env dev's values, upgrade, roll back, refuse a typo, run helm test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestCluster,
  type TestCluster,
  persistentVolumes,
} from '../../support/kube-cluster.js';
import { until } from '../../support/until.js';
import { repoRoot } from '../../../src/platform/paths.js';
import { versions } from '../../../src/platform/versions.js';
import { chartArgs, chartTools, exec, NAMESPACE, type Chart } from './support.js';

/** What the runbook installs with helm, in its order (the argocd chart goes into ArgoCD's namespace). */
const INSTALLED: Chart[] = ['observability', 'minio', 'iceberg-catalog', 'trino', 'airflow'];

let cluster: TestCluster;
let scratch: string;

/** Runs helm against the test cluster; a failure throws with its output. */
async function helm(args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await cluster.helm(args, { timeoutMs });
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

async function kubectl(args: string[]): Promise<string> {
  const r = await cluster.kubectl(args, { timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl(['get', ...args, '-n', NAMESPACE, '-o', 'json'])) as T;
}

interface ReplicaSet {
  metadata: {
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences?: { kind: string; name: string }[];
  };
  spec: { replicas: number };
  status: { readyReplicas?: number };
}

/** The ReplicaSet that holds a Deployment's pods once its rollout is done. */
async function activeReplicaSet(deployment: string): Promise<ReplicaSet> {
  return until(`the active ReplicaSet of ${deployment}`, async () => {
    const { items } = await getJson<{ items: ReplicaSet[] }>(['replicasets']);
    const mine = items.filter((rs) =>
      rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deployment),
    );
    const active = mine.filter((rs) => rs.spec.replicas > 0);
    // Mid-rollout two ReplicaSets have pods; wait for one.
    return active.length === 1 ? active[0] : undefined;
  });
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'chart-install-'));
  cluster = await startTestCluster({ tools: chartTools() });
  await kubectl(['create', 'namespace', NAMESPACE]);
  await until(`the default ServiceAccount in ${NAMESPACE}`, async () => {
    const r = await cluster.kubectl(['get', 'serviceaccount', 'default', '-n', NAMESPACE]);
    return r.code === 0;
  });
  await cluster.kubectl(['apply', '-f', '-'], { input: persistentVolumes('test', 8) });
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('on a real control plane, with env dev', () => {
  it('installs every chart in the runbook order; every workload becomes Available', async () => {
    for (const chart of INSTALLED) {
      await helm(['install', ...chartArgs(chart, 'dev', ['--wait', '--timeout', '3m'])], 200_000);
    }
    const releases = JSON.parse(await helm(['list', '-n', NAMESPACE, '-o', 'json'])) as {
      name: string;
      status: string;
      revision: string;
    }[];
    expect(releases.map((r) => [r.name, r.status]).sort()).toEqual(
      INSTALLED.map((c) => [c, 'deployed']).sort(),
    );

    await kubectl([
      'wait',
      '--for=condition=Available',
      'deployment',
      '--all',
      '-n',
      NAMESPACE,
      '--timeout=60s',
    ]);
    const deployments = await getJson<{ items: { metadata: { name: string } }[] }>(['deployments']);
    expect(deployments.items.map((d) => d.metadata.name)).toEqual(
      expect.arrayContaining([
        'iceberg-catalog',
        'trino-coordinator',
        'trino-worker',
        'airflow-webserver',
        'airflow-scheduler',
        'airflow-dag-processor',
        'airflow-triggerer',
        'grafana',
      ]),
    );
    const sets = await getJson<{
      items: {
        metadata: { name: string };
        spec: { replicas: number };
        status: { availableReplicas?: number };
      }[];
    }>(['statefulsets']);
    expect(sets.items.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(['minio', 'postgresql', 'prometheus', 'alertmanager']),
    );
    for (const s of sets.items) {
      expect(s.status.availableReplicas ?? 0, `StatefulSet ${s.metadata.name}`).toBe(
        s.spec.replicas,
      );
    }
    const workers = await getJson<{ status: { availableReplicas?: number } }>([
      'deployment',
      'trino-worker',
    ]);
    expect(workers.status.availableReplicas).toBe(2);
  });

  it("has the runbook's Services and the shared Secrets", async () => {
    const services = await getJson<{ items: { metadata: { name: string } }[] }>(['services']);
    expect(services.items.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining([
        'minio',
        'iceberg-catalog',
        'postgresql',
        'trino',
        'airflow-webserver',
        'prometheus-operated',
        'alertmanager',
        'grafana',
      ]),
    );
    const secrets = await getJson<{ items: { metadata: { name: string } }[] }>(['secrets']);
    expect(secrets.items.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(['minio-credentials', 'postgresql-credentials']),
    );
    // The runbook's `kubectl get pods -l app=minio` finds MinIO's pod.
    const pods = await getJson<{ items: unknown[] }>(['pods', '-l', 'app=minio']);
    expect(pods.items.length).toBeGreaterThan(0);
  });

  it('keeps generated credentials across an upgrade (lookup, not a new password)', async () => {
    const before = await getJson<{ data: Record<string, string> }>(['secret', 'minio-credentials']);
    await helm(['upgrade', ...chartArgs('minio', 'dev', ['--wait', '--timeout', '2m'])], 150_000);
    const after = await getJson<{ data: Record<string, string> }>(['secret', 'minio-credentials']);
    expect(after.data).toEqual(before.data);
  });

  it('a values change rolls Trino; helm rollback brings the previous ReplicaSet back', async () => {
    const first = {
      coordinator: await activeReplicaSet('trino-coordinator'),
      worker: await activeReplicaSet('trino-worker'),
    };
    await helm(
      [
        'upgrade',
        ...chartArgs('trino', 'dev', [
          '--set',
          'trino.queryMaxMemory=5GB',
          '--wait',
          '--timeout',
          '2m',
        ]),
      ],
      150_000,
    );
    const hash = (rs: ReplicaSet): string | undefined => rs.metadata.labels['pod-template-hash'];
    for (const name of ['coordinator', 'worker'] as const) {
      const now = await activeReplicaSet(`trino-${name}`);
      expect(hash(now), `trino-${name} rolled to a new ReplicaSet`).not.toBe(hash(first[name]));
      expect(now.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    }
    const history = JSON.parse(await helm(['history', 'trino', '-n', NAMESPACE, '-o', 'json'])) as {
      revision: number;
      status: string;
    }[];
    expect(history.map((h) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);

    await helm(['rollback', 'trino', '1', '-n', NAMESPACE, '--wait', '--timeout', '2m'], 150_000);
    for (const name of ['coordinator', 'worker'] as const) {
      const now = await activeReplicaSet(`trino-${name}`);
      expect(now.metadata.name, `trino-${name} is back on its first ReplicaSet`).toBe(
        first[name].metadata.name,
      );
      expect(hash(now)).toBe(hash(first[name]));
    }
    const values = JSON.parse(
      await helm(['get', 'values', 'trino', '-n', NAMESPACE, '-o', 'json']),
    ) as { trino?: { queryMaxMemory?: string } };
    expect(values.trino?.queryMaxMemory).toBe('4GB');
  });

  it('a typo in values is refused by the schema before anything is installed', async () => {
    const typo = join(scratch, 'typo.yaml');
    await writeFile(typo, 'trino:\n  wokers:\n    count: 2\n');
    const args = chartArgs('trino', 'dev', ['-f', typo]);
    args[0] = 'trino-typo';
    const r = await cluster.helm(['install', ...args], { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("values don't meet the specifications of the schema");
    expect(r.stderr).toContain("at '/trino': additional properties 'wokers' not allowed");
    const releases = await helm(['list', '-n', NAMESPACE, '-a', '-q']);
    expect(releases.split('\n')).not.toContain('trino-typo');
  });

  it.each(INSTALLED)('helm test %s passes (kwok completes the test pod)', async (chart) => {
    const out = await helm(['test', chart, '-n', NAMESPACE, '--timeout', '2m'], 150_000);
    expect(
      out,
      `${chart} ran no test hook: is templates/tests/ left out by .helmignore?`,
    ).not.toMatch(/TEST SUITE:\s+None/);
    expect(out).toMatch(/Phase:\s+Succeeded/);
    expect(out).not.toMatch(/Phase:\s+Failed/);
  });

  it('installs ArgoCD with install-argocd.sh, then the argocd chart into its namespace', async () => {
    // The runbook's "ArgoCD installed": ArgoCD's own release manifest, fetched at install time
    // from its Go module (already in the module cache here) and applied server-side.
    const bin = dirname(chartTools().kubectl);
    const install = await exec(
      'bash',
      [
        join(repoRoot, 'platform', 'argocd', 'install-argocd.sh'),
        '--version',
        versions.argocd.version,
        '--wait',
      ],
      {
        env: {
          ...process.env,
          KUBECONFIG: cluster.kubeconfig,
          PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        },
        timeoutMs: 400_000,
      },
    );
    expect(install.code, install.stderr).toBe(0);
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);

    const args = chartArgs('argocd', 'dev', ['--wait', '--timeout', '2m']);
    args.splice(args.indexOf(NAMESPACE), 1, 'argocd');
    await helm(['install', ...args], 150_000);
    const apps = JSON.parse(
      await kubectl(['get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'json']),
    ) as { items: { metadata: { name: string }; spec: { destination: { namespace: string } } }[] };
    expect(apps.items.map((a) => a.metadata.name).sort()).toEqual([...INSTALLED].sort());
    expect(new Set(apps.items.map((a) => a.spec.destination.namespace))).toEqual(
      new Set([NAMESPACE]),
    );
    const out = await helm(['test', 'argocd', '-n', 'argocd', '--timeout', '2m'], 150_000);
    expect(out).toMatch(/Phase:\s+Succeeded/);
  });
});
