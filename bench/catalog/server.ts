// Starting a catalog server as a child process, waiting until it answers, and stopping it.
// Shared by the two servers the benchmark compares; knows nothing about either.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { waitFor } from '../../src/lib/index.js';

/** A catalog server the benchmark started and must stop. */
export interface RunningServer {
  /** Label used in the table and the JSON ("lakehouse", "iceberg-rest"). */
  name: string;
  /** e.g. http://127.0.0.1:40123 — no trailing slash. */
  baseUrl: string;
  pid: number | undefined;
  /** Version string for the report. */
  version: string;
  /** Where it keeps its catalog state and table metadata, for the report. */
  store: string;
  warehouse: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface SpawnSpec {
  what: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** URL that answers 200 once the server is ready. */
  healthUrl: string;
  startTimeoutMs: number;
  /** Extra advice appended when the server does not come up. */
  hint?: string;
}

export interface SpawnedProcess {
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The last `lines` lines of a log file, or '' when it cannot be read. */
export function tailOf(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === 200;
}

/**
 * Spawns the server with its output going to `logFile`, and resolves once `healthUrl` answers 200.
 * Rejects (after killing the child) when the child exits first or the start times out; the error
 * carries the end of the log.
 */
export async function spawnServer(spec: SpawnSpec): Promise<SpawnedProcess> {
  const log = openSync(spec.logFile, 'a');
  let child;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const stop = async (): Promise<void> => {
    if (exited || child.exitCode !== null || child.pid === undefined) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([
      exitPromise.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref()),
    ]);
    if (!killed) {
      child.kill('SIGKILL');
      await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
  };

  const fail = (why: string): Error => {
    const tail = tailOf(spec.logFile);
    return new Error(
      `${spec.what} did not start: ${why}.` +
        (tail ? `\n  last lines of ${spec.logFile}:\n    ${tail.split('\n').join('\n    ')}` : '') +
        (spec.hint ? `\n  ${spec.hint}` : ''),
    );
  };

  try {
    await Promise.race([
      waitFor(() => healthy(spec.healthUrl), {
        timeoutMs: spec.startTimeoutMs,
        intervalMs: 200,
        what: `${spec.what} at ${spec.healthUrl}`,
      }),
      exitPromise.then(() => {
        throw new Error('exited');
      }),
    ]);
  } catch (err) {
    await stop();
    if (spawnError) throw fail(`could not run ${spec.command}: ${spawnError.message}`);
    if (exited) {
      throw fail(
        `it exited early (${exited.signal ? `signal ${exited.signal}` : `code ${exited.code}`})`,
      );
    }
    throw fail(err instanceof Error ? err.message : String(err));
  }
  return { pid: child.pid, stop };
}
