import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadValues, type LakehouseValues } from '../../../src/platform/config/index.js';
import { repoRoot } from '../../../src/platform/paths.js';
import {
  kubeconformSchemaLocations,
  type KubernetesTools,
} from '../../../src/targets/kubernetes/tools/index.js';

/** The runbook's environments on Kubernetes. */
export const ENVS = ['dev', 'staging', 'prod'] as const;
export type Env = (typeof ENVS)[number];

/**
 * Every chart, in the runbook's upgrade order (observability first, ArgoCD last): a chart may
 * reference Secrets of the charts before it (minio-credentials, postgresql-credentials).
 */
export const CHARTS = [
  'observability',
  'minio',
  'iceberg-catalog',
  'trino',
  'airflow',
  'argocd',
] as const;
export type Chart = (typeof CHARTS)[number];

export const NAMESPACE = 'lakehouse-platform';

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One rendered Kubernetes object; the fields tests read are typed where they are read. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  [field: string]: unknown;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion with its whole output (helm template prints every manifest). */
export function exec(
  file: string,
  args: readonly string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Like `exec`, but a non-zero exit throws with the command and its stderr. */
export async function execOk(
  file: string,
  args: readonly string[],
  opts: Parameters<typeof exec>[2] = {},
): Promise<string> {
  const r = await exec(file, args, opts);
  if (r.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  }
  return r.stdout;
}

/** The runbook's install arguments for `chart` with an environment's values file. */
export function chartArgs(chart: Chart, env: Env, extra: readonly string[] = []): string[] {
  // Absolute: the test cluster runs helm in its own directory.
  return [
    chart,
    join(repoRoot, 'platform', chart),
    '-n',
    NAMESPACE,
    '-f',
    join(repoRoot, 'env', env, 'helm-values.yaml'),
    ...extra,
  ];
}

/** `helm template` exactly as the runbook installs (test hooks included). */
export function helmTemplate(
  helm: string,
  chart: Chart,
  env: Env,
  extra: readonly string[] = [],
): Promise<string> {
  return execOk(helm, ['template', ...chartArgs(chart, env, extra)]);
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseManifests(text: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    out.push(value as Manifest);
  }
  return out;
}

/** The environment's values with every default filled in: what the charts see. */
export function envValues(env: Env): Promise<LakehouseValues> {
  return loadValues({ env });
}

/** The tools and offline schemas the kubernetes project's global setup built (or found cached). */
export function chartTools(): KubernetesTools {
  return inject('kubernetesTools');
}

/**
 * kubeconform in strict mode with only offline schemas: Kubernetes' own, then Argo CD's CRDs.
 * No -ignore-missing-schemas: an object of a kind without a schema is an error, not a pass.
 */
export async function kubeconform(
  tools: KubernetesTools,
  manifests: string,
): Promise<{ summary: KubeconformSummary; problems: string[] }> {
  const r = await exec(
    tools.kubeconform,
    ['-strict', '-summary', '-output', 'json', ...kubeconformSchemaLocations(tools.schemas), '-'],
    { input: manifests },
  );
  const report = JSON.parse(r.stdout) as {
    resources?: { kind: string; name: string; status: string; msg: string }[];
    summary: KubeconformSummary;
  };
  return {
    summary: report.summary,
    problems: (report.resources ?? [])
      .filter((x) => x.status !== 'statusValid')
      .map((x) => `${x.kind}/${x.name}: ${x.status} ${x.msg}`),
  };
}

export interface KubeconformSummary {
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}
