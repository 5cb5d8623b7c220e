import { Option, type Command } from 'commander';
import { loadValues } from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';
import { type EnvFlags, withEnvOptions } from './options.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** `console`: where the console is and whether it answers; `console serve`: the process itself. */
export function registerConsoleCommands(program: Command): void {
  const consoleCmd = withEnvOptions(
    program
      .command('console')
      .description(
        "Print the Lakehouse console's address (one web page with every process, alert, finding and dashboard) and whether it answers",
      ),
  ).action(async (flags: EnvFlags) => {
    const values = await loadValues({ env: flags.env, files: flags.values });
    const { consoleUrl } = await import('../targets/local/platform/index.js');
    const { isLoopback } = await import('../console/index.js');
    const { consoleTokenFile } = await import('../targets/local/secrets.js');
    if (values.global.target !== 'local') {
      throw new UserError(
        `environment "${flags.env}" runs on Kubernetes: the console runs with the local platform`,
        'on Kubernetes, the observability chart runs Grafana with the same dashboards',
      );
    }
    if (!values.console.enabled) {
      throw new UserError(
        'the console is switched off (console.enabled: false)',
        'set console.enabled: true in the values, then run `lakehouse up`',
      );
    }
    const url = consoleUrl(values);
    const answer = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(3_000) })
      .then(async (r) => (r.ok ? ((await r.json()) as { version?: string }) : null))
      .catch(() => null);
    const lines = [`Lakehouse console  ${url}`];
    if (!isLoopback(values.console.host)) {
      // The token itself is never printed: the file is readable by its owner only.
      lines.push(
        `  needs its token: open ${url}?token=<the token in ${consoleTokenFile(stateDir())}> once`,
      );
    }
    if (answer) {
      lines.push(`  ✔ answers (lakehouse ${answer.version ?? '?'})`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return;
    }
    lines.push('  ✗ does not answer: `lakehouse up` starts it, `lakehouse logs console` says why');
    process.stdout.write(`${lines.join('\n')}\n`);
    throw new ExitError(1);
  });

  withEnvOptions(
    consoleCmd
      .command('serve')
      .description('Run the console server (`lakehouse up` runs it under the supervisor)'),
  )
    .option('--host <address>', 'address to bind (default: console.host of the values)')
    .option('--port <port>', 'port to listen on (default: console.port of the values)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        throw new UserError(`--port ${v} is not a TCP port`, 'give an integer from 1 to 65535', 2);
      }
      return n;
    })
    .addOption(
      new Option('--log-level <level>', 'request log level').choices(LEVELS).default('info'),
    )
    .action(async (flags: EnvFlags & { host?: string; port?: number; logLevel: string }) => {
      const values = await loadValues({ env: flags.env, files: flags.values });
      const { startConsole } = await import('../console/index.js');
      const running = await startConsole({
        env: flags.env,
        valuesFiles: flags.values,
        stateDir: stateDir(),
        host: flags.host ?? values.console.host,
        port: flags.port ?? values.console.port,
        logLevel: flags.logLevel,
      }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE' || err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES') {
          throw new UserError(
            `the console cannot listen: ${err.message}`,
            'set console.host / console.port in the values to an address this machine has and a free port',
          );
        }
        throw err;
      });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          running.close().finally(resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
