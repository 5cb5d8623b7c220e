import { Option, type Command } from 'commander';
import { loadValues } from '../platform/config/index.js';
import { UserError } from '../lib/index.js';
import { collect } from './options.js';

interface AlertsFlags {
  env: string;
  values: string[];
  output: 'text' | 'json';
  all?: boolean;
  url?: string;
}

/**
 * `lakehouse alerts`: what is firing now, from Alertmanager's API — severity, alert, component,
 * since when, the summary and what to do (the rule's description). Active alerts only unless
 * `--all` (then silenced and inhibited ones too, marked as such).
 */
export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('Alerts firing now (from Alertmanager), with the action to take for each')
    .option('--env <name>', 'environment: env/<name>/helm-values.yaml', 'local')
    .option(
      '-f, --values <file>',
      'extra values file merged on top (repeatable, like helm -f)',
      collect,
      [],
    )
    .option('--all', 'also list alerts muted by a silence or an inhibition rule')
    .option('--url <url>', "Alertmanager (default: 127.0.0.1 on the environment's port)")
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .action(async (flags: AlertsFlags) => {
      const values = await loadValues({ env: flags.env, files: flags.values });
      const { alertmanager } = values.observability;
      if (!alertmanager.enabled && !flags.url) {
        throw new UserError(
          `Alertmanager is not enabled in the ${flags.env} environment`,
          'set observability.alertmanager.enabled: true in env/<env>/helm-values.yaml (or -f a values file) and run lakehouse up',
        );
      }
      const {
        AlertmanagerApiError,
        AlertmanagerClient,
        AlertmanagerUnreachableError,
        renderAlerts,
        toFiringAlerts,
      } = await import('../ops/alerts/index.js');
      const client = new AlertmanagerClient({
        baseUrl: flags.url ?? `http://127.0.0.1:${alertmanager.port}`,
      });
      const all = flags.all ?? false;
      let raw;
      try {
        raw = await client.alerts({ silenced: all, inhibited: all });
      } catch (err) {
        if (err instanceof AlertmanagerUnreachableError) {
          throw new UserError(
            err.message,
            flags.url
              ? 'check the URL (a cluster needs a port-forward first)'
              : 'start the platform: lakehouse up (lakehouse status shows whether alertmanager runs)',
          );
        }
        if (err instanceof AlertmanagerApiError) {
          throw new UserError(err.message, 'lakehouse logs alertmanager shows what went wrong');
        }
        throw err;
      }
      const alerts = toFiringAlerts(raw);
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
        return;
      }
      process.stdout.write(renderAlerts(alerts, new Date()));
    });
}
