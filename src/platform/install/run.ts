import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr, interleaved as they arrived. */
  tail: string;
}

/** A run with `keepOutput`: its whole stdout and stderr besides the tail. */
export interface CapturedRun extends RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long: the result then has code null. */
  timeoutMs?: number;
  /** How many trailing output lines to keep for error messages. */
  tailLines?: number;
  /** Written to the command's stdin (a manifest for `kubectl apply -f -`); else stdin is /dev/null. */
  input?: string;
  /**
   * Keep stdout and stderr whole, for a command whose output is data the caller parses (JSON,
   * manifests). Off by default: builds print a lot and only their tail is ever shown.
   */
  keepOutput?: boolean;
  /** Each chunk of stdout and stderr as it arrives, for a command whose output shows live. */
  onOutput?: (text: string) => void;
}

/** Thrown when the command itself cannot be started (usually: not on PATH). */
export class SpawnError extends Error {
  constructor(
    readonly command: string,
    /** Node's error code: ENOENT when the binary is not there, EACCES when it is not executable. */
    readonly code: string | undefined,
    /** Why, in Node's words: "spawn helm ENOENT". */
    readonly reason: string,
  ) {
    super(`could not run ${command}: ${reason}`);
    this.name = 'SpawnError';
  }
}

/**
 * Runs a command to completion: the one way this program runs another. The tail of its output is
 * kept for error messages; with `keepOutput`, stdout and stderr are kept whole as well.
 */
export function run(
  command: string,
  args: string[],
  opts: RunOptions & { keepOutput: true },
): Promise<CapturedRun>;
export function run(command: string, args: string[], opts?: RunOptions): Promise<RunResult>;
export function run(
  command: string,
  args: string[],
  opts: RunOptions = {},
): Promise<RunResult | CapturedRun> {
  const keep = opts.tailLines ?? 30;
  return new Promise((resolve, reject) => {
    const base = { cwd: opts.cwd, env: opts.env ?? process.env };
    const child =
      opts.input === undefined
        ? spawn(command, args, { ...base, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(command, args, { ...base, stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let partial = '';
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const collect = (chunk: Buffer, whole: Buffer[]): void => {
      if (opts.keepOutput) whole.push(chunk);
      const text = chunk.toString('utf8');
      opts.onOutput?.(text);
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
      // Twice the tail is kept, so blank lines at the end do not push out lines that say something.
      if (lines.length > keep * 4) lines.splice(0, lines.length - keep * 2);
    };
    child.stdout.on('data', (c: Buffer) => collect(c, out));
    child.stderr.on('data', (c: Buffer) => collect(c, err));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(new SpawnError(command, e.code, e.message));
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (partial) lines.push(partial);
      const tail = lines.join('\n').trimEnd().split('\n').slice(-keep).join('\n');
      if (!opts.keepOutput) {
        resolve({ code, signal, tail });
        return;
      }
      resolve({
        code,
        signal,
        tail,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (child.stdin) {
      // A command that exits before reading its stdin closes the pipe: not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
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
