import { join, resolve } from 'node:path';
import { execTool } from '../../src/targets/kubernetes/cluster/index.js';

/** The repository the tests run from, and its CLI entry point. */
export const repo = resolve(import.meta.dirname, '..', '..');
export const cli = join(repo, 'bin', 'lakehouse.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Where it runs (default: this repository). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Another clone's `bin/lakehouse.js` (default: this repository's). */
  entry?: string;
  /** Killed after this long, so a hung command fails its test instead of the whole run. */
  timeoutMs?: number;
}

/** Runs `lakehouse <args>` as a child process and collects its output. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  return execTool(process.execPath, [opts.entry ?? cli, ...args], {
    cwd: opts.cwd ?? repo,
    env: opts.env ?? process.env,
    timeoutMs: opts.timeoutMs ?? 600_000,
  });
}

/** Runs `lakehouse <args>` against the given state directory. */
export function runLakehouse(home: string, args: string[], timeoutMs = 600_000): Promise<CliRun> {
  return runCli(args, { env: { ...process.env, LAKEHOUSE_HOME: home }, timeoutMs });
}
