/**
 * `lakehouse infra plan|apply`: the runbook's `cd infra && terraform plan|apply
 * -var-file=../env/<env>/terraform.tfvars`, with OpenTofu, in four steps: find (or build) tofu;
 * check the tfvars offline against infra/'s own variable rules (infra/checks); init infra/ and
 * select the environment's workspace; plan (and, for apply, apply exactly the confirmed plan).
 */
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError, type Progress, type Step } from '../../../lib/index.js';
import { ConfigError } from '../../../platform/config/index.js';
import {
  declaredVariables,
  describeChanges,
  hasChanges,
  infraEnv,
  infraEnvRefusal,
  MIN_TOFU,
  parseDiagnostics,
  planChangeSummary,
  PROVIDER_MIRROR_HELP,
  providerInstallFailure,
  tfvarsFile,
  tfvarsProblems,
  tofuArgs,
  tofuNewEnough,
  tofuVersion,
  type ChangeSummary,
} from '../../../platform/infra/index.js';
import { cacheRoot, InstallError } from '../../../platform/install/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';
import { ensureOpenTofu } from '../tools/index.js';
import { runTofu, type TofuRun } from './tofu-run.js';

export interface InfraOptions {
  env: string;
  progress: Progress;
  /** tofu's own output (the plan, apply's progress) as it arrives. */
  write: (text: string) => void;
  /** Colour in tofu's output (a terminal). */
  color?: boolean;
  /** Where infra/ and env/ are (default: the repository). */
  root?: string;
  /** The installer cache where OpenTofu is built (default: `cacheRoot()`). */
  cacheDir?: string;
}

export interface InfraPlan {
  env: string;
  varFile: string;
  /** The tofu that ran: `tofu` from PATH or the cached build's path. */
  tofu: string;
  changes: ChangeSummary;
}

/** Checks the environment's tfvars, then runs `tofu plan` on infra/ with them. */
export async function planInfra(o: InfraOptions): Promise<InfraPlan> {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-infra-'));
  try {
    return await prepareAndPlan(o, dir, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Plans into a file, asks `confirm` (with the plan shown above it), then applies exactly that
 * plan. Nothing is applied when the plan has no changes or `confirm` says no.
 */
export async function applyInfra(
  o: InfraOptions & { confirm: (plan: InfraPlan) => Promise<boolean> },
): Promise<InfraPlan & { applied: boolean }> {
  // The plan file can hold sensitive values: it lives in a private temporary directory (0700)
  // and is removed afterwards.
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-infra-'));
  try {
    const planFile = join(dir, `${o.env}.tfplan`);
    const plan = await prepareAndPlan(o, dir, planFile);
    if (!hasChanges(plan.changes)) {
      o.progress.line(`ℹ infra/ for ${o.env} is up to date: nothing to apply`);
      return { ...plan, applied: false };
    }
    if (!(await o.confirm(plan))) return { ...plan, applied: false };
    const step = o.progress.step(`tofu apply (${describeChanges(plan.changes)})`);
    const root = o.root ?? repoRoot;
    const run = await runTofu(
      plan.tofu,
      tofuArgs.apply(planFile, { jsonInto: join(dir, 'apply.json'), color: o.color ?? false }),
      { cwd: root, onOutput: o.write },
    );
    if (run.code !== 0) {
      step.fail('failed; its errors are above');
      throw new UserError(
        `tofu apply failed for ${o.env}: some changes may have been made`,
        `fix the errors above, then run \`lakehouse infra plan --env ${o.env}\` to see what is left, and apply again`,
      );
    }
    step.done(`${o.env} provisioned`);
    return { ...plan, applied: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function prepareAndPlan(
  o: InfraOptions,
  dir: string,
  planFile: string | undefined,
): Promise<InfraPlan> {
  const root = o.root ?? repoRoot;
  const varFile = await provisionedEnv(o.env, root);
  const tofu = await findTofu(o.progress, o.cacheDir ?? cacheRoot());
  await checkTfvars(tofu, o.env, root, o.progress);
  await initInfra(tofu, o.env, root, dir, o.progress);

  o.progress.line(`tofu plan -var-file=../${varFile}`);
  const jsonInto = join(dir, 'plan.json');
  const run = await runTofu(
    tofu,
    tofuArgs.plan(o.env, {
      jsonInto,
      color: o.color ?? false,
      ...(planFile ? { out: planFile } : {}),
    }),
    { cwd: root, onOutput: o.write },
  );
  const changes = planChangeSummary(await readFile(jsonInto, 'utf8').catch(() => ''));
  if (run.code !== 0 || !changes) {
    throw new UserError(
      `tofu plan failed for ${o.env}; its errors are above`,
      `fix them (infra/ or ${varFile}) and run again`,
    );
  }
  o.progress.line(`✔ plan for ${o.env}: ${describeChanges(changes)}`);
  return { env: o.env, varFile, tofu, changes };
}

/** The environment's tfvars file, or a UserError saying why infra/ does not apply to it. */
async function provisionedEnv(env: string, root: string): Promise<string> {
  const envRoot = join(root, 'env');
  const knownEnvs = (await readdir(envRoot, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const known = knownEnvs.includes(env);
  const hasTfvars = known && (await exists(join(root, tfvarsFile(env))));
  const target = known && !hasTfvars ? await targetOf(join(envRoot, env)) : undefined;
  const e = infraEnv({ env, knownEnvs, hasTfvars, target });
  const refusal = infraEnvRefusal(e);
  if (refusal) throw new UserError(refusal.message, refusal.help);
  return tfvarsFile(env);
}

async function targetOf(envDir: string): Promise<string | undefined> {
  try {
    const values = parseYaml(await readFile(join(envDir, 'helm-values.yaml'), 'utf8')) as {
      global?: { target?: unknown };
    } | null;
    const target = values?.global?.target;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}

/**
 * OpenTofu: `tofu` on PATH when it is 1.12+ (`-json-into`), else the pinned build from the
 * cache, built from source the first time (minutes; needs Go).
 */
export async function findTofu(progress: Progress, cacheDir: string): Promise<string> {
  const step = progress.step('OpenTofu');
  const onPath = await runTofu('tofu', ['version', '-json'], { cwd: tmpdir() }).then(
    (r) => (r.code === 0 ? tofuVersion(r.stdout) : undefined),
    () => undefined,
  );
  if (onPath && tofuNewEnough(onPath)) {
    step.done(`tofu ${onPath.join('.')} from PATH`);
    return 'tofu';
  }
  const { version } = versions.opentofu;
  try {
    const path = await ensureOpenTofu({ cacheDir, onProgress: (line) => step.update(line) });
    step.done(version);
    return path;
  } catch (err) {
    if (!(err instanceof InstallError)) throw err;
    step.fail('not built');
    throw new UserError(
      `OpenTofu ${version} is not built yet, and building it failed:\n${err.message}`,
      `install Go 1.26+ and run again (it builds OpenTofu from source once, ~3-8 min), or put OpenTofu ${MIN_TOFU.join('.')}+ on PATH as tofu`,
    );
  }
}

/**
 * The offline check: `tofu plan` of infra/checks with the env's tfvars applies infra/'s variable
 * rules (the same variables.tf) with no provider to download. Throws a ConfigError that names
 * each bad key.
 */
async function checkTfvars(tofu: string, env: string, root: string, progress: Progress) {
  const file = tfvarsFile(env);
  const step = progress.step(`Check ${file} (infra/checks)`);
  const init = await runTofu(tofu, tofuArgs.checksInit(), { cwd: root });
  if (init.code !== 0) failed(step, 'tofu -chdir=infra/checks init', init);
  const plan = await runTofu(tofu, tofuArgs.checksPlan(env), { cwd: root });
  const declared = declaredVariables(
    await readFile(join(root, 'infra', 'variables.tf'), 'utf8').catch(() => ''),
  );
  const problems = tfvarsProblems(env, parseDiagnostics(plan.stdout), declared);
  if (problems.length > 0) {
    step.fail(`${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    throw new ConfigError(env, problems);
  }
  if (plan.code !== 0) failed(step, 'tofu -chdir=infra/checks plan', plan);
  step.done('every variable passes infra/ validation');
}

/** `tofu init` of infra/ and the environment's workspace; names a provider download failure. */
async function initInfra(tofu: string, env: string, root: string, dir: string, progress: Progress) {
  const step = progress.step('tofu init (infra/)');
  const jsonInto = join(dir, 'init.json');
  const init = await runTofu(tofu, tofuArgs.init({ jsonInto, color: false }), { cwd: root });
  if (init.code !== 0) {
    const providers = providerInstallFailure(
      parseDiagnostics(await readFile(jsonInto, 'utf8').catch(() => '')),
    );
    if (providers) {
      step.fail('cannot get the providers');
      throw new UserError(
        `tofu init could not install infra/'s providers (offline, or no access to the provider registry):\n  ${providers}`,
        PROVIDER_MIRROR_HELP,
      );
    }
    failed(step, 'tofu -chdir=infra init', init);
  }
  step.done();
  const ws = progress.step(`workspace ${env}`);
  const select = await runTofu(tofu, tofuArgs.workspace(env), { cwd: root });
  if (select.code !== 0) failed(ws, `tofu -chdir=infra workspace select ${env}`, select);
  ws.done('state of this environment only');
}

function failed(step: Step, command: string, run: TofuRun): never {
  step.fail('failed');
  throw new UserError(
    `${command} failed (exit ${run.signal ?? run.code}):\n${run.tail}`,
    `run \`${command}\` in the repository to see its whole output`,
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
