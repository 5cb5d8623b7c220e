/**
 * Whether a destructive command may go ahead: `--yes` proceeds; otherwise a terminal asks; with
 * no terminal to ask on (a script, CI) it refuses, since silence is not consent. Pure.
 */
export type ConfirmationDecision =
  { action: 'proceed' } | { action: 'ask' } | { action: 'refuse'; reason: string };

export function confirmationDecision(opts: {
  yes: boolean;
  interactive: boolean;
}): ConfirmationDecision {
  if (opts.yes) return { action: 'proceed' };
  if (opts.interactive) return { action: 'ask' };
  return {
    action: 'refuse',
    reason: 'no terminal to ask for confirmation on, and --yes was not given',
  };
}

/** A y/N prompt's answer: only "y" or "yes" (any case) agree; anything else, or nothing, is no. */
export function isYes(answer: string): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer);
}
