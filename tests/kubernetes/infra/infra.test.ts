// infra/ with the real OpenTofu (built from source into the cache), as far as it can be proven
// without the cloud: every file is `tofu fmt` clean; the offline root infra/checks inits,
// validates and plans with each environment's terraform.tfvars, the plan carries the tfvars'
// values into what infra/ builds, and broken tfvars fail with infra/'s validation messages;
// `lakehouse infra plan` checks the tfvars and then stops at the provider download, with the fix.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runLakehouse, type CliRun } from '../../support/cli.js';
import { ConfigError } from '../../../src/platform/config/index.js';
import { repoRoot } from '../../../src/platform/paths.js';
import { versions } from '../../../src/platform/versions.js';
import { ensureOpenTofu } from '../../../src/targets/kubernetes/tools/index.js';
import {
  applyInfra,
  planInfra,
  type InfraPlan,
} from '../../../src/targets/kubernetes/infra/index.js';

const ENVS = ['dev', 'staging', 'prod'] as const;

let tofu: string;
/** A copy of infra/ and env/: tofu writes .terraform/ and plan files into it, not the repository. */
let work: string;
let home: string;

interface Run {
  code: number | null;
  stdout: string;
  /** stdout and stderr, with tofu's line wrapping undone. */
  text: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tofu, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, text: `${stdout}\n${stderr}`.replace(/\s+/g, ' ') }),
    );
  });
}

async function ok(args: string[], cwd: string): Promise<Run> {
  const r = await run(args, cwd);
  if (r.code !== 0) throw new Error(`tofu ${args.join(' ')} exited ${r.code}:\n${r.text}`);
  return r;
}

/** The scalar assignments of a tfvars file: `node_count = 3` → { node_count: 3 }. */
async function tfvars(env: string): Promise<Record<string, string | number>> {
  const text = await readFile(join(repoRoot, 'env', env, 'terraform.tfvars'), 'utf8');
  const out: Record<string, string | number> = {};
  for (const m of text.matchAll(/^([a-z_]+)\s*=\s*("([^"]*)"|[0-9]+)/gm)) {
    out[m[1] as string] = m[3] ?? Number(m[2]);
  }
  return out;
}

interface PlannedSettings {
  cluster: { name: string; kubernetes_version: string; region: string; environment: string };
  network: { zone_count: number; public_subnet_cidrs: string[]; private_subnet_cidrs: string[] };
  node_group: {
    instance_types: string[];
    ami_type: string;
    disk_size_gb: number;
    desired_size: number;
    min_size: number;
    max_size: number;
  };
  iam_roles: { cluster: string; nodes: string };
}

/** Plans infra/checks to a file and returns what infra/ would build the cluster from. */
async function plannedSettings(varFile: string, extra: string[] = []): Promise<PlannedSettings> {
  const checks = join(work, 'infra', 'checks');
  const planFile = join(work, `${Math.random().toString(36).slice(2)}.tfplan`);
  await ok(
    ['plan', '-input=false', '-no-color', `-var-file=${varFile}`, `-out=${planFile}`, ...extra],
    checks,
  );
  // stdout may start with a warning (TF_CLI_CONFIG_FILE naming a missing file): skip to the JSON.
  const { stdout } = await ok(['show', '-json', planFile], checks);
  const shown = JSON.parse(stdout.slice(stdout.indexOf('\n{') + 1)) as {
    resource_changes: { address: string; change: { after: { input: PlannedSettings } } }[];
  };
  const settings = shown.resource_changes.find((r) => r.address === 'terraform_data.settings');
  if (!settings) throw new Error('the plan has no terraform_data.settings');
  return settings.change.after.input;
}

beforeAll(async () => {
  // Cached after the first build (~3-8 min from source): then only its version check.
  tofu = await ensureOpenTofu({ onProgress: (line) => console.log(`[opentofu] ${line}`) });
  work = await mkdtemp(join(tmpdir(), 'lakehouse-infra-test-'));
  home = await mkdtemp(join(tmpdir(), 'lakehouse-infra-home-'));
  // verbatimSymlinks: infra/checks/variables.tf stays the relative link to ../variables.tf.
  await cp(join(repoRoot, 'infra'), join(work, 'infra'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  await cp(join(repoRoot, 'env'), join(work, 'env'), { recursive: true });
  await rm(join(work, 'infra', 'checks', '.terraform'), { recursive: true, force: true });
  await ok(['init', '-input=false', '-no-color'], join(work, 'infra', 'checks'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  if (home) await rm(home, { recursive: true, force: true });
});

describe('infra/ with OpenTofu', () => {
  it('is tofu fmt clean, every file of it', async () => {
    const r = await run(['fmt', '-check', '-recursive', '-no-color', 'infra/'], repoRoot);
    expect(r.text.trim().replace(/Warning: Unable to open CLI configuration file.*$/, '')).toBe('');
    expect(r.code).toBe(0);
  });

  it('validates the offline root, which needs no provider', async () => {
    const r = await ok(['validate', '-no-color'], join(work, 'infra', 'checks'));
    expect(r.text).toContain('The configuration is valid.');
  });

  for (const env of ENVS) {
    it(`plans env/${env}/terraform.tfvars into the cluster's settings`, async () => {
      const vars = await tfvars(env);
      const s = await plannedSettings(`../../env/${env}/terraform.tfvars`, [
        `-var=expected_environment=${env}`,
      ]);
      expect(s.cluster).toEqual({
        name: vars['cluster_name'],
        kubernetes_version: vars['kubernetes_version'],
        region: vars['region'],
        environment: env,
      });
      expect(s.node_group).toMatchObject({
        instance_types: [vars['node_size']],
        ami_type: 'AL2023_x86_64_STANDARD',
        disk_size_gb: vars['disk_size_gb'],
        desired_size: vars['node_count'],
        min_size: vars['node_count'],
        max_size: vars['node_count'],
      });
      expect(s.network).toEqual({
        vpc_cidr: '10.0.0.0/16',
        zone_count: 3,
        public_subnet_cidrs: ['10.0.0.0/20', '10.0.16.0/20', '10.0.32.0/20'],
        private_subnet_cidrs: ['10.0.128.0/20', '10.0.144.0/20', '10.0.160.0/20'],
      });
      expect(s.iam_roles).toEqual({
        cluster: `${vars['cluster_name']}-eks-cluster`,
        nodes: `${vars['cluster_name']}-eks-nodes`,
      });
    });
  }

  it('picks the arm64 node image for a Graviton instance type', async () => {
    const s = await plannedSettings('../../env/dev/terraform.tfvars', [
      '-var=node_size=m7g.xlarge',
    ]);
    expect(s.node_group.ami_type).toBe('AL2023_ARM_64_STANDARD');
  });

  it('fails a broken tfvars with the validation message of each bad variable', async () => {
    const dir = join(work, 'env', 'broken');
    await mkdir(dir, { recursive: true });
    const dev = await readFile(join(work, 'env', 'dev', 'terraform.tfvars'), 'utf8');
    await writeFile(
      join(dir, 'terraform.tfvars'),
      dev
        .replace(/^node_count\s*=.*$/m, 'node_count = 0')
        .replace(/^kubernetes_version\s*=.*$/m, 'kubernetes_version = "1.30.2"'),
    );
    const r = await run(
      ['plan', '-input=false', '-no-color', '-var-file=../../env/broken/terraform.tfvars'],
      join(work, 'infra', 'checks'),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain('var.node_count is 0');
    expect(r.text).toContain(
      "node_count must be a whole number from 1 to 450 (an EKS managed node group's maximum).",
    );
    expect(r.text).toContain('var.kubernetes_version is "1.30.2"');
    expect(r.text).toContain(
      'kubernetes_version must be "1.<minor>" with minor 28 or newer (e.g. "1.33")',
    );
  });

  it('fails each other rule it can check offline', async () => {
    const cases: [string, string][] = [
      ['-var=kubernetes_version=1.27', 'kubernetes_version must be "1.<minor>" with minor 28'],
      ['-var=node_count=2.5', 'node_count must be a whole number from 1 to 450'],
      ['-var=region=Europe', 'region must be an AWS region code'],
      ['-var=node_size=xlarge', 'node_size must be an EC2 instance type'],
      ['-var=disk_size_gb=10', 'disk_size_gb must be a whole number of GiB from 20 to 16384'],
      ['-var=environment=qa', 'environment must be one of dev, staging, prod'],
      ['-var=cluster_name=lakehouse_dev', 'cluster_name must start with a letter'],
      ['-var=vpc_cidr=10.0.0.0/24', 'vpc_cidr must be an IPv4 CIDR block from /16'],
      ['-var=availability_zone_count=1', 'availability_zone_count must be a whole number from 2'],
      [
        '-var=api_public_access_cidrs=["everyone"]',
        'api_public_access_cidrs must list at least one',
      ],
      ['-var=tags={"aws:owner"="me"}', 'tags must not use the reserved "aws:" prefix'],
      ['-var=expected_environment=prod', 'environment is "dev" in env/prod/terraform.tfvars'],
    ];
    for (const [arg, message] of cases) {
      const r = await run(
        ['plan', '-input=false', '-no-color', '-var-file=../../env/dev/terraform.tfvars', arg],
        join(work, 'infra', 'checks'),
      );
      expect(r.code, arg).toBe(1);
      expect(r.text, arg).toContain(message);
    }
  });

  it('reports broken tfvars through `planInfra` as a ConfigError naming each key', async () => {
    const dir = join(work, 'env', 'typo');
    await mkdir(dir, { recursive: true });
    const dev = await readFile(join(work, 'env', 'dev', 'terraform.tfvars'), 'utf8');
    await writeFile(
      join(dir, 'terraform.tfvars'),
      `${dev.replace(/^node_count\s*=.*$/m, 'node_count = 0')}node_cuont = 3\n`,
    );
    const lines: string[] = [];
    const progress = {
      line: (t: string) => void lines.push(t),
      step: (label: string) => ({
        update: () => {},
        done: () => void lines.push(`✔ ${label}`),
        info: () => {},
        warn: () => {},
        fail: (m: string) => void lines.push(`✗ ${label}: ${m}`),
      }),
    };
    const err = await planInfra({ env: 'typo', root: work, progress, write: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => [p.key, p.problem])).toEqual([
      ['node_cuont', 'is not a variable of infra/, so it would be ignored'],
      ['node_count', 'is 0'],
    ]);
    expect(lines).toContain('✗ Check env/typo/terraform.tfvars (infra/checks): 2 problems');
  });
});

describe('planInfra and applyInfra, on a provider-free stand-in for infra/', () => {
  // infra/ itself needs the AWS provider; this stand-in root is infra/checks' configuration
  // (terraform_data only) at infra/'s place, so the runner's whole sequence runs for real: check,
  // init, workspace, plan to a file, confirm, apply that file, and a second apply with nothing to do.
  let root: string;
  const lines: string[] = [];
  const progress = {
    line: (t: string) => void lines.push(t),
    step: (label: string) => ({
      update: () => {},
      done: (m?: string) => void lines.push(`✔ ${label}${m ? `: ${m}` : ''}`),
      info: () => {},
      warn: () => {},
      fail: (m: string) => void lines.push(`✗ ${label}: ${m}`),
    }),
  };

  beforeAll(async () => {
    root = join(work, 'standin');
    const infra = join(root, 'infra');
    await cp(join(repoRoot, 'infra', 'checks'), join(infra, 'checks'), {
      recursive: true,
      verbatimSymlinks: true,
    });
    await rm(join(infra, 'checks', '.terraform'), { recursive: true, force: true });
    for (const f of ['main.tf', 'versions.tf']) {
      await cp(join(repoRoot, 'infra', 'checks', f), join(infra, f));
    }
    await cp(join(repoRoot, 'infra', 'variables.tf'), join(infra, 'variables.tf'));
    // checks/ finds ../modules/settings from infra/checks, the stand-in from infra/.
    for (const to of [join(infra, 'modules'), join(root, 'modules')]) {
      await cp(join(repoRoot, 'infra', 'modules'), to, { recursive: true });
    }
    await cp(join(repoRoot, 'env', 'dev'), join(root, 'env', 'dev'), { recursive: true });
  });

  it('plans, applies after confirmation into the env workspace, then finds nothing to do', async () => {
    let output = '';
    const o = { env: 'dev', root, progress, write: (t: string) => void (output += t) };
    const plan = await planInfra(o);
    expect(plan.changes).toEqual({ add: 1, change: 0, remove: 0 });
    expect(output).toContain('terraform_data.settings will be created');
    expect(lines).toContain('✔ workspace dev: state of this environment only');

    const refused = await applyInfra({ ...o, confirm: () => Promise.resolve(false) });
    expect(refused.applied).toBe(false);

    let asked: InfraPlan | undefined;
    const applied = await applyInfra({
      ...o,
      confirm: (p) => {
        asked = p;
        return Promise.resolve(true);
      },
    });
    expect(asked?.changes).toEqual({ add: 1, change: 0, remove: 0 });
    expect(applied.applied).toBe(true);
    expect(lines).toContain('✔ tofu apply (1 to add, 0 to change, 0 to destroy): dev provisioned');
    const state = JSON.parse(
      await readFile(
        join(root, 'infra', 'terraform.tfstate.d', 'dev', 'terraform.tfstate'),
        'utf8',
      ),
    ) as { resources: { type: string }[] };
    expect(state.resources.map((r) => r.type)).toEqual(['terraform_data']);

    const again = await applyInfra({
      ...o,
      confirm: () => Promise.reject(new Error('nothing to confirm')),
    });
    expect(again).toMatchObject({ applied: false, changes: { add: 0, change: 0, remove: 0 } });
    expect(lines).toContain('ℹ infra/ for dev is up to date: nothing to apply');
  });
});

describe('lakehouse infra', () => {
  const cliRun = (args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> =>
    runCli(args, { cwd: repoRoot, env });

  it('plan --env dev checks the tfvars, then names the fix when providers cannot be downloaded', async () => {
    const r = await runLakehouse(home, ['infra', 'plan', '--env', 'dev'], 120_000);
    expect(r.stderr).toMatch(/✔ OpenTofu: v\d+\.\d+\.\d+|✔ OpenTofu: tofu \d+\.\d+ from PATH/);
    expect(r.stderr).toContain(
      '✔ Check env/dev/terraform.tfvars (infra/checks): every variable passes infra/ validation',
    );
    // This machine reaches no provider registry: init stops there, and says what to do.
    expect(r.stderr).toContain("✗ tofu init could not install infra/'s providers");
    expect(r.stderr).toContain('hashicorp/aws');
    expect(r.stderr).toContain('tofu -chdir=infra providers mirror');
    expect(r.stderr).toContain('TF_CLI_CONFIG_FILE');
    expect(r.code).toBe(1);
  });

  it('apply refuses an environment without terraform.tfvars and an unknown one', async () => {
    const local = await runLakehouse(home, ['infra', 'apply', '--env', 'local', '--yes']);
    expect(local.code).toBe(1);
    expect(local.stderr).toContain(
      '✗ environment "local" runs on this machine: it has no env/local/terraform.tfvars',
    );
    const unknown = await runLakehouse(home, ['infra', 'plan', '--env', 'qa']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('✗ there is no environment "qa" (no folder env/qa)');
    expect(unknown.stderr).toContain('use --env with one of: dev, local, prod, staging');
    const missing = await runLakehouse(home, ['infra', 'plan']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--env <name>' not specified");
  });

  it('says how to get tofu when it is not built and cannot be', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lakehouse-infra-cache-'));
    try {
      // No tofu and no go on PATH, an empty cache: nothing to run and nothing to build with.
      const r = await cliRun(['infra', 'plan', '--env', 'dev'], {
        ...process.env,
        LAKEHOUSE_HOME: home,
        LAKEHOUSE_CACHE: empty,
        PATH: dirname(process.execPath),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `✗ OpenTofu ${versions.opentofu.version} is not built yet, and building it failed`,
      );
      expect(r.stderr).toContain('install Go 1.26+ and run again');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
