import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/lib/index.js';
import { execTool, type ExecResult } from '../../src/targets/kubernetes/cluster/index.js';
import { versions } from '../../src/platform/versions.js';
import type { KubernetesTools } from '../../src/targets/kubernetes/tools/index.js';
import { until } from './until.js';

/** kwok's Stages for the test cluster: Ready nodes, Ready pods, and states tests ask for. */
export const KWOK_STAGES_DIR = join(import.meta.dirname, 'kwok-stages');

/** The pod annotation that picks a state from kwok-stages/pod-states.yaml. */
export const POD_STATE_ANNOTATION = 'lakehouse.test/state';
export type PodState =
  'Running' | 'CrashLoopBackOff' | 'ImagePullBackOff' | 'OOMKilled' | 'Pending';

/** The fake node's name: one node, no taints, plenty of room. */
export const NODE_NAME = 'kwok-node-0';

/** An image no registry has: kwok-stages turn its pods into ImagePullBackOff. */
export const UNPULLABLE_IMAGE = { repository: 'trinodb/trino', tag: '999' } as const;

export type { ExecResult };

export interface ExecOptions {
  /** Written to the command's stdin (a manifest for `apply -f -`). */
  input?: string;
  timeoutMs?: number;
}

export interface ClusterProcess {
  pid: number;
  /** The executable's base name: etcd, kube-apiserver, kwok, … */
  name: string;
  rssMiB: number;
}

export interface ListeningSocket {
  pid: number;
  name: string;
  /** IPv4 dotted quad or IPv6 in /proc's hex notation, e.g. 127.0.0.1, 0.0.0.0, ::. */
  address: string;
  port: number;
}

export interface TestCluster {
  /** The admin kubeconfig (client certificate, server on 127.0.0.1). */
  kubeconfig: string;
  /** The apiserver's URL: https://127.0.0.1:<port>. */
  server: string;
  /** How long `startTestCluster` took, until a node was Ready. */
  startupMs: number;
  kubectl(args: string[], opts?: ExecOptions): Promise<ExecResult>;
  helm(args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Creates a namespace with a unique name and waits until pods can be created in it. */
  createNamespace(prefix?: string): Promise<string>;
  deleteNamespace(name: string): Promise<void>;
  /** The control plane's processes (found by the cluster's directory in their command line). */
  processes(): ClusterProcess[];
  /** The TCP sockets the control plane listens on. */
  listening(): ListeningSocket[];
  /** Stops every process of the cluster and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  tools: KubernetesTools;
  /** Extra kwok Stage files (YAML) beside the ones in kwok-stages/. */
  extraStages?: string[];
  /**
   * kwok configuration kinds served as custom resources (e.g. `ClusterPortForward`,
   * `ClusterExec`): a test then says where a fake pod's port-forward or exec goes.
   */
  enableCrds?: string[];
}

/**
 * A real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) with kwok
 * faking one node and its pods, started by kwokctl's binary runtime from the locally built
 * binaries. Everything binds 127.0.0.1 on free ports below the ephemeral range, and lives in a
 * temporary directory that `stop()` removes.
 *
 * kwokctl's default bind address is 0.0.0.0; its configuration's `options.bindAddress` moves
 * every component to loopback. Its processes run in their own sessions (setsid), so `stop()` asks
 * kwokctl to delete the cluster and then kills whatever still runs from the cluster's directory.
 */
export async function startTestCluster(opts: StartOptions): Promise<TestCluster> {
  const started = Date.now();
  const { tools } = opts;
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-kube-'));
  const name = `lh-${Date.now().toString(36)}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KWOK_WORKDIR: join(dir, 'kwok'),
    // Helm keeps repositories, plugins and caches here instead of the user's home.
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
  };
  const clusterDir = join(dir, 'kwok', 'clusters', name);
  const kubeconfig = join(clusterDir, 'kubeconfig.yaml');
  const exec = (command: string, args: string[], o: ExecOptions = {}): Promise<ExecResult> =>
    execTool(command, args, { ...o, timeoutMs: o.timeoutMs ?? 60_000, env, cwd: dir });

  let stopped = false;
  const processes = (): ClusterProcess[] => clusterProcesses(dir);
  const killLeftovers = (): void => {
    for (const p of processes()) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Exited in between.
      }
    }
  };
  // A test run that dies without calling stop() must not leave a control plane behind.
  const onExit = (): void => killLeftovers();
  process.once('exit', onExit);

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await exec(tools.kwokctl, ['delete', 'cluster', '--name', name], { timeoutMs: 60_000 }).catch(
      () => undefined,
    );
    // kwokctl stops its components with SIGTERM and waits a while; whatever it missed goes now.
    await until('the cluster processes to exit', () => processes().length === 0, 10_000).catch(
      () => undefined,
    );
    killLeftovers();
    await until('the cluster processes to exit', () => processes().length === 0, 10_000);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const config = join(dir, 'kwokctl.yaml');
    await writeFile(config, await kwokctlConfig(tools, dir, opts.enableCrds ?? []));
    const stages = [
      ...['node.yaml', 'pod-fast.yaml', 'pod-states.yaml'].map((f) => join(KWOK_STAGES_DIR, f)),
      ...(opts.extraStages ?? []),
    ];
    const create = await exec(
      tools.kwokctl,
      [
        ...[config, ...stages].flatMap((c) => ['--config', c]),
        'create',
        'cluster',
        '--name',
        name,
        '--runtime',
        'binary',
        '--wait',
        '90s',
      ],
      { timeoutMs: 180_000 },
    );
    if (create.code !== 0) {
      throw new Error(`kwokctl create cluster failed (${create.code}):\n${create.stderr}`);
    }
    const server = /server:\s*(\S+)/.exec(await readFile(kubeconfig, 'utf8'))?.[1] ?? '';
    const kubectl = (args: string[], o?: ExecOptions): Promise<ExecResult> =>
      exec(tools.kubectl, ['--kubeconfig', kubeconfig, ...args], o);
    const node = await kubectl(['apply', '-f', '-'], { input: nodeManifest() });
    if (node.code !== 0) throw new Error(`could not create the fake node: ${node.stderr}`);
    const ready = await kubectl(
      ['wait', '--for=condition=Ready', `node/${NODE_NAME}`, '--timeout=60s'],
      { timeoutMs: 70_000 },
    );
    if (ready.code !== 0) throw new Error(`the fake node did not become Ready: ${ready.stderr}`);

    let namespaces = 0;
    return {
      kubeconfig,
      server,
      startupMs: Date.now() - started,
      kubectl,
      helm: (args, o) => exec(tools.helm, ['--kubeconfig', kubeconfig, ...args], o),
      async createNamespace(prefix = 'test') {
        const ns = `${prefix}-${(namespaces++).toString()}-${Math.random().toString(36).slice(2, 7)}`;
        const r = await kubectl(['create', 'namespace', ns]);
        if (r.code !== 0) throw new Error(`kubectl create namespace ${ns}: ${r.stderr}`);
        // Pods are refused until the controller-manager has made the namespace's default
        // ServiceAccount.
        await until(`the default ServiceAccount in ${ns}`, async () => {
          const sa = await kubectl(['get', 'serviceaccount', 'default', '-n', ns, '-o', 'name']);
          return sa.code === 0;
        });
        return ns;
      },
      async deleteNamespace(ns) {
        await kubectl(['delete', 'namespace', ns, '--wait=false']);
      },
      processes,
      listening: () => listeningSockets(processes()),
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/**
 * kwokctl's configuration: every component from the local build, on loopback, on ports picked
 * below the ephemeral range (kwokctl's own picks can collide with outgoing connections).
 */
async function kwokctlConfig(
  tools: KubernetesTools,
  dir: string,
  enableCrds: string[],
): Promise<string> {
  const port = async (): Promise<number> => findFreePort();
  const options = {
    runtime: 'binary',
    bindAddress: '127.0.0.1',
    kubeVersion: versions.kubernetes.version,
    kwokVersion: versions.kubernetes.kwok,
    etcdVersion: versions.kubernetes.etcd,
    cacheDir: join(dir, 'kwok-cache'),
    kubeApiserverPort: await port(),
    etcdPort: await port(),
    etcdPeerPort: await port(),
    kubeControllerManagerPort: await port(),
    kubeSchedulerPort: await port(),
    kwokControllerPort: await port(),
    kubeApiserverBinary: tools.kubeApiserver,
    kubeControllerManagerBinary: tools.kubeControllerManager,
    kubeSchedulerBinary: tools.kubeScheduler,
    kubectlBinary: tools.kubectl,
    etcdBinary: tools.etcd,
    kwokControllerBinary: tools.kwok,
    ...(enableCrds.length > 0 ? { enableCRDs: enableCrds } : {}),
  };
  // JSON is YAML; kwokctl reads both.
  return JSON.stringify({
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options,
    componentsPatches: [
      {
        name: 'kube-apiserver',
        // Left alone, the apiserver advertises the address of the host's default route in the
        // `kubernetes` Service, and fails to start on a machine without one. Advertising loopback
        // needs the endpoint reconciler off ("may not be in the loopback range").
        extraArgs: [
          { key: 'advertise-address', value: '127.0.0.1' },
          { key: 'endpoint-reconciler-type', value: 'none' },
        ],
      },
    ],
  });
}

function nodeManifest(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE_NAME,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    status: {
      allocatable: { cpu: '64', memory: '256Gi', pods: '500' },
      capacity: { cpu: '64', memory: '256Gi', pods: '500' },
    },
  });
}

/**
 * Processes whose working directory or command line is inside `dir`: kwokctl starts every
 * component in the cluster's directory, so this finds them without trusting pid files.
 */
function clusterProcesses(dir: string): ClusterProcess[] {
  const found: ClusterProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const ours = cwd.startsWith(dir) || cmdline.slice(1).some((a) => a.includes(dir));
      if (!ours) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue; // A zombie holds no memory and no ports.
      const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const exe = cmdline[0] ?? '';
      found.push({ pid, name: exe.slice(exe.lastIndexOf('/') + 1), rssMiB: rssKiB / 1024 });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/**
 * The listening TCP sockets of `procs`, from /proc/net/tcp{,6} and each process's fds (no `ss` or
 * `lsof` needed).
 */
function listeningSockets(procs: ClusterProcess[]): ListeningSocket[] {
  const byInode = new Map<string, { address: string; port: number }>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A' || !f[1] || !f[9]) continue; // 0A: LISTEN
      const [hex = '', portHex = '0'] = f[1].split(':');
      byInode.set(f[9], { address: decodeAddress(hex), port: parseInt(portHex, 16) });
    }
  }
  const out: ListeningSocket[] = [];
  for (const p of procs) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${p.pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p.pid}/fd/${fd}`))?.[1];
        const socket = inode ? byInode.get(inode) : undefined;
        if (socket) out.push({ pid: p.pid, name: p.name, ...socket });
      } catch {
        // Closed in between.
      }
    }
  }
  return out;
}

/** /proc/net/tcp's little-endian hex IPv4 ("0100007F" → 127.0.0.1); IPv6 as "::" or hex. */
function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  }
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return decodeAddress(hex.slice(24));
  return hex;
}

/**
 * PersistentVolumes for the claims charts make: the test cluster has no provisioner, so a test
 * creates `count` of them up front (never mounted: kwok's pods do not run).
 */
export function persistentVolumes(prefix: string, count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${prefix}-pv-${i}` },
      spec: {
        capacity: { storage: '100Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        hostPath: { path: `/nonexistent/${prefix}-pv-${i}` },
      },
    }),
  ).join('\n---\n');
}

/**
 * `helm install` of each chart of `platform/` into `namespace`, in the order given, with env
 * dev's values and then `overrides` (a values file), waiting for each (kwok's pods are Ready at
 * once).
 */
export async function installCharts(
  cluster: TestCluster,
  namespace: string,
  charts: readonly string[],
  overrides: string,
): Promise<void> {
  const repoRoot = join(import.meta.dirname, '..', '..');
  for (const chart of charts) {
    const r = await cluster.helm(
      [
        'install',
        chart,
        join(repoRoot, 'platform', chart),
        '-n',
        namespace,
        '-f',
        join(repoRoot, 'env', 'dev', 'helm-values.yaml'),
        '-f',
        overrides,
        '--wait',
        '--timeout',
        '3m',
      ],
      { timeoutMs: 200_000 },
    );
    if (r.code !== 0) throw new Error(`helm install ${chart} failed:\n${r.stderr}`);
  }
}
