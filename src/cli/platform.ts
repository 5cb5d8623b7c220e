import { InvalidArgumentError, type Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { loadValues } from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';
import { createProgress } from './progress.js';
import type { ScrapeTarget } from '../targets/local/observability/index.js';
import { type EnvFlags, withEnvOptions, outputOption } from './options.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number, 0 or more');
  return n;
}

function formatUptime(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

/** Prometheus' scrape targets as a table: job, instance, health, last error. */
function renderScrapeTargets(
  targets: ScrapeTarget[] | null,
  renderTable: typeof import('../targets/local/trino/index.js').renderTable,
): string {
  if (targets === null) return 'scrape targets: (Prometheus not running)\n';
  if (targets.length === 0) return 'scrape targets: none\n';
  const table = renderTable({
    columns: ['job', 'instance', 'health', 'last error'].map((name) => ({ name, type: 'varchar' })),
    rows: targets.map((t) => [t.job, t.instance, t.health, t.lastError || '-']),
  });
  return `scrape targets:\n${table.replace(/\(\d+ rows?\)\n$/, '')}`;
}

/** `up`, `down`, `status`, `logs`, `sql`: the platform on this machine. */
export function registerPlatformCommands(program: Command): void {
  withEnvOptions(
    program
      .command('up')
      .description(
        'Install what is missing and start the platform, each component healthy before the next',
      ),
  )
    .addOption(outputOption(['text', 'json'], 'text'))
    .action(async (flags: EnvFlags & { output: string }) => {
      const { upLocal } = await import('../targets/local/platform/index.js');
      const progress = createProgress(process.stderr);
      const result = await upLocal({
        env: flags.env,
        valuesFiles: flags.values,
        stateDir: stateDir(),
        progress,
      });
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      out.push(result.changed ? '\n✔ Platform ready' : '\nℹ Platform already up; nothing changed');
      for (const e of result.endpoints) out.push(`  ${e.what.padEnd(22)} ${e.url}`);
      out.push(`  Credentials (0600)     ${result.credentialsFile}`);
      if (result.airflowCredentialsFile)
        out.push(`  Airflow admin (0600)   ${result.airflowCredentialsFile}  (user admin)`);
      if (result.consoleTokenFile)
        out.push(
          `  Console token (0600)   ${result.consoleTokenFile}  (open the console once with ?token=…)`,
        );
      out.push('\nNext: lakehouse status · lakehouse sql "SELECT 1" · lakehouse logs <component>');
      process.stdout.write(`${out.join('\n')}\n`);
    });

  program
    .command('down')
    .description('Stop the platform gracefully; --purge also deletes its data')
    .option('--purge', 'also delete data, credentials and logs (the state directory)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (flags: { purge?: boolean; yes?: boolean }) => {
      const dir = stateDir();
      if (flags.purge && !flags.yes) {
        if (!process.stdin.isTTY) {
          throw new UserError(
            '--purge deletes all platform data and needs confirmation',
            'pass --yes to confirm',
          );
        }
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await rl.question(
          `Delete all data, credentials and logs in ${dir}? Type "yes": `,
        );
        rl.close();
        if (answer.trim() !== 'yes')
          throw new UserError('nothing deleted', 'run again and type yes to purge');
      }
      const { downLocal } = await import('../targets/local/platform/index.js');
      const result = await downLocal({ stateDir: dir, purge: flags.purge ?? false });
      const stopped =
        result.stopped.length > 0 ? `stopped ${result.stopped.join(', ')}` : 'nothing was running';
      process.stdout.write(`✔ ${stopped}${result.purged ? `; deleted ${dir}` : ''}\n`);
    });

  withEnvOptions(
    program
      .command('status')
      .description(
        'Each process: state, version, pid, ports, health, uptime, restarts (on Kubernetes: each component’s pods, helm revision, ArgoCD sync and health)',
      ),
  )
    .addOption(outputOption(['table', 'json'], 'table'))
    .action(async (flags: EnvFlags & { output: string }) => {
      const values = await loadValues({ env: flags.env, files: flags.values });
      if (values.global.target === 'kubernetes') {
        const { printKubernetesStatus } = await import('./kubernetes.js');
        await printKubernetesStatus(flags, flags.output);
        return;
      }
      const { statusLocal } = await import('../targets/local/platform/index.js');
      const { renderTable } = await import('../targets/local/trino/index.js');
      const status = await statusLocal({ stateDir: stateDir(), values });
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
        return;
      }
      const names = [
        'process',
        'component',
        'state',
        'version',
        'pid',
        'ports',
        'health',
        'uptime',
        'restarts',
      ];
      const rows = status.processes.map((p) => [
        p.name,
        p.component,
        p.paused ? `${p.state} (paused)` : p.state,
        p.version.length > 20 ? `${p.version.slice(0, 19)}…` : p.version,
        p.pid === null ? '-' : String(p.pid),
        p.ports.join(','),
        p.health,
        formatUptime(p.uptimeSeconds),
        String(p.restarts),
      ]);
      const table = renderTable({
        columns: names.map((name) => ({ name, type: 'varchar' })),
        rows,
      });
      process.stdout.write(table.replace(/\(\d+ rows?\)\n$/, ''));
      for (const c of status.pausedComponents) {
        process.stdout.write(
          `⏸ ${c}: reconciliation PAUSED (emergency rollback) — \`lakehouse resume ${c}\` resumes it\n`,
        );
      }
      const rotation = status.rotation;
      if (rotation) {
        const { CREDENTIAL_SET_LABEL, notRestarted } = await import('../ops/index.js');
        const what = `a rotation of ${CREDENTIAL_SET_LABEL[rotation.set]} (started ${rotation.startedAt})`;
        process.stdout.write(
          rotation.running
            ? `🔑 ${what} is running\n`
            : `⚠ ${what} did not finish: ${notRestarted(rotation).join(', ') || 'its last check'} still to do — \`lakehouse secrets rotate ${rotation.set}\` finishes it\n`,
        );
      }
      process.stdout.write(
        status.supervisor.running
          ? `supervisor pid ${status.supervisor.pid}\n`
          : 'platform is down (lakehouse up starts it)\n',
      );
      if (values.observability.prometheus.enabled) {
        process.stdout.write(`\n${renderScrapeTargets(status.scrapeTargets, renderTable)}`);
      }
      if (values.airflow.enabled && status.supervisor.running) {
        const { importErrorsForStatus } = await import('./dags.js');
        process.stdout.write(await importErrorsForStatus(flags.env, flags.values));
      }
    });

  withEnvOptions(
    program
      .command('logs <process>')
      .description(
        'Show a process log: minio, iceberg-catalog (catalog), trino-coordinator (trino), trino-worker-N, prometheus, alertmanager, node-exporter, statsd-exporter, airflow-*, supervisor (on Kubernetes: a component’s pods, or one pod)',
      ),
  )
    .option('--tail <lines>', 'lines from the end', positiveInt, 100)
    .option('--follow', 'keep printing what is appended (Ctrl-C stops)')
    .action(async (name: string, flags: EnvFlags & { tail: number; follow?: boolean }) => {
      const values = await loadValues({ env: flags.env, files: flags.values });
      if (values.global.target === 'kubernetes') {
        const { printKubernetesLogs } = await import('./kubernetes.js');
        await printKubernetesLogs(flags, name, flags.tail, flags.follow ?? false);
        return;
      }
      const { followLog, resolveLogFile, statusLocal, tailLog } =
        await import('../targets/local/platform/index.js');
      const known = (await statusLocal({ stateDir: stateDir(), values })).processes.map(
        (p) => p.name,
      );
      const file = resolveLogFile(stateDir(), name, known);
      const tail = tailLog(file, flags.tail);
      process.stdout.write(tail.endsWith('\n') || tail === '' ? tail : `${tail}\n`);
      if (!flags.follow) return;
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      process.once('SIGTERM', () => abort.abort());
      await followLog(file, (chunk) => process.stdout.write(chunk), abort.signal);
    });

  withEnvOptions(
    program
      .command('sql [query]')
      .description('Run SQL on Trino; without a query, an interactive prompt'),
  )
    .addOption(outputOption(['table', 'json', 'csv'], 'table'))
    .option('--catalog <name>', 'default catalog', 'iceberg')
    .option('--schema <name>', 'default schema')
    .action(
      async (
        query: string | undefined,
        flags: EnvFlags & { output: 'table' | 'json' | 'csv'; catalog: string; schema?: string },
      ) => {
        const values = await loadValues({ env: flags.env, files: flags.values });
        const { TrinoClient, TrinoQueryError, renderResult } =
          await import('../targets/local/trino/index.js');
        const baseUrl = `http://127.0.0.1:${values.trino.coordinator.port}`;
        const client = new TrinoClient({
          baseUrl,
          catalog: flags.catalog,
          schema: flags.schema,
          source: 'lakehouse-sql',
        });
        const run = async (sql: string): Promise<boolean> => {
          try {
            process.stdout.write(renderResult(await client.query(sql), flags.output));
            return true;
          } catch (err) {
            if (err instanceof TrinoQueryError) {
              process.stderr.write(`✗ ${err.message}\n`);
              return false;
            }
            if (
              err instanceof Error &&
              /ECONNREFUSED|fetch failed/.test(`${err.message} ${String(err.cause)}`)
            ) {
              throw new UserError(
                `Trino is not reachable at ${baseUrl}`,
                'start the platform with `lakehouse up`; `lakehouse status` shows what runs',
              );
            }
            throw err;
          }
        };
        if (query !== undefined) {
          if (!(await run(query))) throw new ExitError(1);
          return;
        }
        const rl = createInterface({
          input: process.stdin,
          output: process.stderr,
          terminal: process.stdin.isTTY,
        });
        let buffer = '';
        rl.setPrompt('lakehouse> ');
        rl.prompt();
        for await (const line of rl) {
          buffer += `${line}\n`;
          if (/;\s*$/.test(buffer)) {
            const sql = buffer.trim().replace(/;\s*$/, '');
            buffer = '';
            if (/^(quit|exit)$/i.test(sql)) break;
            if (sql) await run(sql);
          }
          rl.setPrompt(buffer ? '        -> ' : 'lakehouse> ');
          rl.prompt();
        }
        rl.close();
      },
    );
}
