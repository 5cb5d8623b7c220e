import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { findFreePort } from '../../src/lib/index.js';
import type { ArgocdTools } from '../../src/targets/kubernetes/tools/index.js';
import type { TestCluster } from './kube-cluster.js';
import { until } from './until.js';

export interface ArgocdRuntime {
  /** Resolves once the controllers run (after bootstrap installed Argo CD's CRDs). */
  started: Promise<void>;
  /** The tail of each process's log, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

interface KubeconfigFile {
  clusters: {
    cluster: {
      server: string;
      'certificate-authority-data'?: string;
      'certificate-authority'?: string;
    };
  }[];
  users: {
    user: {
      'client-certificate-data'?: string;
      'client-certificate'?: string;
      'client-key-data'?: string;
      'client-key'?: string;
    };
  }[];
}

/** base64 of a kubeconfig field given inline (`*-data`) or as a file path. */
function b64(data: string | undefined, file: string | undefined, base: string): string {
  if (data) return data;
  if (!file) throw new Error('the kubeconfig has neither inline data nor a file for a credential');
  return readFileSync(file.startsWith('/') ? file : join(base, file)).toString('base64');
}

/**
 * The cluster as Argo CD's out-of-cluster controller knows it: a cluster Secret with the API
 * server's URL and the admin client certificate (what `argocd cluster add` writes).
 */
async function clusterSecret(kubeconfig: string): Promise<string> {
  const kc = parse(await readFile(kubeconfig, 'utf8')) as KubeconfigFile;
  const cluster = kc.clusters[0]?.cluster;
  const user = kc.users[0]?.user;
  if (!cluster || !user) throw new Error(`${kubeconfig} has no cluster or user`);
  const base = dirname(kubeconfig);
  const config = {
    tlsClientConfig: {
      caData: b64(cluster['certificate-authority-data'], cluster['certificate-authority'], base),
      certData: b64(user['client-certificate-data'], user['client-certificate'], base),
      keyData: b64(user['client-key-data'], user['client-key'], base),
    },
  };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'cluster-test-apiserver',
      namespace: 'argocd',
      labels: { 'argocd.argoproj.io/secret-type': 'cluster' },
    },
    stringData: { name: 'test', server: cluster.server, config: JSON.stringify(config) },
  });
}

/**
 * Argo CD's application controller and repo-server (and a Redis) as processes on loopback,
 * pointed at the test cluster — the parts of Argo CD that do the work, which kwok cannot run as
 * pods. They start once Argo CD's CRDs and namespace exist (bootstrap's install-argocd.sh makes
 * them: the in-cluster Argo CD pods are kwok's fakes), so the test drives the real bootstrap.
 */
export function startArgocdWhenInstalled(opts: {
  cluster: TestCluster;
  tools: ArgocdTools;
  /** helm for the repo-server's renders. */
  helm: string;
  workDir: string;
}): ArgocdRuntime {
  const children: ChildProcess[] = [];
  const logFiles: string[] = [];
  let stopped = false;
  const start = async (name: string, command: string, args: string[], env: NodeJS.ProcessEnv) => {
    const log = join(opts.workDir, `${name}.log`);
    logFiles.push(log);
    const fd = openSync(log, 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', fd, fd], detached: true });
    children.push(child);
  };
  const started = (async () => {
    await mkdir(join(opts.workDir, 'tmp'), { recursive: true });
    await until(
      "Argo CD's CRDs and namespace (bootstrap installs them)",
      async () => {
        if (stopped) throw new Error('stopped before Argo CD was installed');
        const crd = await opts.cluster.kubectl([
          'get',
          'crd',
          'applications.argoproj.io',
          '-o',
          'name',
        ]);
        const ns = await opts.cluster.kubectl([
          'get',
          'configmap',
          'argocd-cm',
          '-n',
          'argocd',
          '-o',
          'name',
        ]);
        return crd.code === 0 && ns.code === 0;
      },
      900_000,
    );
    const applied = await opts.cluster.kubectl(['apply', '-f', '-'], {
      input: await clusterSecret(opts.cluster.kubeconfig),
    });
    if (applied.code !== 0) throw new Error(`cluster Secret: ${applied.stderr}`);
    const redis = `127.0.0.1:${await findFreePort()}`;
    const repoPort = await findFreePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${opts.tools.binDir}:${dirname(opts.helm)}:${process.env.PATH ?? ''}`,
      ARGOCD_GPG_ENABLED: 'false',
      TMPDIR: join(opts.workDir, 'tmp'),
      KUBECONFIG: opts.cluster.kubeconfig,
    };
    await start('miniredis', opts.tools.miniredis, [redis], env);
    await start(
      'repo-server',
      opts.tools.repoServer,
      [
        '--address',
        '127.0.0.1',
        '--port',
        String(repoPort),
        '--metrics-address',
        '127.0.0.1',
        '--metrics-port',
        String(await findFreePort()),
        '--disable-tls',
        '--client-ca-path=',
        '--redis',
        redis,
      ],
      env,
    );
    await start(
      'application-controller',
      opts.tools.applicationController,
      [
        '--kubeconfig',
        opts.cluster.kubeconfig,
        '--namespace',
        'argocd',
        '--redis',
        redis,
        '--repo-server',
        `127.0.0.1:${repoPort}`,
        '--repo-server-plaintext',
        '--metrics-port',
        String(await findFreePort()),
        '--app-resync',
        '20',
      ],
      env,
    );
  })();
  started.catch(() => undefined);
  return {
    started,
    logs: () =>
      logFiles
        .map((f) => {
          const text = readFileSync(f, 'utf8').split('\n').slice(-15).join('\n');
          return `--- ${f} ---\n${text}`;
        })
        .join('\n'),
    async stop() {
      stopped = true;
      for (const c of children) {
        try {
          if (c.pid) process.kill(-c.pid, 'SIGKILL');
        } catch {
          // Exited already.
        }
      }
    },
  };
}
