import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { formatSize, UserError } from '../lib/index.js';
import type { BackupTarget } from '../ops/backup/index.js';
import { durationSeconds, loadValues, type LakehouseValues } from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import { type EnvFlags, outputOption, withEnvOptions } from './options.js';
import { createProgress } from './progress.js';

/** The passphrase from the environment variable named by --passphrase-env (never from argv). */
export function passphraseFrom(name: string | undefined, env = process.env): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (value === undefined || value === '') {
    throw new UserError(
      `--passphrase-env names ${name}, but that environment variable is ${value === undefined ? 'not set' : 'empty'}`,
      `set it first, e.g. \`read -rs ${name} && export ${name}\` (the passphrase is never taken from the command line)`,
    );
  }
  return value;
}

/** The environment's backup target, and how to run a command that changes it under its lock. */
async function backupTarget(flags: EnvFlags): Promise<{
  values: LakehouseValues;
  target: BackupTarget & { close(): void | Promise<void> };
  exclusive: <T>(command: string, work: () => Promise<T>) => Promise<T>;
}> {
  const values = await loadValues({ env: flags.env, files: flags.values });
  if (values.global.target === 'kubernetes') {
    const { kubernetesTarget } = await import('./targets.js');
    const { ensureClientTools } = await import('../targets/kubernetes/tools/index.js');
    const { withOperationLease } = await import('../targets/kubernetes/cluster/index.js');
    const { KubernetesBackupTarget } = await import('../targets/kubernetes/backup/index.js');
    const releases = await kubernetesTarget(flags, values);
    const { kubectl } = await ensureClientTools();
    return {
      values,
      target: new KubernetesBackupTarget({ releases, kubectl }),
      // One lakehouse command at a time in the cluster: an upgrade must not restart MinIO under
      // a backup, nor anything run beside a restore.
      exclusive: (command, work) =>
        withOperationLease(releases.opts.connection, releases.namespace, command, work),
    };
  }
  const { LocalBackupTarget } = await import('../targets/local/backup/index.js');
  return {
    values,
    target: new LocalBackupTarget({
      stateDir: stateDir(),
      env: flags.env,
      valuesFiles: flags.values,
      values,
    }),
    // Locally, restore refuses a running platform and backup reads a consistent snapshot.
    exclusive: (_command, work) => work(),
  };
}

function describe(item: { what: string; path: string; bytes?: number }): string {
  const size = item.bytes === undefined ? '' : `, ${formatSize(item.bytes)}`;
  return `${item.path} (${item.what}${size})`;
}

interface BackupFlags extends EnvFlags {
  to?: string;
  passphraseEnv?: string;
  output: 'text' | 'json';
  dryRun?: boolean;
}

interface RestoreFlags extends EnvFlags {
  yes?: boolean;
  passphraseEnv?: string;
  output: 'text' | 'json';
  dryRun?: boolean;
}

/** `backup`, `restore`, `cleanup`: the runbook's disaster recovery and its clean-up script. */
export function registerBackupCommands(program: Command): void {
  withEnvOptions(
    program
      .command('backup')
      .description(
        'Back up the catalog database, every object of the warehouse bucket, the config and secrets; verified by checksums',
      ),
  )
    .option('--to <dir>', 'backup directory (default: <state dir>-backups/<UTC time>)')
    .option(
      '--passphrase-env <VAR>',
      'encrypt the secrets (AES-256-GCM) with the passphrase in this environment variable',
    )
    .option('--dry-run', 'show what would be backed up; write nothing')
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (flags: BackupFlags) => {
      const passphrase = passphraseFrom(flags.passphraseEnv);
      const { runBackup, backupName, pruneBackups } = await import('../ops/backup/index.js');
      const { defaultBackupsDir } = await import('../targets/local/backup/index.js');
      const { values, target, exclusive } = await backupTarget(flags);
      const now = new Date();
      const root = defaultBackupsDir(stateDir());
      const dir = flags.to !== undefined ? resolve(flags.to) : join(root, backupName(now));
      const inState = relative(stateDir(), dir);
      if (!flags.dryRun && !inState.startsWith('..') && !inState.startsWith('/')) {
        process.stderr.write(
          `⚠ ${dir} is inside the state directory: \`lakehouse cleanup\` and \`down --purge\` delete it\n`,
        );
      }
      const progress = createProgress(process.stderr, flags.output === 'json');
      try {
        const result = await exclusive('backup', () =>
          runBackup(target, {
            dir,
            ...(passphrase !== undefined ? { passphrase } : {}),
            dryRun: flags.dryRun ?? false,
            progress,
            now,
          }),
        );
        let pruned: string[] = [];
        if (!result.dryRun && flags.to === undefined) {
          pruned = await pruneBackups(root, durationSeconds(values.retention.backups), now);
        }
        if (flags.output === 'json') {
          const { manifest, ...rest } = result;
          process.stdout.write(
            `${JSON.stringify({ ...rest, pruned, totals: manifest?.totals, contents: manifest?.contents }, null, 2)}\n`,
          );
          return;
        }
        const p = result.plan;
        if (result.dryRun) {
          process.stdout.write(
            [
              `Would back up into ${p.dir}:`,
              `  catalog database (${p.catalogDatabase}), a consistent snapshot`,
              `  ${p.objects.count} objects, ${formatSize(p.objects.bytes)}, of bucket ${values.minio.bucket}`,
              `  config (values in effect, release history) and secrets (${p.secrets})`,
              'Nothing was written (--dry-run).',
              '',
            ].join('\n'),
          );
          return;
        }
        const out: string[] = [];
        if (!passphrase)
          out.push(
            '⚠ secrets are stored unencrypted (mode 0600, directory 0700); --passphrase-env <VAR> encrypts them',
          );
        for (const name of pruned)
          out.push(
            `ℹ removed backup ${name} (older than retention.backups ${values.retention.backups})`,
          );
        const v = result.verified ?? { files: 0, bytes: 0 };
        out.push(`✔ Backup verified: ${v.files} files, ${formatSize(v.bytes)}, ${dir}`);
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await target.close();
      }
    });

  withEnvOptions(
    program
      .command('restore <backup>')
      .description(
        'Restore a backup into a stopped or wiped platform (on Kubernetes: into the deployed one, in place), then start it and check every table loads',
      ),
  )
    .option('-y, --yes', 'replace existing platform data (not needed for a wiped or new one)')
    .option(
      '--passphrase-env <VAR>',
      'the environment variable holding the passphrase the secrets were encrypted with',
    )
    .option('--dry-run', 'verify the backup and show what would change; change nothing')
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (backup: string, flags: RestoreFlags) => {
      const passphrase = passphraseFrom(flags.passphraseEnv);
      const { runRestore } = await import('../ops/backup/index.js');
      const { target, exclusive } = await backupTarget(flags);
      const progress = createProgress(process.stderr, flags.output === 'json');
      try {
        const result = await exclusive('restore', () =>
          runRestore(target, {
            dir: backup,
            yes: flags.yes ?? false,
            ...(passphrase !== undefined ? { passphrase } : {}),
            dryRun: flags.dryRun ?? false,
            progress,
          }),
        );
        if (flags.output === 'json') {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const src = `taken ${result.source.createdAt} from environment "${result.source.env}"`;
        if (result.dryRun) {
          process.stdout.write(
            [
              `Backup ${backup} (${src}) is whole. A restore would:`,
              result.replaced.length > 0
                ? `  replace the existing ${result.replaced.join(', ')}${flags.yes ? '' : ' (needs --yes)'}`
                : '  write into an empty platform',
              `  restore the credentials, ${result.config.length} config files, the catalog database`,
              `  write back ${result.objects.count} objects, ${formatSize(result.objects.bytes)}`,
              '  start the platform and check every table loads',
              'Nothing was changed (--dry-run).',
              '',
            ].join('\n'),
          );
          return;
        }
        const tables = result.tables ?? [];
        const out = [
          `✔ Restored ${backup} (${src})`,
          `  ${result.objects.count} objects, ${formatSize(result.objects.bytes)}; ${result.namespaces ?? 0} namespaces, ${tables.length} tables load:`,
          ...tables.map((t) => `    ${t.table}${t.rows === undefined ? '' : `  ${t.rows} rows`}`),
        ];
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await target.close();
      }
    });

  program
    .command('cleanup')
    .description(
      'Remove the platform and its data (stop it, delete the state directory) after confirmation; --env <k8s env>: what bootstrap made in the cluster',
    )
    .option('-y, --yes', 'do not ask (needed without a terminal)')
    .option('--cache', 'also delete downloads and builds (~/.cache/lakehouse)')
    .option('--dry-run', 'show what would be deleted; delete nothing')
    .option('--env <name>', 'a Kubernetes environment: remove what bootstrap made in its cluster')
    .option('--kubeconfig <file>', 'Kubernetes: the kubeconfig (default $KUBECONFIG)')
    .option('--kube-context <name>', 'Kubernetes: the kubeconfig context to use')
    .action(
      async (flags: {
        yes?: boolean;
        cache?: boolean;
        dryRun?: boolean;
        env?: string;
        kubeconfig?: string;
        kubeContext?: string;
      }) => {
        if (flags.env !== undefined && flags.env !== 'local') {
          const { cleanupKubernetes } = await import('./kubernetes.js');
          await cleanupKubernetes({ ...flags, env: flags.env, values: [] });
          return;
        }
        const { confirmationDecision, isYes } = await import('../ops/cleanup/index.js');
        const { planCleanup, runCleanup } = await import('../targets/local/cleanup/index.js');
        const dir = stateDir();
        const plan = await planCleanup(dir, flags.cache ?? false);
        const lines = [
          ...plan.delete.map((i) => `  delete ${describe(i)}`),
          ...plan.keep.map((i) => `  keep   ${describe(i)}`),
        ];
        if (plan.delete.length === 0) {
          process.stdout.write(
            `ℹ nothing to clean up: ${dir} does not exist\n${lines.length ? `${lines.join('\n')}\n` : ''}`,
          );
          return;
        }
        process.stderr.write(
          `lakehouse cleanup stops the platform and will:\n${lines.join('\n')}\n`,
        );
        if (flags.dryRun) {
          process.stdout.write('Nothing was deleted (--dry-run).\n');
          return;
        }
        const decision = confirmationDecision({
          yes: flags.yes ?? false,
          interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
        });
        if (decision.action === 'refuse') {
          throw new UserError(
            `cleanup needs confirmation: ${decision.reason}; nothing was deleted`,
            'pass --yes to confirm',
          );
        }
        if (decision.action === 'ask') {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question('Delete all of this? [y/N] ');
          rl.close();
          if (!isYes(answer))
            throw new UserError('nothing was deleted', 'run again and answer y to delete', 1);
        }
        const result = await runCleanup(dir, flags.cache ?? false);
        const stopped = result.stopped.length ? `stopped ${result.stopped.join(', ')}; ` : '';
        process.stdout.write(`✔ ${stopped}deleted ${plan.delete.map((i) => i.path).join(', ')}\n`);
      },
    );
}
