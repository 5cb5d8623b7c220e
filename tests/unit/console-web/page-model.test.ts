/**
 * The console page's pure parts (console/web/src): Grafana units, legends, the columns uPlot
 * draws, time ranges. The page itself is proven in a browser by tests/e2e/console.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { formatUptime, formatValue } from '../../../console/web/src/format.js';
import { rangeFromGrafana, refreshMs, stepFor } from '../../../console/web/src/promql.js';
import { legendName, toPlotData } from '../../../console/web/src/series.js';

describe('formatValue', () => {
  it.each([
    [1536, 'bytes', '1.5 KiB'],
    [5 * 1024 ** 3, 'bytes', '5 GiB'],
    [2_500_000, 'Bps', '2.5 MB/s'],
    [0.25, 's', '250 ms'],
    [90, 's', '1.5 min'],
    [1500, 'ms', '1.5 s'],
    [0.123, 'percentunit', '12.3%'],
    [3.456, 'reqps', '3.46 req/s'],
    [12_345, 'short', '12.3 K'],
    [0, 'ops', '0 ops/s'],
    [42, 'made-up-unit', '42'],
  ])('%s %s is %s', (v, unit, shown) => {
    expect(formatValue(v, unit)).toBe(shown);
  });

  it('takes more digits when asked (axis ticks that would read the same)', () => {
    expect(formatValue(0.7762, 'percentunit')).toBe('77.6%');
    expect(formatValue(0.7762, 'percentunit', 4)).toBe('77.62%');
    expect(formatValue(1234, 'short', 4)).toBe('1.234 K');
  });

  it('says when there is no value, and keeps infinities', () => {
    expect(formatValue(null, 'short')).toBe('no value');
    expect(formatValue(Number.NaN, 'bytes')).toBe('no value');
    expect(formatValue(Number.POSITIVE_INFINITY, 's')).toBe('+Inf');
  });
});

describe('formatUptime', () => {
  it('shows the two largest parts', () => {
    expect(formatUptime(42)).toBe('42s');
    expect(formatUptime(3723)).toBe('1h 2m');
    expect(formatUptime(90_000)).toBe('1d 1h');
    expect(formatUptime(null)).toBe('—');
  });
});

describe('legends and plot columns', () => {
  it("fills Grafana's legendFormat from the labels, or names the series as PromQL", () => {
    expect(legendName('{{dag_id}} {{ state }}', { dag_id: 'ingest', state: 'success' })).toBe(
      'ingest success',
    );
    expect(legendName('', { __name__: 'up', job: 'trino' })).toBe('up{job="trino"}');
  });

  it('aligns every series on one x column; gaps are null; the last number is kept', () => {
    const data = toPlotData([
      {
        legend: '{{i}}',
        result: [
          {
            metric: { i: 'a' },
            values: [
              [10, '1'],
              [20, '2'],
              [30, 'NaN'],
            ],
          },
          { metric: { i: 'b' }, values: [[20, '5']] },
        ],
      },
      { legend: 'c', result: [{ metric: {}, values: [[30, '+Inf']] }] },
    ]);
    expect(data.x).toEqual([10, 20, 30]);
    expect(data.series).toEqual([
      { label: 'a', values: [1, 2, null], last: 2 },
      { label: 'b', values: [null, 5, null], last: 5 },
      {
        label: 'c',
        values: [null, null, Number.POSITIVE_INFINITY],
        last: Number.POSITIVE_INFINITY,
      },
    ]);
  });
});

describe('time ranges', () => {
  it("takes the dashboard's own range when it is one of the picker's", () => {
    expect(rangeFromGrafana('now-6h')).toBe('6h');
    expect(rangeFromGrafana('now-7d')).toBe('1h');
  });

  it('keeps a series to about 300 points, never a step under 15 s', () => {
    expect(stepFor(900)).toBe(15);
    expect(stepFor(86_400)).toBe(288);
  });

  it("reads Grafana's refresh", () => {
    expect(refreshMs('30s')).toBe(30_000);
    expect(refreshMs('1m')).toBe(60_000);
    expect(refreshMs('')).toBe(0);
  });
});
