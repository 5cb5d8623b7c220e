import { InstallError } from './errors.js';
import { run, SpawnError } from './run.js';

export interface StepOptions {
  /** Component being installed, as errors name it: "Trino server". */
  label: string;
  /** What this step does, as errors name it: "pip install". */
  name: string;
  /** What to do when the command fails. */
  hints: string[];
  /** What to do when the command cannot be started (default: put it on PATH). */
  missingHint?: string;
}

/**
 * Runs one command of an install and returns the tail of its output; a command that cannot
 * start or exits non-zero becomes an InstallError naming the step, with that tail and the hints.
 */
export async function runStep(command: string, args: string[], opts: StepOptions): Promise<string> {
  let r;
  try {
    r = await run(command, args, { tailLines: 25 });
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new InstallError(
        opts.label,
        opts.name,
        err.message,
        opts.missingHint ?? `put \`${command}\` on PATH`,
      );
    }
    throw err;
  }
  if (r.code !== 0) {
    throw new InstallError(
      opts.label,
      opts.name,
      r.tail || `exited with ${r.signal ?? r.code}`,
      opts.hints.join(' '),
    );
  }
  return r.tail;
}
