import { Command, CommanderError } from 'commander';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';
import { registerAlertsCommand } from './alerts.js';
import { registerBackupCommands } from './backup.js';
import { registerCatalogCommands } from './catalog.js';
import { registerCheckCommand } from './check.js';
import { registerConsoleCommands } from './console.js';
import { registerDagsCommands } from './dags.js';
import { registerDiagnoseCommands } from './diagnose.js';
import { registerInfraCommands } from './infra.js';
import { registerKubernetesCommands } from './kubernetes.js';
import { registerSupervisorCommands } from './supervisor.js';
import { registerPlatformCommands } from './platform.js';
import { registerReleaseCommands, registerVerifyCommand } from './releases.js';
import { registerSecretsCommands } from './secrets.js';
import { ConfigError } from '../platform/config/index.js';

function buildProgram(): Command {
  const program = new Command()
    .name('lakehouse')
    .description(
      'Run and operate the Lakehouse platform: MinIO, the Iceberg catalog, Trino, Airflow, observability.',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCatalogCommands(program);
  registerPlatformCommands(program);
  registerCheckCommand(program);
  registerConsoleCommands(program);
  registerDagsCommands(program);
  registerDiagnoseCommands(program);
  registerSupervisorCommands(program);
  registerAlertsCommand(program);
  registerBackupCommands(program);
  registerReleaseCommands(program);
  registerVerifyCommand(program);
  registerSecretsCommands(program);
  registerInfraCommands(program);
  registerKubernetesCommands(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed the usage problem (or the help/version text).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof ConfigError) {
      // Its message lists every problem with the file, key, allowed values and fix.
      process.stderr.write(`✗ ${err.message}\n`);
      return 1;
    }
    if (err instanceof UserError) {
      process.stderr.write(`✗ ${err.message}\n`);
      if (err.help) process.stderr.write(`  ${err.help}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `✗ internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 70;
  }
}

const code = await main(process.argv);
if (code !== 0) process.exitCode = code;
