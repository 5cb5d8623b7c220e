import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  declaredVariables,
  describeChanges,
  hasChanges,
  infraEnv,
  infraEnvRefusal,
  parseDiagnostics,
  planChangeSummary,
  providerInstallFailure,
  tfvarsProblems,
  tofuArgs,
  tofuNewEnough,
  tofuVersion,
  type TofuDiagnostic,
} from '../../../src/platform/infra/index.js';
import { repoRoot } from '../../../src/platform/paths.js';

const KNOWN = ['dev', 'local', 'prod', 'staging'];

// Lines of OpenTofu 1.12.6's JSON output, as `plan -json` / `-json-into` wrote them.
const VERSION_LINE =
  '{"@level":"info","@message":"OpenTofu 1.12.6","@module":"tofu.ui","tofu":"1.12.6","type":"version","ui":"1.2"}';
const INVALID_NODE_COUNT =
  '{"@level":"error","@message":"Error: Invalid value for variable","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"Invalid value for variable","detail":"node_count must be a whole number from 1 to 450 (an EKS managed node group\'s maximum).\\n\\nThis was checked by the validation rule at variables.tf:60,3-13.","range":{"filename":"variables.tf","start":{"line":55,"column":1,"byte":2238},"end":{"line":55,"column":22,"byte":2259}},"snippet":{"context":null,"code":"variable \\"node_count\\" {","start_line":55,"highlight_start_offset":0,"highlight_end_offset":21,"values":[{"traversal":"var.node_count","statement":"is 0"}]}},"type":"diagnostic"}';
const UNDECLARED =
  '{"@level":"warn","@message":"Warning: Value for undeclared variable","@module":"tofu.ui","diagnostic":{"severity":"warning","summary":"Value for undeclared variable","detail":"The root module does not declare a variable named \\"node_cuont\\" but a value was found in file \\"../../env/dev/terraform.tfvars\\". If you meant to use this value, add a \\"variable\\" block to the configuration.\\n\\nTo silence these warnings, use TF_VAR_... environment variables."},"type":"diagnostic"}';
const MISSING =
  '{"@level":"error","@message":"Error: No value for required variable","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"No value for required variable","detail":"The root module input variable \\"cluster_name\\" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.","range":{"filename":"variables.tf","start":{"line":19,"column":1,"byte":784},"end":{"line":19,"column":24,"byte":807}},"snippet":{"context":null,"code":"variable \\"cluster_name\\" {","start_line":19,"highlight_start_offset":0,"highlight_end_offset":23,"values":[]}},"type":"diagnostic"}';
const SYNTAX =
  '{"@level":"error","@message":"Error: Invalid expression","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"Invalid expression","detail":"Expected the start of an expression, but found an invalid expression token.","range":{"filename":"../../env/dev/terraform.tfvars","start":{"line":2,"column":10,"byte":29},"end":{"line":3,"column":1,"byte":30}},"snippet":{"context":null,"code":"region = ","start_line":2,"highlight_start_offset":9,"highlight_end_offset":9,"values":[]}},"type":"diagnostic"}';
const WRONG_ENV =
  '{"@level":"error","@message":"Error: Resource precondition failed","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"Resource precondition failed","detail":"environment is \\"dev\\" in env/staging/terraform.tfvars: set it to \\"staging\\", the folder the file is in.","range":{"filename":"main.tf","start":{"line":46,"column":23,"byte":1}},"snippet":{"context":"resource \\"terraform_data\\" \\"settings\\"","code":"      condition     = var.expected_environment == null || var.environment == var.expected_environment","start_line":46,"highlight_start_offset":22,"highlight_end_offset":99,"values":[{"traversal":"var.environment","statement":"is \\"dev\\""},{"traversal":"var.expected_environment","statement":"is \\"staging\\""}]}},"type":"diagnostic"}';
const PROVIDERS =
  '{"@level":"error","@message":"Error: Failed to resolve provider packages","@module":"tofu.ui","diagnostic":{"severity":"error","summary":"Failed to resolve provider packages","detail":"Could not resolve provider hashicorp/aws: could not connect to the registry: dial tcp: no such host"},"type":"diagnostic"}';
const CHANGE_SUMMARY =
  '{"@level":"info","@message":"Plan: 1 to add, 0 to change, 0 to destroy.","@module":"tofu.ui","changes":{"add":1,"change":0,"import":0,"remove":0,"forget":0,"operation":"plan"},"type":"change_summary"}';

const DECLARED = ['environment', 'cluster_name', 'node_count'];

describe('infraEnv', () => {
  it('provisions an environment with a terraform.tfvars, from the runbook path', () => {
    const e = infraEnv({ env: 'dev', knownEnvs: KNOWN, hasTfvars: true, target: undefined });
    expect(e).toEqual({ kind: 'provisioned', env: 'dev', varFile: 'env/dev/terraform.tfvars' });
    expect(infraEnvRefusal(e)).toBeUndefined();
  });

  it('refuses a Kubernetes environment without one: it runs on an existing cluster', () => {
    const e = infraEnv({
      env: 'edge',
      knownEnvs: ['edge'],
      hasTfvars: false,
      target: 'kubernetes',
    });
    expect(e.kind).toBe('existing-cluster');
    expect(infraEnvRefusal(e)).toEqual({
      message:
        'environment "edge" runs on an existing cluster: it has no env/edge/terraform.tfvars, so infra/ provisions nothing for it',
      help: 'point KUBECONFIG (or --kube-context) at the cluster; to have infra/ create one, add env/edge/terraform.tfvars (copy env/dev/terraform.tfvars)',
    });
  });

  it('refuses the local environment: nothing in the cloud', () => {
    const e = infraEnv({ env: 'local', knownEnvs: KNOWN, hasTfvars: false, target: 'local' });
    expect(e.kind).toBe('local');
    expect(infraEnvRefusal(e)?.message).toContain('runs on this machine');
  });

  it('refuses an unknown name or a path, listing the environments', () => {
    for (const env of ['qa', '../dev', 'Dev', '']) {
      const e = infraEnv({ env, knownEnvs: KNOWN, hasTfvars: true, target: undefined });
      expect(e.kind).toBe('unknown');
      expect(infraEnvRefusal(e)?.help).toBe('use --env with one of: dev, local, prod, staging');
    }
  });
});

describe('tofuArgs', () => {
  const out = { jsonInto: '/tmp/x/plan.json', color: false };

  it("plans infra/ with the runbook's -var-file, relative to infra/", () => {
    expect(tofuArgs.plan('staging', out)).toEqual([
      '-chdir=infra',
      'plan',
      '-input=false',
      '-var-file=../env/staging/terraform.tfvars',
      '-json-into=/tmp/x/plan.json',
      '-no-color',
    ]);
    expect(tofuArgs.plan('dev', { ...out, color: true, out: '/tmp/x/dev.tfplan' })).toEqual([
      '-chdir=infra',
      'plan',
      '-input=false',
      '-var-file=../env/dev/terraform.tfvars',
      '-out=/tmp/x/dev.tfplan',
      '-json-into=/tmp/x/plan.json',
    ]);
  });

  it('checks the tfvars in infra/checks, naming the env it must belong to', () => {
    expect(tofuArgs.checksPlan('prod')).toEqual([
      '-chdir=infra/checks',
      'plan',
      '-input=false',
      '-lock=false',
      '-json',
      '-var-file=../../env/prod/terraform.tfvars',
      '-var=expected_environment=prod',
    ]);
  });

  it('applies the saved plan, and keeps state per environment in its workspace', () => {
    expect(tofuArgs.apply('/tmp/x/dev.tfplan', out).at(-1)).toBe('/tmp/x/dev.tfplan');
    expect(tofuArgs.apply('/tmp/x/dev.tfplan', out)).not.toContain('-auto-approve');
    expect(tofuArgs.workspace('dev')).toEqual([
      '-chdir=infra',
      'workspace',
      'select',
      '-or-create=true',
      '-no-color',
      'dev',
    ]);
  });
});

describe('parseDiagnostics', () => {
  it('reads the diagnostics of JSON lines and skips everything else', () => {
    const d = parseDiagnostics(
      [VERSION_LINE, 'not json', INVALID_NODE_COUNT, '{"cut short', CHANGE_SUMMARY].join('\n'),
    );
    expect(d).toEqual<TofuDiagnostic[]>([
      {
        severity: 'error',
        summary: 'Invalid value for variable',
        detail:
          "node_count must be a whole number from 1 to 450 (an EKS managed node group's maximum).\n\nThis was checked by the validation rule at variables.tf:60,3-13.",
        file: 'variables.tf',
        line: 55,
        code: 'variable "node_count" {',
        values: [{ traversal: 'var.node_count', statement: 'is 0' }],
      },
    ]);
  });
});

describe('tfvarsProblems', () => {
  const problems = (...lines: string[]) =>
    tfvarsProblems('dev', parseDiagnostics(lines.join('\n')), DECLARED);

  it("names the key, its value and the variable's own validation message", () => {
    expect(problems(INVALID_NODE_COUNT)).toEqual([
      {
        file: 'env/dev/terraform.tfvars',
        key: 'node_count',
        problem: 'is 0',
        allowed:
          "node_count must be a whole number from 1 to 450 (an EKS managed node group's maximum).",
        fix: 'change node_count in env/dev/terraform.tfvars (the rule is in infra/variables.tf)',
      },
    ]);
  });

  it('makes a value for an undeclared variable (a typo tofu only warns about) a problem', () => {
    expect(problems(UNDECLARED)).toEqual([
      {
        file: 'env/dev/terraform.tfvars',
        key: 'node_cuont',
        problem: 'is not a variable of infra/, so it would be ignored',
        allowed: 'one of environment, cluster_name, node_count',
        fix: 'correct the name (a typo?), or remove it',
      },
    ]);
  });

  it('reports a missing required variable', () => {
    expect(problems(MISSING)).toEqual([
      expect.objectContaining({
        key: 'cluster_name',
        problem: 'is missing',
        fix: 'add cluster_name = <value> to env/dev/terraform.tfvars (its description is in infra/variables.tf)',
      }),
    ]);
  });

  it('reports a syntax error at its line of the tfvars file', () => {
    expect(problems(SYNTAX)).toEqual([
      {
        file: 'env/dev/terraform.tfvars',
        key: '',
        problem:
          'Invalid expression at line 2 (region =): Expected the start of an expression, but found an invalid expression token.',
        allowed: 'one `name = value` per line (HCL)',
        fix: 'correct line 2 of env/dev/terraform.tfvars',
      },
    ]);
  });

  it('reports an environment key that names another folder', () => {
    const [p] = tfvarsProblems('staging', parseDiagnostics(WRONG_ENV), DECLARED);
    expect(p).toEqual({
      file: 'env/staging/terraform.tfvars',
      key: 'environment',
      problem: 'is "dev"',
      allowed: '"staging" in env/staging/terraform.tfvars',
      fix: 'set environment = "staging"',
    });
  });

  it('has nothing to say about a clean plan', () => {
    expect(problems(VERSION_LINE, CHANGE_SUMMARY)).toEqual([]);
  });
});

describe('init and plan output', () => {
  it("recognises init's provider download failure", () => {
    expect(providerInstallFailure(parseDiagnostics(PROVIDERS))).toBe(
      'Failed to resolve provider packages: Could not resolve provider hashicorp/aws: could not connect to the registry: dial tcp: no such host',
    );
    expect(providerInstallFailure(parseDiagnostics(SYNTAX))).toBeUndefined();
  });

  it("reads the plan's change summary", () => {
    const s = planChangeSummary([VERSION_LINE, CHANGE_SUMMARY].join('\n'));
    expect(s).toEqual({ add: 1, change: 0, remove: 0 });
    expect(s && describeChanges(s)).toBe('1 to add, 0 to change, 0 to destroy');
    expect(s && hasChanges(s)).toBe(true);
    expect(hasChanges({ add: 0, change: 0, remove: 0 })).toBe(false);
    expect(planChangeSummary(VERSION_LINE)).toBeUndefined();
  });

  it('accepts OpenTofu 1.12+ (for -json-into) only', () => {
    const v = (s: string) =>
      tofuVersion(`{"terraform_version": "${s}", "platform": "linux_amd64"}`);
    expect(v('1.12.6')).toEqual([1, 12]);
    expect(tofuNewEnough([1, 12])).toBe(true);
    expect(tofuNewEnough([2, 0])).toBe(true);
    expect(tofuNewEnough([1, 11])).toBe(false);
    expect(tofuVersion('OpenTofu v1.12.6')).toBeUndefined();
    const warned = `\nWarning: Unable to open CLI configuration file\n\n{"terraform_version": "1.13.0"}`;
    expect(tofuVersion(warned)).toEqual([1, 13]);
  });
});

describe('infra/ files', () => {
  it('declares the variables every env/<env>/terraform.tfvars sets', async () => {
    const declared = declaredVariables(
      await readFile(join(repoRoot, 'infra/variables.tf'), 'utf8'),
    );
    expect(declared).toEqual([
      'environment',
      'cluster_name',
      'region',
      'kubernetes_version',
      'node_count',
      'node_size',
      'disk_size_gb',
      'vpc_cidr',
      'availability_zone_count',
      'api_public_access_cidrs',
      'tags',
    ]);
    for (const env of ['dev', 'staging', 'prod']) {
      const tfvars = await readFile(join(repoRoot, 'env', env, 'terraform.tfvars'), 'utf8');
      const keys = [...tfvars.matchAll(/^([a-z_]+)\s*=/gm)].map((m) => m[1]);
      expect(keys.filter((k) => !declared.includes(k as string))).toEqual([]);
    }
  });

  it("checks with infra/'s own variables.tf: infra/checks links to it", async () => {
    const link = join(repoRoot, 'infra/checks/variables.tf');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('../variables.tf');
  });
});
