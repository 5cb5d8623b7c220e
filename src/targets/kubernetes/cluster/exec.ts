import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin (a manifest for `apply -f -`). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** The command could not start: the binary is missing or not executable. */
export class ToolMissingError extends Error {
  constructor(
    readonly command: string,
    cause: string,
  ) {
    super(`could not run ${command}: ${cause}`);
    this.name = 'ToolMissingError';
  }
}

/**
 * Runs a CLI (helm, kubectl, git, tofu) to completion and keeps its whole output: their stdout is
 * data (JSON, manifests) the caller parses. A timeout kills it and is reported as code null.
 */
export function execTool(
  command: string,
  args: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = opts.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs)
      : undefined;
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(new ToolMissingError(command, e.code === 'ENOENT' ? 'not found' : e.message));
    });
    child.once('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A command that exits before reading its stdin closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
