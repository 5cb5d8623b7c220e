import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stateDir } from '../platform/paths.js';

/**
 * `lakehouse supervisor run`: the detached supervisor process. Hidden: `lakehouse up` starts it;
 * nobody types it.
 */
export function registerSupervisorCommands(program: Command): void {
  const supervisor = program
    .command('supervisor', { hidden: true })
    .description('The process supervisor of the local target (internal)');
  supervisor
    .command('run')
    .description('Run the supervisor in the foreground until it is told to shut down')
    .option('--state-dir <dir>', 'the platform state directory', stateDir())
    .action(async (flags: { stateDir: string }) => {
      const { runSupervisor } = await import('../targets/local/supervisor/index.js');
      await runSupervisor({ stateDir: resolve(flags.stateDir) });
    });
}
