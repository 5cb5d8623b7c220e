import type { Command } from 'commander';
import {
  CREDENTIAL_SET_LABEL,
  CREDENTIAL_SETS,
  isCredentialSet,
  rotationOrder,
  type CredentialSet,
} from '../ops/index.js';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';
import { createProgress } from './progress.js';
import { type EnvFlags, withEnvOptions, outputOption } from './options.js';
import type { ReleaseTarget, SecretsTarget } from '../ops/index.js';
import { mutate, releaseTarget } from './targets.js';

function credentialSet(name: string): CredentialSet {
  if (!isCredentialSet(name)) {
    throw new UserError(
      `unknown credential set "${name}"`,
      `one of: ${CREDENTIAL_SETS.map((s) => `${s} (${CREDENTIAL_SET_LABEL[s]})`).join(', ')}`,
    );
  }
  return name;
}

/** `lakehouse secrets rotate`: the runbook's "Update Secrets", verified. */
export function registerSecretsCommands(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('The platform’s generated credentials (kept 0600, never printed)');

  withEnvOptions(
    secrets
      .command('rotate <set>')
      .description(
        `New credentials for one set (${CREDENTIAL_SETS.join(', ')}), then every component that holds them restarted in order and verified; the previous ones must be refused. A failure puts the previous ones back.`,
      ),
  )
    .option('--dry-run', 'show what would restart, change nothing')
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (name: string, flags: EnvFlags & { dryRun?: boolean; output: string }) => {
      const set = credentialSet(name);
      const t = await releaseTarget(flags);
      let target: ReleaseTarget & SecretsTarget;
      if (t.kind === 'kubernetes') {
        const { KubernetesRotationTarget } = await import('../targets/kubernetes/secrets/index.js');
        target = KubernetesRotationTarget.of(t.target);
      } else target = t.target;
      const order = rotationOrder(set, target.components());
      const json = flags.output === 'json';
      if (!json) {
        process.stdout.write(
          `Rotate ${CREDENTIAL_SET_LABEL[set]}: restarts ${order.join(', ')}, in this order\n`,
        );
      }
      if (flags.dryRun) {
        if (json) process.stdout.write(`${JSON.stringify({ set, order }, null, 2)}\n`);
        else process.stdout.write('Dry run: nothing changed.\n');
        return;
      }
      const { rotateCredentials } = await import('../ops/index.js');
      const result = await mutate(t, 'secrets rotate', () =>
        rotateCredentials(target, set, createProgress(process.stderr)),
      );
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const out: string[] = [];
      const f = result.failure;
      if (!f) {
        out.push(
          `✔ ${CREDENTIAL_SET_LABEL[set]} rotated: ${result.restarted.map((r) => r.component).join(', ')} restarted and verified; ${result.retired ? `${result.retired}; ` : ''}${result.previousRefused ?? ''}`,
        );
        out.push(
          t.kind === 'kubernetes'
            ? `The new credentials are in the Secret ${set === 'minio' ? 'minio-credentials' : 'airflow-secrets'} (namespace ${t.values.global.namespace}).`
            : 'The new credentials are in the credentials file (`lakehouse up` names it).',
        );
      } else {
        out.push(`✗ rotation failed at ${f.component}: ${f.reason}`);
        out.push(
          f.restored
            ? '✔ the previous credentials were put back and every component restarted with them'
            : `✗ putting the previous credentials back failed too: ${f.restoreError ?? 'unknown'} — run \`lakehouse secrets rotate ${set}\` again, or restore the credentials file from a backup`,
        );
        out.push(`--- last lines of ${f.logTail.process}'s log ---`);
        out.push(f.logTail.text || '(empty)');
        out.push('---');
        out.push(`See \`lakehouse diagnose ${f.component}\`.`);
      }
      (json ? process.stderr : process.stdout).write(`${out.join('\n')}\n`);
      if (f) throw new ExitError(1);
    });
}
