/**
 * Prometheus range answers as the aligned columns uPlot draws, with Grafana's legend names. No
 * DOM here: the unit tests import it under Node.
 */
import type { MetricsRangeResult } from '../../../src/console/api.js';

export type RangeSeries = NonNullable<MetricsRangeResult['data']>['result'][number];

export interface NamedSeries {
  label: string;
  values: (number | null)[];
  /** The last value that is a number, for stat panels and the text alternative. */
  last: number | null;
}

export interface PlotData {
  /** Seconds since the epoch, ascending: uPlot's x column. */
  x: number[];
  series: NamedSeries[];
}

/** Grafana's legendFormat: "{{instance}}" filled from the labels; "" = the series as PromQL. */
export function legendName(format: string, metric: Record<string, string>): string {
  if (format.trim()) {
    return format.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, name: string) => metric[name] ?? '');
  }
  const { __name__: name = '', ...labels } = metric;
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name || '{}';
}

/** Prometheus sends sample values as strings ("+Inf", which Number() reads as NaN); NaN is a gap. */
function sample(v: string): number | null {
  if (v === '+Inf' || v === 'Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  const n = Number(v);
  return Number.isNaN(n) ? null : n;
}

/** Every query's series over one x column (all of a panel's queries share start, end, step). */
export function toPlotData(answers: { legend: string; result: RangeSeries[] }[]): PlotData {
  const xs = new Set<number>();
  for (const a of answers) for (const s of a.result) for (const [t] of s.values) xs.add(t);
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const series: NamedSeries[] = [];
  for (const a of answers) {
    for (const s of a.result) {
      const values: (number | null)[] = new Array<number | null>(x.length).fill(null);
      let last: number | null = null;
      for (const [t, v] of s.values) {
        const i = index.get(t);
        if (i === undefined) continue;
        values[i] = sample(v);
      }
      for (let i = values.length - 1; i >= 0; i--) {
        const v = values[i];
        if (v !== null && v !== undefined) {
          last = v;
          break;
        }
      }
      series.push({ label: legendName(a.legend, s.metric), values, last });
    }
  }
  return { x, series };
}
