import { run, SpawnError, type RunOptions } from '../../../platform/install/index.js';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type ExecOptions = Pick<RunOptions, 'input' | 'env' | 'cwd' | 'timeoutMs'>;

/**
 * The command could not start: the binary is missing or not executable. A SpawnError, so one
 * `instanceof` catches both; its reason says "not found" rather than Node's "spawn kubectl ENOENT".
 */
export class ToolMissingError extends SpawnError {
  constructor(command: string, reason: string, code?: string) {
    super(command, code, reason);
    this.name = 'ToolMissingError';
  }
}

/**
 * `run` for a CLI (helm, kubectl, git, tofu) whose stdout is data (JSON, manifests) the caller
 * parses: the whole output is kept, and a binary that cannot start is a ToolMissingError. A
 * timeout kills it and is reported as code null.
 */
export async function execTool(
  command: string,
  args: string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  try {
    const r = await run(command, args, { ...opts, keepOutput: true });
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new ToolMissingError(
        command,
        err.code === 'ENOENT' ? 'not found' : err.reason,
        err.code,
      );
    }
    throw err;
  }
}
