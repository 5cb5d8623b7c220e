/**
 * Finds the running supervisor of a state directory or starts one, detached, so it outlives
 * the CLI that started it.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../../platform/paths.js';
import { SupervisorClient } from './client.js';
import { readLockHolder } from './lock.js';
import { supervisorPaths } from './paths.js';
import { readLogTail } from './log-tail.js';

export interface EnsureSupervisorOptions {
  stateDir: string;
  /**
   * The command line that runs the supervisor, e.g.
   * `[process.execPath, 'bin/lakehouse.js', 'supervisor', 'run', '--state-dir', dir]`.
   */
  launch: string[];
  /** Environment of the supervisor (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Working directory of the supervisor (default: the state directory). */
  cwd?: string;
  timeoutMs?: number;
}

/** The command line of `lakehouse supervisor run` for this checkout (what `up` passes as launch). */
export function supervisorLaunchCommand(stateDir: string): string[] {
  return [
    process.execPath,
    join(repoRoot, 'bin', 'lakehouse.js'),
    'supervisor',
    'run',
    '--state-dir',
    stateDir,
  ];
}

export class SupervisorStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n${logTail}` : message);
    this.name = 'SupervisorStartError';
  }
}

export async function ensureSupervisor(
  options: EnsureSupervisorOptions,
): Promise<SupervisorClient> {
  const paths = supervisorPaths(options.stateDir);
  const client = new SupervisorClient(paths.socket);
  if (await answers(client)) return client;

  const timeoutMs = options.timeoutMs ?? 30_000;
  // A live lock holder is a supervisor still getting ready (cleaning up after its predecessor):
  // wait for it instead of starting a second one, which would only fail on the lock.
  if (readLockHolder(options.stateDir, paths.lockName) === null) {
    const [command, ...args] = options.launch;
    if (!command) throw new Error('ensureSupervisor: empty launch command');
    mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
    const log = openSync(paths.supervisorLog, 'a', 0o600);
    let exit: { code: number | null; signal: string | null } | null = null;
    try {
      const child = spawn(command, args, {
        detached: true,
        stdio: ['ignore', log, log],
        env: options.env ?? process.env,
        // Not the caller's directory: a long-lived daemon should not pin wherever the CLI ran.
        cwd: options.cwd ?? options.stateDir,
      });
      child.once('exit', (code, signal) => (exit = { code, signal }));
      child.once('error', () => (exit = { code: null, signal: null }));
      child.unref();
    } finally {
      closeSync(log);
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await answers(client)) return client;
      if (exit !== null) {
        // It may have lost the race to a supervisor another command started: that one counts.
        await sleep(200);
        if (await answers(client)) return client;
        throw new SupervisorStartError(
          `the supervisor exited while starting (${describeExit(exit)}); its log ${paths.supervisorLog} ends with:`,
          readLogTail(paths.supervisorLog, 20),
        );
      }
      await sleep(100);
    }
    throw new SupervisorStartError(
      `the supervisor did not answer on ${paths.socket} within ${timeoutMs} ms; its log ends with:`,
      readLogTail(paths.supervisorLog, 20),
    );
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(client)) return client;
    if (readLockHolder(options.stateDir, paths.lockName) === null) {
      // It died while starting: start our own.
      return ensureSupervisor({ ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
    }
    await sleep(100);
  }
  throw new SupervisorStartError(
    `a supervisor holds ${paths.runDir} but does not answer on ${paths.socket}`,
    readLogTail(paths.supervisorLog, 20),
  );
}

async function answers(client: SupervisorClient): Promise<boolean> {
  try {
    await client.ping(2_000);
    return true;
  } catch {
    // Unavailable, or alive but stuck: either way not a supervisor we can use yet.
    return false;
  }
}

function describeExit(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
