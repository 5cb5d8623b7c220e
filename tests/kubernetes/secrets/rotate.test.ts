// `lakehouse secrets rotate` on a real control plane (kwok fakes the node and its pods): the
// charts installed with helm and env dev's values, the ops workflow run against the Kubernetes
// release target and KubernetesSecrets; last, the owner's check of the previous credentials
// against a real MinIO behind a Service, through the API server's proxy.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { Progress } from '../../../src/lib/index.js';
import {
  installRelease,
  rotateCredentials,
  type Component,
  type RotationResult,
} from '../../../src/ops/index.js';
import { loadValues, type LakehouseValues } from '../../../src/platform/config/index.js';
import { repoRoot } from '../../../src/platform/paths.js';
import {
  connectCluster,
  Helm,
  releaseWorkloads,
  type ClusterConnection,
} from '../../../src/targets/kubernetes/cluster/index.js';
import {
  KubernetesReleaseTarget,
  ReleaseStore,
} from '../../../src/targets/kubernetes/releases/index.js';
import {
  KubernetesRotationTarget,
  KubernetesSecrets,
} from '../../../src/targets/kubernetes/secrets/index.js';
import { ensureMinio } from '../../../src/targets/local/install/index.js';
import { findFreePort } from '../../../src/lib/index.js';
import {
  POD_STATE_ANNOTATION,
  startTestCluster,
  type TestCluster,
  installCharts,
  persistentVolumes,
} from '../../support/kube-cluster.js';
import { OutputBuffer, killOnExit, terminate, waitUntilReady } from '../../support/process.js';
import { until } from '../../support/until.js';

const tools = inject('kubernetesTools');

/** The runbook's install order; airflow last (it needs postgresql-credentials). */
const CHARTS: Component[] = ['observability', 'minio', 'iceberg-catalog', 'trino', 'airflow'];
const MINIO_HOLDERS: Component[] = ['minio', 'iceberg-catalog', 'trino', 'observability'];

let cluster: TestCluster;
let scratch: string;
let ns: string;
let connection: ClusterConnection;
let values: LakehouseValues;
let releases: KubernetesReleaseTarget;

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, { input, timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

/** Steps as the CLI would show them, for assertions (no values: the workflow prints none). */
function recorder(): Progress & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    line: (text) => lines.push(text),
    step: (label) => ({
      update: () => undefined,
      done: (m) => lines.push(`✔ ${label}${m ? `: ${m}` : ''}`),
      info: (m) => lines.push(`ℹ ${label}: ${m}`),
      warn: (m) => lines.push(`⚠ ${label}: ${m}`),
      fail: (m) => lines.push(`✖ ${label}: ${m}`),
    }),
  };
}

/** Secret data compared by digest: the values never reach the test's output. */
const digest = (data: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [
      k,
      createHash('sha256').update(v).digest('hex').slice(0, 16),
    ]),
  );

async function secret(name: string, namespace = ns): Promise<V1Secret> {
  return connection.core.readNamespacedSecret({ name, namespace });
}

const decoded = (s: V1Secret, key: string): string =>
  Buffer.from(s.data?.[key] ?? '', 'base64').toString('utf8');

/** `kubectl.kubernetes.io/restartedAt` of every workload of a release, by workload. */
async function restartedAt(component: Component): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const w of await releaseWorkloads(connection, ns, component)) {
    const at = w.object.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    out[`${w.kind}/${w.name}`] = at ? Date.parse(at) : 0;
  }
  return out;
}

/** Earliest and latest restart of a release's workloads. */
async function restartSpan(component: Component): Promise<{ first: number; last: number }> {
  const times = Object.values(await restartedAt(component));
  expect(times.length, `workloads of ${component}`).toBeGreaterThan(0);
  return { first: Math.min(...times), last: Math.max(...times) };
}

/** Asserts the holders' restarts are strictly ordered, each after `since`. */
async function expectRestartedInOrder(holders: Component[], since: number): Promise<void> {
  let previous = since;
  for (const c of holders) {
    const span = await restartSpan(c);
    expect(span.first, `${c} restarted after the one before it`).toBeGreaterThan(previous);
    previous = span.last;
  }
}

/** Asserts no value of the Secrets appears in `text` (the assertion never prints one). */
function expectNoSecretIn(text: string, secrets: V1Secret[]): void {
  for (const s of secrets) {
    for (const key of Object.keys(s.data ?? {})) {
      const value = decoded(s, key);
      const found = value.split(',').some((part) => part.length >= 8 && text.includes(part));
      expect(found, `a value of ${s.metadata?.name ?? ''}/${key} in the output`).toBe(false);
    }
  }
}

const crashLoop = (deployment: string): Promise<string> =>
  kubectl([
    'patch',
    'deployment',
    deployment,
    '-n',
    ns,
    '--type',
    'merge',
    '-p',
    JSON.stringify({
      spec: {
        template: { metadata: { annotations: { [POD_STATE_ANNOTATION]: 'CrashLoopBackOff' } } },
      },
    }),
  ]);

const heal = (deployment: string): Promise<string> =>
  kubectl([
    'patch',
    'deployment',
    deployment,
    '-n',
    ns,
    '--type',
    'json',
    '-p',
    JSON.stringify([
      {
        op: 'remove',
        path: `/spec/template/metadata/annotations/${POD_STATE_ANNOTATION.replace('/', '~1')}`,
      },
    ]),
  ]);

const journalText = (): Promise<string | undefined> => releases.store.getKey('rotation');

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'secrets-rotate-'));
  cluster = await startTestCluster({ tools });
  ns = await cluster.createNamespace('secrets');
  await kubectl(['apply', '-f', '-'], persistentVolumes('secrets', 8));
  // env dev's values, in this namespace, with the rollout gate (kwok's pods run no containers).
  const overrides = join(scratch, 'test-values.yaml');
  await writeFile(overrides, stringify({ global: { namespace: ns, verify: 'rollout' } }));
  values = await loadValues({ env: 'dev', files: [overrides] });
  await installCharts(cluster, ns, CHARTS, overrides);
  connection = connectCluster({ kubeconfig: cluster.kubeconfig });
  releases = new KubernetesReleaseTarget({
    connection,
    helm: new Helm(tools.helm, connection.toolArgs),
    env: 'dev',
    envValues: values,
    repo: repoRoot,
  });
  // The release history `lakehouse up` would have written.
  const now = new Date().toISOString();
  for (const c of CHARTS) await releases.writeHistory(c, [installRelease(c, values, now, now)]);
}, 600_000);

afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('rotating MinIO’s root credentials on the cluster', () => {
  it('replaces the Secret and restarts every holder in order: minio, catalog, trino, observability', async () => {
    const before = await secret('minio-credentials');
    const target = KubernetesRotationTarget.of(releases);
    const progress = recorder();
    const since = Date.now();

    const result = await rotateCredentials(target, 'minio', progress);

    expect(result.failure, progress.lines.join('\n')).toBeUndefined();
    expect(result.restarted.map((r) => r.component)).toEqual(MINIO_HOLDERS);
    const after = await secret('minio-credentials');
    // Both the user and the password are new (the local target rotates both), in the chart's
    // shape; four helm upgrades after the write did not put the previous data back (lookup).
    expect(digest(after.data)['root-password']).not.toBe(digest(before.data)['root-password']);
    expect(digest(after.data)['root-user']).not.toBe(digest(before.data)['root-user']);
    expect(decoded(after, 'root-user')).toMatch(/^lakehouse-[a-z0-9]{8}$/);
    expect(decoded(after, 'root-password')).toMatch(/^[A-Za-z0-9]{40}$/);
    // Helm's ownership and the resource policy survive the replace.
    expect(after.metadata?.annotations?.['helm.sh/resource-policy']).toBe('keep');
    expect(after.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');

    await expectRestartedInOrder(MINIO_HOLDERS, since);
    // No value, old or new, in what the workflow returns or shows.
    expectNoSecretIn(JSON.stringify(result) + progress.lines.join('\n'), [before, after]);
    expect(result.previousRefused).toMatch(/^not checked: global\.verify is rollout/);
    expect(await journalText()).toBeUndefined();
    expect(await target.unfinishedRotation()).toBeNull();
  });

  it('a holder failing with the new credentials puts the previous ones back and restarts the holders again', async () => {
    const before = digest((await secret('minio-credentials')).data);
    const untouched = await restartSpan('observability');
    await crashLoop('trino-coordinator');
    let trinoDeploys = 0;
    /** The fault goes away with the previous credentials, as a wrong password would. */
    class HealsOnRestore extends KubernetesRotationTarget {
      override async deploy(
        component: Component,
        spec: Parameters<KubernetesRotationTarget['deploy']>[1],
        onProgress: (d: string) => void,
      ): Promise<void> {
        if (component === 'trino' && ++trinoDeploys === 2) await heal('trino-coordinator');
        return super.deploy(component, spec, onProgress);
      }
    }
    const plain = KubernetesRotationTarget.of(releases);
    const target = new HealsOnRestore(plain.releases, plain.secrets);
    const progress = recorder();
    const since = Date.now();

    const result: RotationResult = await rotateCredentials(target, 'minio', progress);

    expect(result.restarted.map((r) => r.component)).toEqual(['minio', 'iceberg-catalog']);
    expect(result.failure).toMatchObject({ component: 'trino', restored: true });
    expect(result.failure?.reason).toMatch(/CrashLoopBackOff/);
    expect(result.failure?.restoreError).toBeUndefined();
    expect(trinoDeploys).toBe(2);
    // The Secret holds exactly what it held before.
    expect(digest((await secret('minio-credentials')).data)).toEqual(before);
    // Restarted again with the previous credentials, owner first; observability never touched.
    await expectRestartedInOrder(['minio', 'iceberg-catalog', 'trino'], since);
    expect(await restartSpan('observability')).toEqual(untouched);
    expect(progress.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^✖ trino: restart with the new credentials: .*CrashLoopBackOff/),
        expect.stringMatching(/^✔ minio: restart with the previous credentials: .*rolled out/),
        expect.stringMatching(/^✔ trino: restart with the previous credentials/),
      ]),
    );
    expect(await journalText()).toBeUndefined();
  });

  it('a failure the previous credentials do not fix leaves the journal; the next rotation finishes it', async () => {
    const before = digest((await secret('minio-credentials')).data);
    await crashLoop('trino-coordinator');
    const target = KubernetesRotationTarget.of(releases);

    const failed = await rotateCredentials(target, 'minio', recorder());

    expect(failed.failure).toMatchObject({ component: 'trino', restored: false });
    expect(failed.failure?.restoreError).toMatch(/CrashLoopBackOff/);
    // restore() ran before the restarts that failed: the Secret has the previous data.
    expect(digest((await secret('minio-credentials')).data)).toEqual(before);
    const journal = await target.unfinishedRotation();
    expect(journal).toMatchObject({
      set: 'minio',
      holders: MINIO_HOLDERS,
      restarted: ['minio', 'iceberg-catalog'],
      // This process wrote it and is alive.
      running: true,
    });
    expect(JSON.parse((await journalText()) ?? '{}')).toMatchObject({
      version: 1,
      pid: process.pid,
    });
    // Another set waits until this one is finished.
    await expect(rotateCredentials(target, 'airflow', recorder())).rejects.toThrow(
      /rotation of MinIO's root credentials .* did not finish/,
    );

    await heal('trino-coordinator');
    const progress = recorder();
    const finished = await rotateCredentials(target, 'minio', progress);
    expect(finished.failure, progress.lines.join('\n')).toBeUndefined();
    expect(progress.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /an earlier rotation .* stopped before restarting trino, observability/,
        ),
      ]),
    );
    expect(digest((await secret('minio-credentials')).data)['root-password']).not.toBe(
      before['root-password'],
    );
    expect(await target.unfinishedRotation()).toBeNull();
  });
});

describe('rotating Airflow’s secrets on the cluster', () => {
  it('new password, API secrets and fernet key; the database re-encrypted by a Job before the old key goes', async () => {
    const before = await secret('airflow-secrets');
    const oldKey = decoded(before, 'fernet-key');
    const target = KubernetesRotationTarget.of(releases);
    const progress = recorder();
    const since = Date.now();

    const result = await rotateCredentials(target, 'airflow', progress);

    expect(result.failure, progress.lines.join('\n')).toBeUndefined();
    expect(result.restarted.map((r) => r.component)).toEqual(['airflow']);
    expect(result.retired).toMatch(
      /^database re-encrypted with the new fernet key \(Job airflow-rotate-fernet-key-/,
    );
    const after = await secret('airflow-secrets');
    const was = digest(before.data);
    const now = digest(after.data);
    for (const key of [
      'admin-password',
      'passwords.json',
      'api-secret-key',
      'jwt-secret',
      'fernet-key',
    ]) {
      expect(now[key], key).not.toBe(was[key]);
    }
    // The API server's passwords file carries the new admin password.
    const passwords = JSON.parse(decoded(after, 'passwords.json')) as { admin?: string };
    expect(passwords.admin === decoded(after, 'admin-password')).toBe(true);
    // One key again: the new one (the old one retired after the re-encryption).
    const keys = decoded(after, 'fernet-key').split(',');
    expect(keys).toHaveLength(1);
    expect(keys[0] === oldKey).toBe(false);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{43}=$/);

    // The re-encryption ran as `airflow rotate-fernet-key` with Airflow's own environment.
    const jobName = /Job (\S+)\)/.exec(result.retired ?? '')?.[1] ?? '';
    const job = JSON.parse(await kubectl(['get', 'job', jobName, '-n', ns, '-o', 'json'])) as {
      status: { succeeded?: number };
      spec: {
        template: {
          metadata: { labels: Record<string, string> };
          spec: {
            restartPolicy: string;
            initContainers?: unknown[];
            containers: {
              args: string[];
              env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
            }[];
          };
        };
      };
    };
    expect(job.status.succeeded).toBe(1);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]?.args).toEqual(['airflow', 'rotate-fernet-key']);
    expect(
      pod.containers[0]?.env.find((e) => e.name === 'AIRFLOW__CORE__FERNET_KEY')?.valueFrom,
    ).toEqual({
      secretKeyRef: { name: 'airflow-secrets', key: 'fernet-key' },
    });
    expect(
      pod.containers[0]?.env.some((e) => e.name === 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN'),
    ).toBe(true);
    // PostgreSQL's NetworkPolicy admits it; no release or Service counts it.
    expect(job.spec.template.metadata.labels).toMatchObject({ app: 'airflow' });
    expect(job.spec.template.metadata.labels['app.kubernetes.io/instance']).toBeUndefined();

    // Restarted with the new secrets, then once more with the new key only.
    expect((await restartSpan('airflow')).first).toBeGreaterThan(since);
    expect(progress.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^✔ airflow: restart with the new credentials:/),
        expect.stringMatching(
          /^✔ airflow: drop the previous credentials it still holds: database re-encrypted/,
        ),
        expect.stringMatching(/^✔ airflow: restart with the new credentials only:/),
      ]),
    );
    expectNoSecretIn(JSON.stringify(result) + progress.lines.join('\n'), [before, after]);
    expect(await journalText()).toBeUndefined();
  });
});

/** The machine's first non-loopback IPv4 address: the API server may not proxy to loopback. */
function hostAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('this machine has no non-loopback IPv4 address');
  return found.address;
}

describe('the owner refuses the previous credentials (verify: traffic, a real MinIO)', () => {
  let trafficNs: string;
  let minio: ChildProcess | undefined;
  let dataDir: string;
  let binary: string;
  let address: string;
  let port: number;
  let unregister: (() => void) | undefined;
  let output: OutputBuffer;

  /** Starts MinIO with the root credentials the Secret holds now (never printed). */
  async function startMinio(): Promise<void> {
    const s = await secret('minio-credentials', trafficNs);
    const user = decoded(s, 'root-user');
    const password = decoded(s, 'root-password');
    output = new OutputBuffer([password]);
    const child = spawn(
      binary,
      [
        'server',
        dataDir,
        '--address',
        `${address}:${port}`,
        '--certs-dir',
        join(scratch, 'certs'),
        '--quiet',
      ],
      {
        env: {
          PATH: process.env.PATH,
          HOME: scratch,
          MINIO_ROOT_USER: user,
          MINIO_ROOT_PASSWORD: password,
          MINIO_BROWSER: 'off',
          MINIO_UPDATE: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    output.attach(child);
    unregister = killOnExit(child);
    minio = child;
    // Ready to judge credentials: an anonymous request is refused (not "not initialized").
    await waitUntilReady(
      child,
      async () => (await fetch(`http://${address}:${port}/`)).status === 403,
      { what: 'MinIO', timeoutMs: 60_000, output },
    );
  }

  async function stopMinio(): Promise<void> {
    if (minio) await terminate(minio);
    unregister?.();
    minio = undefined;
  }

  beforeAll(async () => {
    binary = await ensureMinio();
    address = hostAddress();
    port = await findFreePort();
    dataDir = join(scratch, 'minio-data');
    trafficNs = await cluster.createNamespace('traffic');
    // A second fake node with this machine's address: a hostNetwork pod on it has that IP, so
    // the Service's endpoint (which the API server's proxy requires to be a pod) is the real MinIO.
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: 'kwok-host', annotations: { 'kwok.x-k8s.io/node': 'fake' } },
            spec: { taints: [{ key: 'lakehouse.test/host', value: 'true', effect: 'NoSchedule' }] },
            status: {
              addresses: [
                { type: 'InternalIP', address },
                { type: 'Hostname', address: 'kwok-host' },
              ],
              allocatable: { cpu: '4', memory: '8Gi', pods: '10' },
              capacity: { cpu: '4', memory: '8Gi', pods: '10' },
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'minio-0', namespace: trafficNs, labels: { app: 'minio' } },
            spec: {
              nodeName: 'kwok-host',
              hostNetwork: true,
              tolerations: [{ key: 'lakehouse.test/host', operator: 'Exists' }],
              containers: [{ name: 'minio', image: 'minio' }],
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'minio', namespace: trafficNs },
            spec: { selector: { app: 'minio' }, ports: [{ port: 9000, targetPort: port }] },
          },
        ],
      }),
    );
    // Credentials as the chart generates them (never printed).
    const b64 = (v: string): string => Buffer.from(v).toString('base64');
    await connection.core.createNamespacedSecret({
      namespace: trafficNs,
      body: {
        metadata: { name: 'minio-credentials' },
        data: {
          'root-user': b64(`lakehouse-${randomBytes(4).toString('hex')}`),
          'root-password': b64(randomBytes(30).toString('base64url').slice(0, 40)),
        },
      },
    });
    await startMinio();
    await until(
      'the MinIO Service to have its endpoint',
      async () => {
        const slices = await connection.discovery.listNamespacedEndpointSlice({
          namespace: trafficNs,
          labelSelector: 'kubernetes.io/service-name=minio',
        });
        return slices.items.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready));
      },
      30_000,
    );
  }, 300_000);

  afterAll(async () => {
    await stopMinio();
  });

  const secretsFor = (verify: 'traffic' | 'rollout'): KubernetesSecrets =>
    new KubernetesSecrets({
      connection,
      namespace: trafficNs,
      store: new ReleaseStore(connection, trafficNs),
      values: {
        ...values,
        minio: { ...values.minio, ports: { ...values.minio.ports, api: 9000 } },
      },
      verify,
    });

  it('fails while MinIO still runs with the previous credentials, passes once it restarted', async () => {
    const rotated = await secretsFor('traffic').rotateCredentials('minio');

    // Not restarted yet: MinIO takes only the previous credentials, and the check says so
    // instead of calling a 403 for the previous ones a refusal.
    const early = await rotated.previousRefused();
    expect(early.ok).toBe(false);
    expect(early.detail).toMatch(
      /does not accept the new root credentials either \(403 InvalidAccessKeyId\)/,
    );

    await stopMinio();
    await startMinio();
    const late = await rotated.previousRefused();
    expect(late).toEqual({
      ok: true,
      detail:
        'MinIO accepts the new root credentials and refuses the previous access key (InvalidAccessKeyId)',
    });

    // Put back and restarted with the previous ones: the previous access key works again.
    await rotated.restore();
    await stopMinio();
    await startMinio();
    const restored = await rotated.previousRefused();
    expect(restored.ok).toBe(false);
  });

  it('says why when MinIO cannot be asked, and does not pretend with verify: rollout', async () => {
    const rotated = await secretsFor('traffic').rotateCredentials('minio');
    await stopMinio();
    const down = await rotated.previousRefused();
    expect(down.ok).toBe(false);
    expect(down.detail).toMatch(
      /MinIO could not be asked through the API server's proxy \(50\d\)|cannot reach MinIO/,
    );

    const kwok = await secretsFor('rollout').rotateCredentials('minio');
    expect(await kwok.previousRefused()).toEqual({
      ok: true,
      detail:
        'not checked: global.verify is rollout (pods that run no containers cannot be asked whether MinIO refuses the previous credentials)',
    });
    await startMinio();
  });
});
