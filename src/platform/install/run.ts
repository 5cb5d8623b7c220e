import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  tail: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** How many trailing output lines to keep for error messages. */
  tailLines?: number;
}

/** Thrown when the command itself cannot be started (usually: not on PATH). */
export class SpawnError extends Error {
  constructor(
    readonly command: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

/**
 * Runs a command to completion, keeping only the tail of its output: builds print a lot and we
 * only ever show the end of it, when something failed.
 */
export async function run(
  command: string,
  args: string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const keep = opts.tailLines ?? 30;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let partial = '';
    const collect = (chunk: Buffer): void => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > keep * 2) lines.splice(0, lines.length - keep);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(new SpawnError(command, err.code, `could not run ${command}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partial) lines.push(partial);
      resolve({ code, signal, tail: lines.slice(-keep).join('\n').trimEnd() });
    });
  });
}

/** True when `command args` exits 0 within the timeout. */
export async function runsOk(
  command: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<boolean> {
  try {
    const r = await run(command, args, { timeoutMs });
    return r.code === 0;
  } catch {
    return false;
  }
}
