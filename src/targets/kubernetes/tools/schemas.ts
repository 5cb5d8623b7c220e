import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  discard,
  ensureVenv,
  formatDuration,
  InstallError,
  publish,
  run,
  runStep,
  scratchDirFor,
  silent,
  type Progress,
} from '../../../platform/install/index.js';
import { versions } from '../../../platform/versions.js';

const k8s = versions.kubernetes;
const COMPLETE_MARKER = '.lakehouse-complete';

export interface SchemaOptions {
  cacheDir: string;
  onProgress?: Progress;
}

/**
 * A Python with pyyaml, for kubeconform's openapi2jsonschema.py; its pip also downloads the
 * kubernetes-validate wheel. A venv, so a bare machine works without system pyyaml or pip.
 */
async function schemaPython(opts: SchemaOptions): Promise<string> {
  const envDir = await ensureVenv({
    label: 'Python environment (schema tools)',
    folder: 'python-schema-tools',
    requirements: `pyyaml==${k8s.pyyaml}\n`,
    importCheck: 'import yaml',
    checkName: 'import yaml',
    minPython: [3, 9],
    installMessage: `Installing Python environment (schema tools): pyyaml ${k8s.pyyaml} (pip, ~10 s the first time)…`,
    packagesName: 'pyyaml',
    cacheDir: opts.cacheDir,
    onProgress: opts.onProgress,
  });
  return join(envDir, 'bin', 'python');
}

/**
 * Kubernetes' JSON schemas for kubeconform, offline: the `v<k8s>-local-strict` set from PyPI's
 * kubernetes-validate wheel, fixed so they load (see `fixKubernetesSchema`). Returns the directory
 * of `{kind}-{group}-{version}.json` files: `<cache>/kubernetes-schemas/<wheel version>/<set>`.
 */
export async function ensureKubernetesSchemas(opts: SchemaOptions): Promise<string> {
  const say = opts.onProgress ?? silent;
  const label = `Kubernetes JSON schemas (kubernetes-validate ${k8s.kubernetesValidate})`;
  const set = `${k8s.schemaVersion}-local-strict`;
  const target = join(opts.cacheDir, 'kubernetes-schemas', k8s.kubernetesValidate);
  const dir = join(target, set);
  if (await complete(target, join(dir, 'deployment-apps-v1.json'))) {
    say(`${label}: found in cache (${dir})`);
    return dir;
  }
  await discard(target);
  const python = await schemaPython(opts);
  say(`Installing ${label} (pip download, ~20 s the first time)…`);
  const started = Date.now();
  await mkdir(join(opts.cacheDir, 'kubernetes-schemas'), { recursive: true });
  const scratch = await scratchDirFor(target);
  try {
    const wheels = join(scratch, 'wheel');
    await runStep(
      python,
      [
        '-m',
        'pip',
        'download',
        '--no-deps',
        '--only-binary=:all:',
        '--no-input',
        '--disable-pip-version-check',
        `kubernetes-validate==${k8s.kubernetesValidate}`,
        '-d',
        wheels,
      ],
      {
        label,
        name: 'pip download kubernetes-validate',
        hints: ['check that pip can reach its package index (`pip config list`)'],
      },
    );
    const [wheel] = (await readdir(wheels)).filter((f) => f.endsWith('.whl'));
    if (!wheel) {
      throw new InstallError(label, 'find the wheel', `no .whl in ${wheels}`, 'retry');
    }
    // Only the one schema set we use: the wheel holds thirteen Kubernetes versions, twice.
    const raw = join(scratch, 'raw');
    const prefix = `kubernetes_validate/kubernetes-json-schema/${set}/`;
    await runStep(
      python,
      [
        '-c',
        [
          'import sys, zipfile',
          'z = zipfile.ZipFile(sys.argv[1])',
          'names = [n for n in z.namelist() if n.startswith(sys.argv[2]) and n.endswith(".json")]',
          'assert names, "no schemas under " + sys.argv[2]',
          'z.extractall(sys.argv[3], names)',
        ].join('\n'),
        join(wheels, wheel),
        prefix,
        raw,
      ],
      {
        label,
        name: `unpack ${set}`,
        hints: [`kubernetes-validate ${k8s.kubernetesValidate} should ship ${set}; check the pin`],
      },
    );
    const from = join(raw, prefix);
    const tree = join(scratch, 'tree');
    await mkdir(join(tree, set), { recursive: true });
    for (const name of await readdir(from)) {
      const schema: unknown = JSON.parse(await readFile(join(from, name), 'utf8'));
      await writeFile(join(tree, set, name), JSON.stringify(fixKubernetesSchema(schema)));
    }
    await publish(
      tree,
      target,
      { name: COMPLETE_MARKER, content: `${new Date().toISOString()}\n` },
      () => complete(target, join(dir, 'deployment-apps-v1.json')),
    );
    say(`${label}: installed in ${formatDuration(Date.now() - started)} (${dir})`);
    return dir;
  } finally {
    await discard(scratch);
  }
}

/**
 * kubernetes-validate's schemas carry `"$id": "https://kubernetes.io/…"` and refs like
 * `/api/_definitions.json#/$defs/…`, so every ref resolves to kubernetes.io and kubeconform,
 * offline, reports "could not find schema". Without `$id` and with refs relative to the file,
 * they resolve to `_definitions.json` beside it.
 */
export function fixKubernetesSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fixKubernetesSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id') continue;
    out[key] =
      key === '$ref' && typeof value === 'string'
        ? value.replace('/api/_definitions.json', '_definitions.json')
        : fixKubernetesSchema(value);
  }
  return out;
}

/**
 * JSON schemas of Argo CD's CRDs (Application, AppProject, ApplicationSet) named
 * `{kind}_{version}.json`, converted from the CRDs in Argo CD's module with the script kubeconform
 * ships for that (scripts/openapi2jsonschema.py). Returns `<cache>/argocd-schemas/<version>`.
 */
export async function ensureArgocdSchemas(opts: SchemaOptions): Promise<string> {
  const say = opts.onProgress ?? silent;
  const { module, version } = versions.argocd;
  const label = `Argo CD ${version} CRD schemas`;
  const target = join(opts.cacheDir, 'argocd-schemas', version);
  if (await complete(target, join(target, 'application_v1alpha1.json'))) {
    say(`${label}: found in cache (${target})`);
    return target;
  }
  await discard(target);
  const python = await schemaPython(opts);
  say(`Installing ${label} (go mod download, ~1 min the first time)…`);
  const started = Date.now();
  await mkdir(join(opts.cacheDir, 'argocd-schemas'), { recursive: true });
  const scratch = await scratchDirFor(target);
  try {
    // Argo CD's go.mod asks for a newer Go than the one that builds everything else, so
    // `go mod download` fetches its zip but refuses to extract it: the CRDs are read from the zip.
    const argocdZip = (await goModDownload(`${module}@${version}`, label, scratch)).zip;
    const kubeconform = await goModDownload(
      `github.com/yannh/kubeconform@${k8s.kubeconform}`,
      label,
      scratch,
    );
    if (!argocdZip || !kubeconform.dir) {
      throw new InstallError(
        label,
        'go mod download',
        `no module zip for ${module}@${version} or no directory for kubeconform`,
        'check that `go env GOPROXY` is reachable',
      );
    }
    const crdDir = join(scratch, 'crds');
    await runStep(
      python,
      [
        '-c',
        [
          'import os, sys, zipfile',
          'z = zipfile.ZipFile(sys.argv[1])',
          'names = [n for n in z.namelist() if "/manifests/crds/" in n and n.endswith("-crd.yaml")]',
          'assert names, "no CRDs in " + sys.argv[1]',
          'os.makedirs(sys.argv[2])',
          'for n in names: open(os.path.join(sys.argv[2], os.path.basename(n)), "wb").write(z.read(n))',
        ].join('\n'),
        argocdZip,
        crdDir,
      ],
      { label, name: 'unpack the CRDs', hints: [`remove ${argocdZip} and retry`] },
    );
    const crds = (await readdir(crdDir)).map((f) => join(crdDir, f));
    const tree = join(scratch, 'tree');
    await mkdir(tree);
    const script = join(kubeconform.dir, 'scripts', 'openapi2jsonschema.py');
    // The script writes into its working directory.
    const r = await run(python, [script, ...crds], {
      cwd: tree,
      env: { ...process.env, FILENAME_FORMAT: '{kind}_{version}' },
      tailLines: 25,
    });
    if (r.code !== 0) {
      throw new InstallError(
        label,
        'openapi2jsonschema.py',
        r.tail,
        `check the CRDs in ${crdDir} and the script ${script}`,
      );
    }
    await publish(
      tree,
      target,
      { name: COMPLETE_MARKER, content: `${new Date().toISOString()}\n` },
      () => complete(target, join(target, 'application_v1alpha1.json')),
    );
    say(`${label}: installed in ${formatDuration(Date.now() - started)} (${target})`);
    return target;
  } finally {
    await discard(scratch);
  }
}

/**
 * Downloads a module into the module cache and returns its zip and (when Go could extract it)
 * its read-only directory there.
 */
async function goModDownload(
  moduleAtVersion: string,
  label: string,
  cwd: string,
): Promise<{ zip?: string; dir?: string }> {
  // From a directory outside any module, so no go.mod of ours is consulted or changed.
  const r = await run('go', ['mod', 'download', '-json', moduleAtVersion], {
    cwd,
    tailLines: 40,
    timeoutMs: 10 * 60_000,
  }).catch((err: Error) => {
    throw new InstallError(label, 'find the go toolchain', err.message, 'put `go` on PATH');
  });
  const field = (name: string): string | undefined =>
    new RegExp(`"${name}":\\s*"([^"]+)"`).exec(r.tail)?.[1];
  const zip = field('Zip');
  if (!zip) {
    throw new InstallError(
      label,
      `go mod download ${moduleAtVersion}`,
      r.tail,
      'check that `go env GOPROXY` is reachable',
    );
  }
  return { zip, dir: field('Dir') };
}

async function complete(target: string, probe: string): Promise<boolean> {
  try {
    await access(join(target, COMPLETE_MARKER));
    await access(probe);
    return true;
  } catch {
    return false;
  }
}
