import { describe, expect, it } from 'vitest';
import { durationSeconds } from '../../../src/platform/config/index.js';

describe('durationSeconds', () => {
  it('reads Prometheus-style durations, compound ones included', () => {
    expect(durationSeconds('30s')).toBe(30);
    expect(durationSeconds('7d')).toBe(604_800);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('2w')).toBe(1_209_600);
    expect(durationSeconds('0s')).toBe(0);
  });

  it('rejects anything else', () => {
    expect(() => durationSeconds('7 days')).toThrow('not a duration: "7 days"');
    expect(() => durationSeconds('')).toThrow('not a duration');
    expect(() => durationSeconds('5x')).toThrow('not a duration');
  });
});
