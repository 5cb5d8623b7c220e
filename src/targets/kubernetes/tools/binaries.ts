import { join } from 'node:path';
import type { GoBuild } from '../../../platform/install/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';

const k8s = versions.kubernetes;

/** The binaries `ensureKubernetesTools` builds, by the name `KubernetesTools` gives them. */
export type KubernetesBinary =
  | 'kubeApiserver'
  | 'kubeControllerManager'
  | 'kubeScheduler'
  | 'kubectl'
  | 'etcd'
  | 'kwok'
  | 'kwokctl'
  | 'helm'
  | 'kubeconform';

/**
 * The version every Kubernetes binary reports: without these ldflags it says v0.0.0-master, and
 * kubectl and helm then refuse or misjudge the server.
 */
function kubernetesLdflags(): string {
  const [major, minor] = k8s.version.replace(/^v/, '').split('.');
  return [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${k8s.version}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ].join(' ');
}

/**
 * helm v3 otherwise reports v3.21 and assumes Kubernetes v1.20 for `.Capabilities.KubeVersion`
 * (lint and template), which fails charts with `kubeVersion: >=1.28.0-0`.
 */
function helmLdflags(): string {
  const [major, minor] = k8s.version.replace(/^v/, '').split('.');
  return [
    '-s -w',
    `-X helm.sh/helm/v3/internal/version.version=${k8s.helm}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${major}`,
    `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${major}`,
    `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}`,
  ].join(' ');
}

/**
 * How each binary is built. The flags are exactly the ones the CI machine's warm-up used: the Go
 * build cache keys on them, so identical flags turn a 40-minute compile into a link.
 */
export function kubernetesBuilds(cacheDir: string): Record<KubernetesBinary, GoBuild> {
  const bin = (folder: string, version: string, name: string): string =>
    join(cacheDir, folder, version, 'bin', name);
  const kube = (name: string, label: string, coldEstimate: string): GoBuild => ({
    label,
    name,
    version: k8s.version,
    binary: bin('kubernetes', k8s.version, name),
    minGo: [1, 26],
    coldEstimate,
    step: `go build k8s.io/kubernetes/cmd/${name} (in tools/kubernetes)`,
    cwd: join(repoRoot, 'tools', 'kubernetes'),
    goArgs: (out) => [
      'build',
      '-trimpath',
      '-ldflags',
      kubernetesLdflags(),
      '-o',
      join(out, name),
      `k8s.io/kubernetes/cmd/${name}`,
    ],
    versionArgs: name === 'kubectl' ? ['version', '--client'] : ['--version'],
    expectVersion: k8s.version,
  });
  const goInstall = (
    name: string,
    label: string,
    folder: string,
    version: string,
    pkg: string,
    ldflags: string,
    coldEstimate: string,
  ): GoBuild => ({
    label,
    name,
    version,
    binary: bin(folder, version, name),
    minGo: [1, 24],
    coldEstimate,
    step: `go install ${pkg}@${version}`,
    goArgs: () => ['install', '-trimpath', '-ldflags', ldflags, `${pkg}@${version}`],
  });
  return {
    kubeApiserver: kube('kube-apiserver', 'kube-apiserver', '~6-40 min'),
    kubeControllerManager: kube('kube-controller-manager', 'kube-controller-manager', '~2-8 min'),
    kubeScheduler: kube('kube-scheduler', 'kube-scheduler', '~1 min'),
    kubectl: kube('kubectl', 'kubectl', '~1-2 min'),
    etcd: {
      label: 'etcd',
      name: 'etcd',
      version: k8s.etcd,
      binary: bin('etcd', k8s.etcd, 'etcd'),
      minGo: [1, 26],
      coldEstimate: '~1-4 min',
      step: 'go build go.etcd.io/etcd/server/v3 (in tools/etcd)',
      cwd: join(repoRoot, 'tools', 'etcd'),
      goArgs: (out) => [
        'build',
        '-trimpath',
        '-ldflags',
        '-s -w',
        '-o',
        join(out, 'etcd'),
        'go.etcd.io/etcd/server/v3',
      ],
      expectVersion: k8s.etcd.replace(/^v/, ''),
    },
    kwok: {
      ...goInstall(
        'kwok',
        'kwok',
        'kwok',
        k8s.kwok,
        'sigs.k8s.io/kwok/cmd/kwok',
        '-s -w',
        '~3-11 min',
      ),
      expectVersion: k8s.kwok,
    },
    kwokctl: {
      ...goInstall(
        'kwokctl',
        'kwokctl',
        'kwok',
        k8s.kwok,
        'sigs.k8s.io/kwok/cmd/kwokctl',
        '-s -w',
        '~1 min after kwok',
      ),
      expectVersion: k8s.kwok,
    },
    helm: {
      ...goInstall(
        'helm',
        'helm',
        'helm',
        k8s.helm,
        'helm.sh/helm/v3/cmd/helm',
        helmLdflags(),
        '~2-11 min',
      ),
      versionArgs: ['version', '--short'],
      expectVersion: k8s.helm,
    },
    // It prints "development" as its version (no ldflags for it in the pinned build), so the
    // check only proves it runs.
    kubeconform: {
      ...goInstall(
        'kubeconform',
        'kubeconform',
        'kubeconform',
        k8s.kubeconform,
        'github.com/yannh/kubeconform/cmd/kubeconform',
        '-s -w',
        '~30 s',
      ),
      versionArgs: ['-v'],
    },
  };
}
