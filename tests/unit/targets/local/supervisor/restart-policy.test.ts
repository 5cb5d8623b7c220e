import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RESTART_POLICY as config,
  INITIAL_RESTART_STATE,
  onFailure,
  onHealthy,
  type RestartPolicyState,
} from '../../../../../src/targets/local/supervisor/restart-policy.js';

/** Fails `times` times, `gapMs` apart, starting at `start`; returns the delays and the state. */
function fail(times: number, gapMs: number, start = 0, from = INITIAL_RESTART_STATE) {
  let state: RestartPolicyState = from;
  const delays: number[] = [];
  for (let i = 0; i < times; i++) {
    const r = onFailure(state, start + i * gapMs, config);
    state = r.state;
    delays.push(r.delayMs);
  }
  return { state, delays };
}

describe('restart backoff', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50, 5000].map((n) => backoffDelay(n, config))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000,
    ]);
    expect(backoffDelay(0, config)).toBe(0);
  });

  it('uses the configured base and cap', () => {
    const fast = { ...config, baseMs: 100, maxMs: 400 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, fast))).toEqual([100, 200, 400, 400]);
  });
});

describe('crash loop decision', () => {
  it('is a crash loop at the fifth failure within five minutes', () => {
    const four = fail(4, 10_000);
    expect(four.state.crashloop).toBe(false);
    expect(four.delays).toEqual([1000, 2000, 4000, 8000]);
    const five = fail(5, 10_000);
    expect(five.state.crashloop).toBe(true);
    // In crash loop it keeps retrying, at the cap.
    expect(five.delays[4]).toBe(30_000);
  });

  it('is not a crash loop when the failures are spread over more than the window', () => {
    const { state } = fail(5, 80_000); // 0, 80, 160, 240, 320 s: at most 4 within 5 min
    expect(state.crashloop).toBe(false);
    expect(state.failureTimes).toHaveLength(4);
  });

  it('stays a crash loop while it keeps failing', () => {
    const { state, delays } = fail(8, 1_000);
    expect(state.crashloop).toBe(true);
    expect(delays.slice(4)).toEqual([30_000, 30_000, 30_000, 30_000]);
  });
});

describe('recovery', () => {
  it('leaves crash loop once healthy, but keeps backing off until healthy for 60 s', () => {
    const { state } = fail(5, 1_000);
    const healthyAt = 100_000;
    const justUp = onHealthy(state, healthyAt, healthyAt + 1_000, config);
    expect(justUp.crashloop).toBe(false);
    expect(justUp.consecutiveFailures).toBe(5);
    // It fails again soon: the backoff continues where it was.
    expect(onFailure(justUp, healthyAt + 2_000, config).delayMs).toBe(30_000);
  });

  it('starts the backoff over after 60 s healthy', () => {
    const { state } = fail(3, 1_000);
    const recovered = onHealthy(state, 10_000, 70_000, config);
    expect(recovered).toEqual(INITIAL_RESTART_STATE);
    expect(onFailure(recovered, 80_000, config).delayMs).toBe(1_000);
  });

  it('returns the same state when there is nothing to forget', () => {
    const { state } = fail(2, 1_000);
    expect(onHealthy(state, 10_000, 20_000, config)).toBe(state);
    expect(onHealthy(INITIAL_RESTART_STATE, 0, 100_000, config)).toBe(INITIAL_RESTART_STATE);
  });
});
