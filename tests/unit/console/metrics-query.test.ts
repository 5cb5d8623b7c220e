import { describe, expect, it } from 'vitest';
import {
  expandGrafanaVariables,
  MAX_POINTS,
  MAX_QUERY_LENGTH,
  parseRangeQuery,
} from '../../../src/console/server/index.js';

const ok = { query: 'up', start: '1700000000', end: '1700003600', step: '15' };

describe('parseRangeQuery', () => {
  it('accepts Prometheus-style seconds and gives numbers', () => {
    expect(parseRangeQuery(ok)).toEqual({
      ok: true,
      query: { query: 'up', start: 1700000000, end: 1700003600, step: 15 },
    });
    expect(parseRangeQuery({ ...ok, start: '1700000000.5', step: '0.5' }).ok).toBe(true);
  });

  it.each([
    [{ ...ok, query: undefined }, 'query is required'],
    [{ ...ok, query: '   ' }, 'query must not be empty'],
    [{ ...ok, query: 'x'.repeat(MAX_QUERY_LENGTH + 1) }, `at most ${MAX_QUERY_LENGTH} characters`],
    [{ ...ok, start: 'yesterday' }, 'start must be a number of seconds'],
    [{ ...ok, end: '-5' }, 'end must be a number of seconds'],
    [{ ...ok, end: '1e9' }, 'end must be a number of seconds'],
    [{ ...ok, step: 'NaN' }, 'step must be a number of seconds'],
    [{ ...ok, step: '0' }, 'step must be more than 0'],
    [{ ...ok, end: ok.start }, 'start must be before end'],
    [{ ...ok, end: '1600000000' }, 'start must be before end'],
    [{ ...ok, step: '0.1' }, `more than ${MAX_POINTS} points`],
    [{ ...ok, start: ['1', '2'] }, 'start'],
    [{ ...ok, extra: '1' }, 'unknown parameter extra'],
  ])('refuses %j', (raw, message) => {
    const r = parseRangeQuery(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('allows exactly the maximum number of points', () => {
    const end = String(1700000000 + (MAX_POINTS - 1) * 15);
    expect(parseRangeQuery({ ...ok, end }).ok).toBe(true);
    expect(parseRangeQuery({ ...ok, end: String(Number(end) + 15) }).ok).toBe(false);
  });
});

describe('expandGrafanaVariables', () => {
  const range = { start: 1000, end: 4600, step: 30 };
  it('replaces the interval variables as Grafana computes them', () => {
    expect(
      expandGrafanaVariables(
        'rate(x[$__rate_interval]) + rate(y[$__interval]) + increase(z[$__range]) + $__interval_ms',
        range,
        15,
      ),
    ).toBe('rate(x[60s]) + rate(y[30s]) + increase(z[3600s]) + 30000');
    // A long step widens the rate window beyond 4 scrapes.
    expect(expandGrafanaVariables('[$__rate_interval]', { ...range, step: 300 }, 15)).toBe(
      '[315s]',
    );
  });
  it('leaves a query without variables as is', () => {
    expect(expandGrafanaVariables('sum(up)', range, 15)).toBe('sum(up)');
  });
});
