import { spawn } from 'node:child_process';
import { SpawnError } from '../../../platform/install/index.js';

export interface TofuRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout and stderr interleaved as they arrived (the last 64 KiB): for error messages. */
  output: string;
}

const KEEP = 64 * 1024;

/**
 * Runs `tofu` to completion in `cwd`, keeping stdout whole (a `-json` plan's diagnostics) and
 * passing its output to `onOutput` as it arrives, so a plan or an apply shows live.
 */
export function runTofu(
  tofu: string,
  args: string[],
  opts: { cwd: string; onOutput?: (text: string) => void },
): Promise<TofuRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(tofu, args, {
      cwd: opts.cwd,
      // TF_IN_AUTOMATION: no "now run tofu apply" hints; `lakehouse infra` runs the next step.
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let output = '';
    const collect = (chunk: Buffer, isStdout: boolean): void => {
      const text = chunk.toString('utf8');
      if (isStdout) stdout += text;
      output = (output + text).slice(-KEEP);
      opts.onOutput?.(text);
    };
    child.stdout.on('data', (c: Buffer) => collect(c, true));
    child.stderr.on('data', (c: Buffer) => collect(c, false));
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(new SpawnError(tofu, err.code, `could not run ${tofu}: ${err.message}`));
    });
    child.once('close', (code, signal) => resolve({ code, signal, stdout, output }));
  });
}

/** The last lines of a run's output, for an error message. */
export function tail(run: TofuRun, lines = 20): string {
  return run.output.trimEnd().split('\n').slice(-lines).join('\n');
}
