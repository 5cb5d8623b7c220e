import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { execTool, type ExecResult } from './exec.js';

/** One revision as `helm history -o json` prints it. */
export interface HelmRevision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

export class HelmError extends Error {
  constructor(
    readonly args: string[],
    readonly result: ExecResult,
  ) {
    const why = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    super(`helm ${args[0] ?? ''} failed: ${why || `exit ${String(result.code)}`}`);
    this.name = 'HelmError';
  }
}

/**
 * The runbook's helm commands against one cluster (`toolArgs` select it: --kubeconfig and
 * --kube-context). Values are always passed as a whole file: the release gets exactly the values
 * it was given, never a merge with what it had (no --reuse-values).
 */
export class Helm {
  constructor(
    readonly binary: string,
    private readonly toolArgs: readonly string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async run(args: string[], timeoutMs = 300_000): Promise<string> {
    const r = await execTool(this.binary, [...args, ...this.toolArgs], {
      env: this.env,
      timeoutMs,
    });
    if (r.code !== 0) throw new HelmError(args, r);
    return r.stdout;
  }

  /**
   * `helm upgrade --install` with the values written to a private file. `--take-ownership` adopts
   * objects ArgoCD applied from the same chart (it renders with `helm template`, which records no
   * release), so a helm release and an Application can manage the same component.
   */
  async upgradeInstall(opts: {
    release: string;
    chart: string;
    namespace: string;
    values: unknown;
    description?: string;
    wait?: boolean;
    timeoutSeconds?: number;
  }): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'lakehouse-helm-'));
    try {
      const file = join(dir, 'values.yaml');
      // The values carry no secrets (charts generate those in the cluster), but keep it private.
      await writeFile(file, stringify(opts.values), { mode: 0o600 });
      const args = [
        'upgrade',
        '--install',
        opts.release,
        opts.chart,
        '--namespace',
        opts.namespace,
        '--create-namespace',
        '--take-ownership',
        '--values',
        file,
      ];
      if (opts.description) args.push('--description', opts.description);
      if (opts.wait) args.push('--wait', '--timeout', `${opts.timeoutSeconds ?? 300}s`);
      await this.run(args, ((opts.timeoutSeconds ?? 300) + 60) * 1000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Revisions of a release, oldest first; [] when it was never installed. */
  async history(release: string, namespace: string): Promise<HelmRevision[]> {
    const r = await execTool(
      this.binary,
      [
        'history',
        release,
        '--namespace',
        namespace,
        '--output',
        'json',
        '--max',
        '256',
        ...this.toolArgs,
      ],
      { env: this.env, timeoutMs: 60_000 },
    );
    if (r.code !== 0) {
      if (/release: not found/.test(r.stderr)) return [];
      throw new HelmError(['history', release], r);
    }
    return JSON.parse(r.stdout) as HelmRevision[];
  }

  async uninstall(release: string, namespace: string): Promise<boolean> {
    const r = await execTool(
      this.binary,
      [
        'uninstall',
        release,
        '--namespace',
        namespace,
        '--wait',
        '--timeout',
        '120s',
        ...this.toolArgs,
      ],
      { env: this.env, timeoutMs: 180_000 },
    );
    if (r.code === 0) return true;
    if (/not found/.test(r.stderr)) return false;
    throw new HelmError(['uninstall', release], r);
  }

  /** The rendered manifest of a release as installed (`helm get manifest`); '' when none. */
  async manifest(release: string, namespace: string): Promise<string> {
    const r = await execTool(
      this.binary,
      ['get', 'manifest', release, '--namespace', namespace, ...this.toolArgs],
      { env: this.env, timeoutMs: 60_000 },
    );
    return r.code === 0 ? r.stdout : '';
  }

  /** What a chart renders with the given values (`helm template`, against the cluster's API versions). */
  async template(opts: {
    release: string;
    chart: string;
    namespace: string;
    values: unknown;
  }): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'lakehouse-helm-'));
    try {
      const file = join(dir, 'values.yaml');
      await writeFile(file, stringify(opts.values), { mode: 0o600 });
      return await this.run(
        ['template', opts.release, opts.chart, '--namespace', opts.namespace, '--values', file],
        120_000,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
