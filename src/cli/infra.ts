import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { UserError } from '../lib/index.js';
import { createProgress } from './progress.js';
import { outputOption } from './options.js';

interface InfraFlags {
  env: string;
  output: 'text' | 'json';
}

/**
 * `infra plan|apply`: the runbook's infrastructure steps (§Infrastructure Upgrade, §Disaster
 * recovery), `cd infra && terraform plan|apply -var-file=../env/<env>/terraform.tfvars`, with
 * OpenTofu and the environment's tfvars checked first.
 */
export function registerInfraCommands(program: Command): void {
  const infra = program
    .command('infra')
    .description(
      "Provision an environment's cloud Kubernetes cluster with OpenTofu: infra/ with env/<env>/terraform.tfvars",
    );

  const common = (c: Command): Command =>
    c
      .requiredOption(
        '--env <name>',
        'environment: env/<name>/terraform.tfvars (dev, staging, prod)',
      )
      .addOption(outputOption(['text', 'json'], 'text'));

  common(
    infra
      .command('plan')
      .description(
        "Check env/<env>/terraform.tfvars against infra/'s variable rules, then show what `tofu plan` would change; changes nothing",
      ),
  ).action(async (flags: InfraFlags) => {
    const { planInfra } = await import('../targets/kubernetes/infra/index.js');
    const plan = await planInfra(options(flags));
    if (flags.output === 'json') {
      const { env, varFile, changes } = plan;
      process.stdout.write(`${JSON.stringify({ env, varFile, changes }, null, 2)}\n`);
    } else {
      process.stdout.write(`Next: lakehouse infra apply --env ${flags.env}\n`);
    }
  });

  common(
    infra
      .command('apply')
      .description(
        "Plan infra/ for the environment, then apply that plan after confirmation: creates or updates the environment's cluster",
      ),
  )
    .option('-y, --yes', 'apply without asking (needed without a terminal)')
    .option('--dry-run', 'show the plan; apply nothing (the same as `infra plan`)')
    .action(async (flags: InfraFlags & { yes?: boolean; dryRun?: boolean }) => {
      const { applyInfra, planInfra } = await import('../targets/kubernetes/infra/index.js');
      if (flags.dryRun) {
        const { env, varFile, changes } = await planInfra(options(flags));
        if (flags.output === 'json') {
          const result = { env, varFile, changes, applied: false };
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else process.stdout.write('Nothing was applied (--dry-run).\n');
        return;
      }
      const { confirmationDecision, isYes } = await import('../ops/cleanup/index.js');
      const { describeChanges } = await import('../platform/infra/index.js');
      const result = await applyInfra({
        ...options(flags),
        confirm: async (plan) => {
          const decision = confirmationDecision({
            yes: flags.yes ?? false,
            interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
          });
          if (decision.action === 'refuse') {
            throw new UserError(
              `applying needs confirmation: ${decision.reason}; nothing was changed`,
              `review the plan above, then run \`lakehouse infra apply --env ${plan.env} --yes\``,
            );
          }
          if (decision.action === 'proceed') return true;
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(
            `Apply this plan to ${plan.env} (${describeChanges(plan.changes)})? [y/N] `,
          );
          rl.close();
          if (!isYes(answer)) {
            throw new UserError('nothing was applied', 'run again and answer y to apply', 1);
          }
          return true;
        },
      });
      if (flags.output === 'json') {
        const { env, varFile, changes, applied } = result;
        process.stdout.write(`${JSON.stringify({ env, varFile, changes, applied }, null, 2)}\n`);
      } else if (result.applied) {
        process.stdout.write(
          `Next: tofu -chdir=infra output -raw kubeconfig > kubeconfig-${flags.env} (tokens from the AWS CLI), then KUBECONFIG=kubeconfig-${flags.env} ./scripts/bootstrap.sh ${flags.env}\n`,
        );
      }
    });
}

function options(flags: InfraFlags) {
  const json = flags.output === 'json';
  // With --output json, stdout carries only the JSON: tofu's own output goes to stderr.
  const out = json ? process.stderr : process.stdout;
  return {
    env: flags.env,
    progress: createProgress(process.stderr),
    write: (text: string) => void out.write(text),
    color: out.isTTY === true,
  };
}
