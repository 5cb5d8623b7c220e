import { run, type CapturedRun } from '../../../platform/install/index.js';

/** A tofu run: its whole stdout (a `-json` plan's diagnostics) and the tail for error messages. */
export type TofuRun = CapturedRun;

/**
 * Runs `tofu` to completion in `cwd`, passing its output to `onOutput` as it arrives, so a plan or
 * an apply shows live.
 */
export function runTofu(
  tofu: string,
  args: string[],
  opts: { cwd: string; onOutput?: (text: string) => void },
): Promise<TofuRun> {
  return run(tofu, args, {
    ...opts,
    // TF_IN_AUTOMATION: no "now run tofu apply" hints; `lakehouse infra` runs the next step.
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
    keepOutput: true,
    tailLines: 20,
  });
}
