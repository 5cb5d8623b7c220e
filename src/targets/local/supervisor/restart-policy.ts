/**
 * When to restart a process that exited and when to call it a crash loop: pure functions over a
 * small state record, so the schedule is unit-tested without waiting for real time.
 */

export interface RestartPolicyConfig {
  /** First delay; each further consecutive failure doubles it. */
  baseMs: number;
  /** Ceiling of the delay, also the delay used while in crash loop. */
  maxMs: number;
  /** This many failures within `windowMs` make a crash loop. */
  crashloopFailures: number;
  windowMs: number;
  /** Healthy this long, the process counts as recovered: the backoff starts over. */
  resetAfterHealthyMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyConfig = {
  baseMs: 1_000,
  maxMs: 30_000,
  crashloopFailures: 5,
  windowMs: 5 * 60_000,
  resetAfterHealthyMs: 60_000,
};

export interface RestartPolicyState {
  /** Failures since the process was last healthy for `resetAfterHealthyMs`. */
  consecutiveFailures: number;
  /** Epoch millis of the failures still inside the window. */
  failureTimes: number[];
  crashloop: boolean;
}

export const INITIAL_RESTART_STATE: RestartPolicyState = {
  consecutiveFailures: 0,
  failureTimes: [],
  crashloop: false,
};

/** Delay before restart number `consecutiveFailures` (1 → base, 2 → 2·base, … capped). */
export function backoffDelay(consecutiveFailures: number, config: RestartPolicyConfig): number {
  if (consecutiveFailures <= 0) return 0;
  // Cap the exponent first: 2 ** 1000 is Infinity, and the cap is reached long before.
  const exponent = Math.min(consecutiveFailures - 1, 30);
  return Math.min(config.baseMs * 2 ** exponent, config.maxMs);
}

/** Records a failure (an exit the supervisor did not ask for, or a start that timed out). */
export function onFailure(
  state: RestartPolicyState,
  now: number,
  config: RestartPolicyConfig,
): { state: RestartPolicyState; delayMs: number } {
  const failureTimes = [...state.failureTimes.filter((t) => now - t < config.windowMs), now];
  const consecutiveFailures = state.consecutiveFailures + 1;
  const crashloop = state.crashloop || failureTimes.length >= config.crashloopFailures;
  // In crash loop it keeps trying, at the ceiling: a dependency may come back.
  const delayMs = crashloop ? config.maxMs : backoffDelay(consecutiveFailures, config);
  return { state: { consecutiveFailures, failureTimes, crashloop }, delayMs };
}

/**
 * Called while the process is healthy. It leaves crash loop at once (it is up, after all); the
 * backoff only starts over after it has stayed healthy for `resetAfterHealthyMs`, so a process
 * that flaps a few seconds after each start keeps backing off.
 */
export function onHealthy(
  state: RestartPolicyState,
  healthySince: number,
  now: number,
  config: RestartPolicyConfig,
): RestartPolicyState {
  const recovered = now - healthySince >= config.resetAfterHealthyMs;
  if (!state.crashloop && !(recovered && state.consecutiveFailures > 0)) return state;
  return {
    consecutiveFailures: recovered ? 0 : state.consecutiveFailures,
    failureTimes: recovered ? [] : state.failureTimes,
    crashloop: false,
  };
}
