import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ensureGoBuild, InstallError, type GoBuild } from '../../../src/platform/install/index.js';
import { versions } from '../../../src/platform/versions.js';
import {
  fixKubernetesSchema,
  kubeconformSchemaLocations,
} from '../../../src/targets/kubernetes/tools/index.js';

const tools = inject('kubernetesTools');
const run = promisify(execFile);
const scratch = await mkdtemp(join(tmpdir(), 'lakehouse-k8s-tools-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function exec(
  command: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(command, args, { cwd: scratch, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('ensureKubernetesTools', () => {
  it('gives every binary at its pinned version', async () => {
    const k8s = versions.kubernetes;
    const version = async (bin: string, args: string[]): Promise<string> => {
      const r = await exec(bin, args);
      expect(r.code, `${bin} ${args.join(' ')}: ${r.stderr}`).toBe(0);
      return r.stdout + r.stderr;
    };
    expect(await version(tools.kubeApiserver, ['--version'])).toContain(
      `Kubernetes ${k8s.version}`,
    );
    expect(await version(tools.kubeControllerManager, ['--version'])).toContain(k8s.version);
    expect(await version(tools.kubeScheduler, ['--version'])).toContain(k8s.version);
    expect(await version(tools.kubectl, ['version', '--client'])).toContain(k8s.version);
    expect(await version(tools.etcd, ['--version'])).toContain(k8s.etcd.slice(1));
    expect(await version(tools.kwok, ['--version'])).toContain(k8s.kwok);
    expect(await version(tools.kwokctl, ['--version'])).toContain(k8s.kwok);
    expect(await version(tools.helm, ['version', '--short'])).toContain(k8s.helm);
    expect((await exec(tools.kubeconform, ['-v'])).code).toBe(0);
  });

  it('builds helm so that charts see the pinned Kubernetes version, not v1.20', async () => {
    const chart = join(scratch, 'caps');
    await exec(tools.helm, ['create', chart]);
    await writeFile(
      join(chart, 'templates', 'caps.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n',
    );
    const r = await exec(tools.helm, [
      'template',
      'caps',
      chart,
      '--show-only',
      'templates/caps.yaml',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kube: "v1\.37\.\d+"/);
  });

  it('validates manifests offline with kubeconform: Kubernetes kinds and Argo CD Applications', async () => {
    const good = join(scratch, 'good.yaml');
    const bad = join(scratch, 'bad.yaml');
    await writeFile(
      good,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web}',
        'spec:',
        '  replicas: 2',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec: {containers: [{name: web, image: nginx}]}',
        '---',
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata: {name: minio, namespace: argocd}',
        'spec:',
        '  project: default',
        '  source: {repoURL: "https://example.invalid/repo.git", path: platform/minio, targetRevision: main}',
        '  destination: {server: "https://kubernetes.default.svc", namespace: lakehouse-platform}',
        '  syncPolicy: {automated: {prune: true, selfHeal: true}}',
        '',
      ].join('\n'),
    );
    await writeFile(
      bad,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web}',
        'spec:',
        '  replicas: "two"',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec: {containers: [{name: web, image: nginx, imagePullPolicyy: Always}]}',
        '---',
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        'metadata: {name: minio, namespace: argocd}',
        'spec:',
        '  project: default',
        '  source: {repoURL: "https://example.invalid/repo.git", pathh: platform/minio}',
        '  destination: {server: "https://kubernetes.default.svc"}',
        '',
      ].join('\n'),
    );
    const args = ['-strict', '-summary', ...kubeconformSchemaLocations(tools.schemas)];
    const ok = await exec(tools.kubeconform, [...args, good]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Valid: 2, Invalid: 0, Errors: 0');

    const ko = await exec(tools.kubeconform, [...args, bad]);
    expect(ko.code).not.toBe(0);
    expect(ko.stdout).toContain('Valid: 0, Invalid: 2, Errors: 0');
    expect(ko.stdout).toMatch(
      /replicas.*got string, want null or integer|replicas.*expected integer/,
    );
    expect(ko.stdout).toMatch(/additional properties 'imagePullPolicyy' not allowed/);
    expect(ko.stdout).toMatch(/additional properties 'pathh' not allowed/);
  });

  it('ships schemas that resolve offline: no $id, refs relative to the schema file', async () => {
    expect(await readdir(tools.schemas.kubernetes)).toEqual(
      expect.arrayContaining(['deployment-apps-v1.json', 'service-v1.json', '_definitions.json']),
    );
    expect(
      fixKubernetesSchema({
        $id: 'https://kubernetes.io/api/deployment/apps/v1',
        properties: {
          spec: { $ref: '/api/_definitions.json#/$defs/io.k8s.api.apps.v1.DeploymentSpec' },
        },
      }),
    ).toEqual({
      properties: { spec: { $ref: '_definitions.json#/$defs/io.k8s.api.apps.v1.DeploymentSpec' } },
    });
  });
});

describe('ensureGoBuild', () => {
  /** A one-file program that prints `version`, built like the Kubernetes tools are. */
  async function program(version: string, source?: string): Promise<GoBuild> {
    const dir = join(scratch, `prog-${version}`);
    await rm(dir, { recursive: true, force: true });
    await run('mkdir', ['-p', dir]);
    await writeFile(join(dir, 'go.mod'), 'module example.test/prog\n\ngo 1.22\n');
    await writeFile(
      join(dir, 'main.go'),
      source ??
        'package main\n\nimport "fmt"\n\nvar version = "dev"\n\nfunc main() { fmt.Println("prog", version) }\n',
    );
    return {
      label: 'prog',
      name: 'prog',
      version,
      binary: join(scratch, 'cache', 'prog', 'bin', 'prog'),
      minGo: [1, 22],
      coldEstimate: 'seconds',
      step: 'go build example.test/prog',
      cwd: dir,
      goArgs: (out) => [
        'build',
        '-ldflags',
        `-X main.version=${version}`,
        '-o',
        join(out, 'prog'),
        '.',
      ],
      expectVersion: `prog ${version}`,
    };
  }

  it('builds once, reuses the cached binary, and rebuilds one that reports another version', async () => {
    const lines: string[] = [];
    const say = (l: string): void => {
      lines.push(l);
    };
    const v1 = await program('v1');
    const path = await ensureGoBuild(v1, { onProgress: say });
    expect((await run(path, ['--version'])).stdout).toBe('prog v1\n');
    expect(lines.at(-1)).toMatch(/^prog v1: built in/);

    await ensureGoBuild(v1, { onProgress: say });
    expect(lines.at(-1)).toBe(`prog v1: found in cache (${path})`);

    // The same place, another pin (as after a version bump): the stale binary is replaced.
    await ensureGoBuild(await program('v2'), { onProgress: say });
    expect(lines).toContain(
      'prog: cached binary does not run or reports another version, rebuilding',
    );
    expect((await run(path, ['--version'])).stdout).toBe('prog v2\n');
    // Nothing but the binary in its directory: the scratch directory is gone.
    expect(await readdir(join(scratch, 'cache', 'prog', 'bin'))).toEqual(['prog']);
  });

  it('names the failing step and leaves no binary when the build fails', async () => {
    const broken = await program('v3', 'package main\n\nfunc main() { undefined() }\n');
    broken.binary = join(scratch, 'cache', 'broken', 'bin', 'prog');
    const err = await ensureGoBuild(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InstallError);
    expect((err as InstallError).step).toBe('go build example.test/prog');
    expect((err as InstallError).outputTail).toContain('undefined: undefined');
    expect(await readdir(join(scratch, 'cache', 'broken', 'bin'))).toEqual([]);
  });
});
