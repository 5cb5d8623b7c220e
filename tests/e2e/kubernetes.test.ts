// The runbook on Kubernetes, end to end: a real control plane (kwok fakes the node and runs no
// containers), Argo CD's real application controller and repo-server outside the cluster, a git
// server on loopback holding a copy of this repository, and the `lakehouse` CLI run from a clone
// of it — bootstrap, a committed values change synced, a failed upgrade rolled back, emergency
// rollback and resume, scaling through git, diagnose on broken pods, cleanup.
//
// What kwok cannot prove: no container runs, so there is no traffic. The env here sets
// `global.verify: rollout` (rollouts and ready endpoints, no HTTP check); tests/e2e/run_tests.sh
// --env <env> runs the runbook's HTTP verification against a real cluster.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { repoRoot } from '../../src/platform/paths.js';
import { execTool } from '../../src/targets/kubernetes/cluster/index.js';
import { runCli, type CliRun } from '../support/cli.js';
import {
  ensureArgocdTools,
  ensureKubernetesTools,
  type KubernetesTools,
} from '../../src/targets/kubernetes/tools/index.js';
import { startArgocdWhenInstalled, type ArgocdRuntime } from '../support/argocd.js';
import { startGitServer, type GitServer } from '../support/git-server.js';
import {
  startTestCluster,
  UNPULLABLE_IMAGE,
  type TestCluster,
  persistentVolumes,
} from '../support/kube-cluster.js';
import { until } from '../support/until.js';

const NS = 'lakehouse-platform';
const ENV = 'dev';

let tools: KubernetesTools;
let cluster: TestCluster;
let git: GitServer;
let argocd: ArgocdRuntime;
let scratch: string;
let checkout: string;
const timings: Record<string, number> = {};

type Run = CliRun;

/** `lakehouse <args>` from the operator's clone, against the test cluster. */
function lakehouse(args: string[], timeoutMs = 900_000): Promise<Run> {
  return runCli(args, {
    entry: join(checkout, 'bin', 'lakehouse.js'),
    cwd: checkout,
    env: {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      LAKEHOUSE_HOME: join(scratch, 'home'),
      PATH: `${join(tools.kubectl, '..')}:${process.env.PATH ?? ''}`,
    },
    timeoutMs,
  });
}

async function timed(name: string, args: string[]): Promise<Run> {
  const started = Date.now();
  const r = await lakehouse(args);
  timings[name] = Date.now() - started;
  return r;
}

const explain = (r: Run): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}\n${argocd.logs()}`;

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await execTool(cmd, args, { cwd, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function kubectlJson<T>(args: string[]): Promise<T> {
  const r = await cluster.kubectl([...args, '-o', 'json'], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface App {
  metadata: { name: string; creationTimestamp?: string };
  spec: { syncPolicy?: { automated?: unknown } };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}
const application = (name: string): Promise<App> =>
  kubectlJson<App>(['get', 'applications.argoproj.io', name, '-n', 'argocd']);

interface Deployment {
  spec: {
    replicas: number;
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { containers: { image: string; resources?: { limits?: Record<string, string> } }[] };
    };
  };
  status: { availableReplicas?: number; updatedReplicas?: number; replicas?: number };
}
const deployment = (name: string): Promise<Deployment> =>
  kubectlJson<Deployment>(['get', 'deployment', name, '-n', NS]);

/** Edits env/dev/helm-values.yaml in the clone (comments kept). */
async function editValues(path: (string | number)[], value: unknown): Promise<void> {
  const file = join(checkout, 'env', ENV, 'helm-values.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.setIn(path, value);
  await writeFile(file, doc.toString());
}

/** The project as the operator's repository: every tracked file of this working tree. */
async function publishRepository(): Promise<void> {
  const staging = join(scratch, 'staging');
  await mkdir(staging);
  const files = (
    await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], repoRoot)
  )
    .split('\0')
    .filter((f) => f !== '');
  for (const f of files) {
    await cp(join(repoRoot, f), join(staging, f), {
      recursive: true,
      verbatimSymlinks: true,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // Deleted in the working tree, still in the index.
    });
  }
  const repoURL = `${git.url}lakehouse.git`;
  const file = join(staging, 'env', ENV, 'helm-values.yaml');
  const doc = parseDocument(await readFile(file, 'utf8'));
  doc.setIn(['argocd', 'repoURL'], repoURL);
  doc.setIn(['argocd', 'destinationServer'], cluster.server);
  // kwok's pods run no containers: the health gate stops at rollouts and ready endpoints.
  doc.setIn(['global', 'verify'], 'rollout');
  doc.setIn(['trino', 'workers', 'count'], 1);
  await writeFile(file, doc.toString());
  await sh(
    'git',
    ['init', '-q', '--bare', '-b', 'main', join(scratch, 'git', 'lakehouse.git')],
    scratch,
  );
  const who = ['-c', 'user.name=Lakehouse Test', '-c', 'user.email=test@lakehouse.invalid'];
  await sh('git', ['init', '-q', '-b', 'main'], staging);
  await sh('git', ['add', '-A'], staging);
  await sh(
    'git',
    [...who, 'commit', '-q', '-m', 'the platform, env dev on the test cluster'],
    staging,
  );
  await sh('git', ['push', '-q', repoURL, 'main'], staging);
  checkout = join(scratch, 'checkout');
  await sh('git', ['clone', '-q', repoURL, checkout], scratch);
  await sh('git', ['config', 'user.name', 'Operator'], checkout);
  await sh('git', ['config', 'user.email', 'operator@lakehouse.invalid'], checkout);
  await symlink(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'));
}

beforeAll(async () => {
  const say = (l: string): void => console.log(`[kubernetes-e2e] ${l}`);
  tools = await ensureKubernetesTools({ onProgress: say });
  const argoTools = await ensureArgocdTools({ onProgress: say });
  scratch = await mkdtemp(join(tmpdir(), 'lakehouse-k8s-e2e-'));
  await mkdir(join(scratch, 'git'), { recursive: true });
  cluster = await startTestCluster({ tools });
  say(`control plane up in ${cluster.startupMs} ms`);
  const pv = await cluster.kubectl(['apply', '-f', '-'], { input: persistentVolumes('e2e', 12) });
  if (pv.code !== 0) throw new Error(pv.stderr);
  git = await startGitServer(join(scratch, 'git'));
  await publishRepository();
  argocd = startArgocdWhenInstalled({
    cluster,
    tools: argoTools,
    helm: tools.helm,
    workDir: scratch,
  });
}, 1_800_000);

afterAll(async () => {
  console.log(`[kubernetes-e2e] timings (ms): ${JSON.stringify(timings)}`);
  await argocd?.stop();
  await cluster?.stop();
  await git?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the runbook on Kubernetes (kwok control plane, Argo CD out of cluster)', () => {
  it('bootstrap dev prints the runbook lines, each checked; every Application Synced and Healthy', async () => {
    const check = await lakehouse(['bootstrap', ENV, '--existing-cluster', '--check-only']);
    expect(check.code, explain(check)).toBe(0);
    expect(check.stderr).toMatch(/✔ Prerequisites checked/);
    expect(check.stderr).toMatch(/RBAC: allowed/);
    expect((await cluster.kubectl(['get', 'ns', 'argocd'])).code).not.toBe(0);

    const r = await timed('bootstrap', ['bootstrap', ENV, '--existing-cluster']);
    expect(r.code, explain(r)).toBe(0);
    const lines = [
      'Prerequisites checked',
      'Infrastructure provisioned',
      'ArgoCD installed',
      'Applications synced',
      'Platform ready',
    ];
    let at = -1;
    for (const line of lines) {
      const i = r.stderr.indexOf(`✔ ${line}`);
      expect(i, `"${line}" in order:\n${r.stderr}`).toBeGreaterThan(at);
      at = i;
    }
    expect(r.stderr).toMatch(/existing cluster https:\/\/127\.0\.0\.1:\d+, skipped/);
    const apps = await kubectlJson<{ items: App[] }>([
      'get',
      'applications.argoproj.io',
      '-n',
      'argocd',
    ]);
    const names = apps.items.map((a) => a.metadata.name).sort();
    expect(names).toEqual([
      'airflow',
      'iceberg-catalog',
      'lakehouse',
      'minio',
      'observability',
      'trino',
    ]);
    for (const a of apps.items) {
      expect([a.metadata.name, a.status?.sync?.status, a.status?.health?.status]).toEqual([
        a.metadata.name,
        'Synced',
        'Healthy',
      ]);
      expect(a.spec.syncPolicy?.automated, a.metadata.name).toBeTruthy();
    }
    // Sync waves in the runbook's order: each wave's Application is created once the previous
    // one is Healthy (the Application health check bootstrap installs makes the root wait).
    const created = ['observability', 'minio', 'iceberg-catalog', 'trino', 'airflow'].map((n) =>
      Date.parse(apps.items.find((a) => a.metadata.name === n)?.metadata.creationTimestamp ?? ''),
    );
    expect([...created].sort((a, b) => a - b)).toEqual(created);
    expect(created[4]).toBeGreaterThan(created[0] ?? Infinity);
    const history = await lakehouse(['history', 'trino', '--env', ENV, '-o', 'json']);
    expect(history.code, explain(history)).toBe(0);
    const releases = JSON.parse(history.stdout) as {
      revision: number;
      status: string;
      action: string;
    }[];
    expect(releases.map((x) => [x.revision, x.action, x.status])).toEqual([
      [1, 'install', 'deployed'],
    ]);
  });

  it('the validation suite (run_tests.sh --env) passes against the bootstrapped cluster', async () => {
    const r = await execTool(
      process.execPath,
      [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'cluster'],
      {
        cwd: checkout,
        env: {
          ...process.env,
          KUBECONFIG: cluster.kubeconfig,
          LAKEHOUSE_E2E_ENV: ENV,
          LAKEHOUSE_HOME: join(scratch, 'home'),
        },
        timeoutMs: 900_000,
      },
    );
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+.*5 passed/);
  });

  it('status shows per component its pods, revision and ArgoCD sync and health', async () => {
    const r = await lakehouse(['status', '--env', ENV, '-o', 'json']);
    expect(r.code, explain(r)).toBe(0);
    const status = JSON.parse(r.stdout) as {
      component: string;
      pods: { ready: string }[];
      application?: { sync: string; health: string; paused: boolean };
      revision?: number;
    }[];
    const trino = status.find((s) => s.component === 'trino');
    expect(trino?.application).toMatchObject({ sync: 'Synced', health: 'Healthy', paused: false });
    expect(trino?.revision).toBe(1);
    expect(trino?.pods.length).toBe(2); // coordinator + 1 worker
    expect(trino?.pods.every((p) => p.ready === '1/1')).toBe(true);
    const table = await lakehouse(['status', '--env', ENV]);
    expect(table.stdout).toMatch(/trino\s*\|\s*1\s*\|.*Synced\/Healthy/);
  });

  it('upgrade --dry-run shows the rendered manifest diff and changes nothing', async () => {
    await editValues(['trino', 'version'], '477');
    const r = await lakehouse(['upgrade', 'trino', '--dry-run', '--env', ENV]);
    await sh('git', ['checkout', '--', `env/${ENV}/helm-values.yaml`], checkout);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/^-\s+image: "?trinodb\/trino:476"?$/m);
    expect(r.stdout).toMatch(/^\+\s+image: "?trinodb\/trino:477"?$/m);
    expect(r.stdout).toMatch(/Dry run: nothing changed/);
    expect(r.stdout).not.toMatch(/root-password: (?!"?\(generated\))/);
    const d = await deployment('trino-coordinator');
    expect(d.spec.template.spec.containers[0]?.image).toBe('trinodb/trino:476');
  });

  it('deploy installs a component with helm (the runbook’s helm install), adopting what ArgoCD applied', async () => {
    const r = await timed('deploy-minio', ['deploy', 'minio', '--env', ENV]);
    expect(r.code, explain(r)).toBe(0);
    const history = await cluster.helm(['history', 'minio', '-n', NS, '-o', 'json']);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ revision: 1, status: 'deployed' }),
    ]);
    const status = JSON.parse((await lakehouse(['status', '--env', ENV, '-o', 'json'])).stdout) as {
      component: string;
      helm?: { revision: number };
    }[];
    expect(status.find((s) => s.component === 'minio')?.helm?.revision).toBe(1);
    // Same values as git: ArgoCD still finds minio Synced.
    await until(
      'minio Synced',
      async () => (await application('minio')).status?.sync?.status === 'Synced',
      60_000,
    );
  });

  it('logs prints each pod of a component by label', async () => {
    const r = await lakehouse(['logs', 'trino', '--env', ENV, '--tail', '5']);
    expect(r.code, explain(r)).toBe(0);
    // kwok's pods have no containers, so no log lines: each pod still answers, named.
    expect(r.stdout).toMatch(/^\[trino-coordinator-[a-z0-9-]+\/trino\] /m);
    expect(r.stdout).toMatch(/^\[trino-worker-[a-z0-9-]+\/trino\] /m);
  });

  it('a values change committed and pushed is synced by ArgoCD and rolled out', async () => {
    await editValues(['icebergCatalog', 'resources', 'limits', 'memory'], '768Mi');
    await sh('git', ['commit', '-q', '-am', 'catalog: more memory'], checkout);
    await sh('git', ['push', '-q'], checkout);
    const sha = (await sh('git', ['rev-parse', 'HEAD'], checkout)).trim();
    const r = await timed('sync', ['sync', 'iceberg-catalog', '--env', ENV]);
    expect(r.code, explain(r)).toBe(0);
    const app = await application('iceberg-catalog');
    expect(app.status?.sync?.revision).toBe(sha);
    const d = await deployment('iceberg-catalog');
    expect(d.spec.template.spec.containers[0]?.resources?.limits?.['memory']).toBe('768Mi');
    expect(d.status.updatedReplicas).toBe(d.spec.replicas);
  });

  it('upgrade trino to an image no registry has: the gate fails, rolls back automatically; diagnose names the image', async () => {
    const before = await deployment('trino-coordinator');
    await editValues(['trino', 'version'], UNPULLABLE_IMAGE.tag);
    const upgradeStarted = Date.now();
    const upgrade = lakehouse(['upgrade', 'trino', '--env', ENV]);
    const bad = `${UNPULLABLE_IMAGE.repository}:${UNPULLABLE_IMAGE.tag}`;
    await until(
      'a trino pod in ImagePullBackOff',
      async () => {
        const pods = await kubectlJson<{
          items: {
            status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
          }[];
        }>(['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/instance=trino']);
        return pods.items.some((p) =>
          p.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'ImagePullBackOff'),
        );
      },
      120_000,
    );
    const diagnose = await lakehouse(['diagnose', 'trino', '--env', ENV, '-o', 'json']);
    const findings = (
      JSON.parse(diagnose.stdout) as {
        findings: { id: string; title: string; evidence: string[]; fix: string[] }[];
      }
    ).findings;
    const pull = findings.find((f) => f.id === 'pod-image-pull');
    expect(pull, diagnose.stdout).toBeDefined();
    expect(JSON.stringify(pull)).toContain(bad);
    expect(JSON.stringify(pull?.fix)).toMatch(/trino\.(version|image\.tag)/);

    const r = await upgrade;
    timings['upgrade-failed-and-rolled-back'] = Date.now() - upgradeStarted;
    expect(r.code, explain(r)).toBe(1);
    expect(r.stdout).toMatch(
      /✗ trino revision 2 failed: wait for health failed: .*ImagePullBackOff.*trinodb\/trino:999/,
    );
    expect(r.stdout).toMatch(/✔ rolled back automatically: revision 3 deployed/);
    expect(r.stderr).toMatch(/Argo CD auto-sync of trino is paused/);
    const after = await deployment('trino-coordinator');
    expect(after.spec.template.spec.containers[0]?.image).toBe(
      before.spec.template.spec.containers[0]?.image,
    );
    expect(after.status.availableReplicas).toBe(1);
    const history = JSON.parse(
      (await lakehouse(['history', 'trino', '--env', ENV, '-o', 'json'])).stdout,
    ) as { revision: number; status: string; action: string }[];
    expect(history.map((x) => [x.revision, x.action, x.status])).toEqual([
      [1, 'install', 'superseded'],
      [2, 'upgrade', 'failed'],
      [3, 'rollback', 'deployed'],
    ]);
    // The bad version was never pushed: git still says 476, so resuming auto-sync is safe.
    await sh('git', ['checkout', '--', `env/${ENV}/helm-values.yaml`], checkout);
    expect((await application('trino')).spec.syncPolicy?.automated).toBeFalsy();
    const resume = await lakehouse(['resume', 'trino', '--env', ENV]);
    expect(resume.code, explain(resume)).toBe(0);
    expect((await application('trino')).spec.syncPolicy?.automated).toBeTruthy();
  });

  it('emergency rollback switches auto-sync off first; status shows it paused; resume switches it back on and ArgoCD restores git', async () => {
    const r = await timed('emergency-rollback', [
      'rollback',
      'iceberg-catalog',
      '--emergency',
      '--env',
      ENV,
    ]);
    // iceberg-catalog has revision 1 only (the sync was ArgoCD's): rollback needs two.
    if (r.code !== 0 && /no earlier revision|only one/.test(r.stderr)) {
      throw new Error(`rollback refused: ${r.stderr}`);
    }
    expect(r.code, explain(r)).toBe(0);
    const app = await application('iceberg-catalog');
    expect(app.spec.syncPolicy?.automated).toBeFalsy();
    const status = await lakehouse(['status', '--env', ENV]);
    expect(status.stdout).toMatch(/⏸ iceberg-catalog: ArgoCD auto-sync PAUSED/);
    const resumed = await lakehouse(['resume', 'iceberg-catalog', '--env', ENV]);
    expect(resumed.code, explain(resumed)).toBe(0);
    expect((await application('iceberg-catalog')).spec.syncPolicy?.automated).toBeTruthy();
  });

  it('rollback --git reverts the commit, pushes, and ArgoCD syncs it', async () => {
    const commit = (
      await sh('git', ['log', '--format=%H', '-1', '--grep', 'catalog: more memory'], checkout)
    ).trim();
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const r = await timed('rollback-git', ['rollback', '--git', commit, '--env', ENV]);
    expect(r.code, explain(r)).toBe(0);
    await sh('git', ['fetch', '-q'], checkout);
    const head = (await sh('git', ['rev-parse', 'origin/main'], checkout)).trim();
    expect(await sh('git', ['log', '-1', '--format=%s', head], checkout)).toMatch(
      /^Revert "catalog: more memory"/,
    );
    expect((await application('iceberg-catalog')).status?.sync?.revision).toBe(head);
    const d = await deployment('iceberg-catalog');
    expect(d.spec.template.spec.containers[0]?.resources?.limits?.['memory']).toBe('512Mi');
  });

  it('scale trino workers 1 → 3 → 1 goes through git, so ArgoCD keeps it', async () => {
    for (const workers of [3, 1]) {
      const r = await timed(`scale-${workers}`, [
        'scale',
        'trino',
        '--workers',
        String(workers),
        '--env',
        ENV,
      ]);
      expect(r.code, explain(r)).toBe(0);
      const d = await deployment('trino-worker');
      expect(d.spec.replicas).toBe(workers);
      expect(d.status.availableReplicas ?? 0).toBe(workers);
      const log = await sh('git', ['log', '-1', '--format=%s', 'origin/main'], checkout);
      expect(log).toMatch(new RegExp(`scale to ${workers} workers`));
      const app = await application('trino');
      expect(app.spec.syncPolicy?.automated).toBeTruthy();
      expect(app.status?.sync?.status).toBe('Synced');
    }
  });

  it('secrets rotate minio updates the Secret and restarts its holders in the runbook order', async () => {
    type Secret = { data: Record<string, string> };
    const before = await kubectlJson<Secret>(['get', 'secret', 'minio-credentials', '-n', NS]);
    const r = await timed('rotate-minio', ['secrets', 'rotate', 'minio', '--env', ENV]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(
      /restarts minio, iceberg-catalog, trino, observability, in this order/,
    );
    const after = await kubectlJson<Secret>(['get', 'secret', 'minio-credentials', '-n', NS]);
    expect(after.data['root-password']).not.toBe(before.data['root-password']);
    // Never printed: neither the old nor the new password appears in the output.
    for (const secret of [before, after]) {
      const password = Buffer.from(secret.data['root-password'] ?? '', 'base64').toString();
      expect(password.length).toBeGreaterThan(0);
      expect(r.stdout + r.stderr).not.toContain(password);
    }
    const restartedAt = async (kind: string, name: string): Promise<number> => {
      const w = await kubectlJson<Deployment>(['get', kind, name, '-n', NS]);
      return Date.parse(
        w.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '',
      );
    };
    const order = [
      await restartedAt('statefulset', 'minio'),
      await restartedAt('deployment', 'iceberg-catalog'),
      await restartedAt('deployment', 'trino-coordinator'),
      await restartedAt('statefulset', 'prometheus'),
    ];
    expect(order.every((t) => Number.isFinite(t))).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it('diagnose names pods kwok drives into CrashLoopBackOff, OOMKilled and Pending, each with the runbook’s fix', async () => {
    const patch = async (name: string, body: unknown): Promise<void> => {
      const r = await cluster.kubectl([
        'patch',
        'deployment',
        name,
        '-n',
        NS,
        '--type',
        'strategic',
        '-p',
        JSON.stringify(body),
      ]);
      if (r.code !== 0) throw new Error(r.stderr);
    };
    const state = (s: string) => ({
      spec: { template: { metadata: { annotations: { 'lakehouse.test/state': s } } } },
    });
    await patch('iceberg-catalog', state('CrashLoopBackOff'));
    await patch('trino-worker', state('OOMKilled'));
    // A node selector no node has: the scheduler's own reason, as for a cluster out of room.
    await patch('grafana', {
      spec: { template: { spec: { nodeSelector: { 'lakehouse.test/pool': 'none' } } } },
    });
    // A rotation whose command died after MinIO took the new credentials (a dead pid on this host).
    const journal = {
      version: 1,
      set: 'minio',
      startedAt: new Date().toISOString(),
      holders: ['minio', 'iceberg-catalog', 'trino', 'observability'],
      restarted: ['minio'],
      host: hostname(),
      pid: 2 ** 22 + 1,
    };
    const cm = await cluster.kubectl([
      'patch',
      'configmap',
      'lakehouse-releases',
      '-n',
      NS,
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { rotation: JSON.stringify(journal) } }),
    ]);
    expect(cm.code, cm.stderr).toBe(0);
    type Finding = {
      id: string;
      severity: string;
      component?: string;
      title: string;
      evidence: string[];
      fix: string[];
    };
    let findings: Finding[] = [];
    let last: Run | undefined;
    await until(
      'the three failures in diagnose',
      async () => {
        last = await lakehouse(['diagnose', '--env', ENV, '-o', 'json']);
        findings = (JSON.parse(last.stdout) as { findings: Finding[] }).findings;
        const ids = findings.map((f) => f.id);
        return (
          ids.includes('pod-crashloop') &&
          ids.includes('pod-oomkilled') &&
          ids.includes('pod-unschedulable') &&
          ids.includes('rotation-interrupted')
        );
      },
      120_000,
    );
    expect(last?.code).toBe(1);
    const text = (id: string): string => JSON.stringify(findings.filter((f) => f.id === id));
    expect(text('pod-crashloop')).toMatch(/iceberg-catalog/);
    expect(text('pod-crashloop')).toMatch(/kubectl logs .* --previous/);
    expect(text('pod-oomkilled')).toMatch(/trino-worker/);
    expect(text('pod-oomkilled')).toMatch(/trino\.workers\.resources\.limits\.memory/);
    expect(text('pod-unschedulable')).toMatch(/grafana/);
    expect(text('pod-unschedulable')).toMatch(/node selector|node affinity|didn't match/i);
    const human = await lakehouse(['diagnose', '--env', ENV]);
    expect(human.stdout).toMatch(/CrashLoopBackOff/);
    expect(text('rotation-interrupted')).toMatch(/lakehouse secrets rotate minio/);
    await cluster.kubectl([
      'patch',
      'configmap',
      'lakehouse-releases',
      '-n',
      NS,
      '--type',
      'json',
      '-p',
      JSON.stringify([{ op: 'remove', path: '/data/rotation' }]),
    ]);
  });

  it('rollback --undo (kubectl rollout undo) puts the crashlooping catalog back on its previous pod template, kept from ArgoCD', async () => {
    const r = await timed('rollout-undo', ['rollback', 'iceberg-catalog', '--undo', '--env', ENV]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/ArgoCD auto-sync PAUSED/);
    const d = await deployment('iceberg-catalog');
    expect(d.spec.template.metadata.annotations?.['lakehouse.test/state']).toBeUndefined();
    expect(d.status.availableReplicas).toBe(d.spec.replicas);
    expect((await application('iceberg-catalog')).spec.syncPolicy?.automated).toBeFalsy();
    const resumed = await lakehouse(['resume', 'iceberg-catalog', '--env', ENV]);
    expect(resumed.code, explain(resumed)).toBe(0);
  });

  it('cleanup removes everything bootstrap made', async () => {
    // The runbook's script, from the operator's clone: without a terminal it refuses until --yes.
    const script = join(checkout, 'scripts', 'cleanup.sh');
    const env = {
      ...process.env,
      KUBECONFIG: cluster.kubeconfig,
      LAKEHOUSE_HOME: join(scratch, 'home'),
    };
    const refused = await execTool('bash', [script, ENV], {
      cwd: checkout,
      env,
      timeoutMs: 300_000,
    });
    expect(refused.code, explain(refused)).toBe(1);
    expect(refused.stderr).toMatch(/needs confirmation.*nothing was changed/);
    expect((await cluster.kubectl(['get', 'ns', 'argocd'])).code).toBe(0);
    const started = Date.now();
    const r = await execTool('bash', [script, ENV, '--yes'], {
      cwd: checkout,
      env,
      timeoutMs: 900_000,
    });
    timings['cleanup'] = Date.now() - started;
    expect(r.code, explain(r)).toBe(0);
    const ns = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
      'get',
      'namespaces',
    ]);
    expect(ns.items.map((n) => n.metadata.name)).not.toContain('argocd');
    expect(ns.items.map((n) => n.metadata.name)).not.toContain(NS);
    const crds = await kubectlJson<{ items: { metadata: { name: string } }[] }>(['get', 'crd']);
    expect(crds.items.filter((c) => c.metadata.name.endsWith('argoproj.io'))).toEqual([]);
    const roles = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
      'get',
      'clusterroles',
    ]);
    expect(roles.items.filter((c) => c.metadata.name.startsWith('argocd'))).toEqual([]);
  });
});
