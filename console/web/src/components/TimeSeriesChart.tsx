import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue } from '../format.js';
import type { PlotData } from '../series.js';

/** Distinct on light and dark backgrounds; series beyond ten reuse them. */
export const PALETTE = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#f97316',
  '#64748b',
];
export const seriesColor = (i: number): string => PALETTE[i % PALETTE.length] ?? '#888';

const HEIGHT = 200;

/** Tick labels with as many digits as it takes to tell them apart (77.62% and 77.64%). */
function tickLabels(splits: number[], unit: string): string[] {
  let labels: string[] = [];
  for (const sig of [3, 4, 5, 6]) {
    labels = splits.map((v) => formatValue(v, unit, sig));
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

/**
 * A uPlot chart of a panel's series. The canvas is hidden from assistive technology: the panel's
 * table of last values (drawn next to it) is the chart's text alternative.
 */
export function TimeSeriesChart({
  data,
  unit,
  from,
  to,
}: {
  data: PlotData;
  unit: string;
  /** The queried window (seconds): the x axis spans it even where the series start late. */
  from: number;
  to: number;
}) {
  const span = useRef<[number, number]>([from, to]);
  span.current = [from, to];
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // A new set of series (labels) needs a new chart; new values only new data.
  const shape = data.series.map((s) => s.label).join('\u0000');
  // ±Inf (a histogram_quantile past the last bucket) cannot be scaled: drawn as a gap, still
  // listed in the table of last values.
  const columns = (): uPlot.AlignedData => [
    data.x,
    ...data.series.map((s) => s.values.map((v) => (v !== null && Number.isFinite(v) ? v : null))),
  ];

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: '#8a8f98', grid: { stroke: 'rgba(128,128,128,0.15)' } };
    const opts: uPlot.Options = {
      width: Math.max(el.clientWidth, 100),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => span.current } },
      series: [
        {},
        ...data.series.map((s, i) => ({
          label: s.label,
          stroke: seriesColor(i),
          width: 1.5,
          // uPlot's default shows a dot only where points are sparse: a lone sample stays visible.
          spanGaps: false,
        })),
      ],
      axes: [
        { ...axis, size: 50 },
        {
          ...axis,
          // Wide enough for the longest label ("100 ops/s"); uPlot asks again when labels change.
          size: (_u: uPlot, values: string[] | null) =>
            Math.max(40, ...(values ?? []).map((v) => v.length * 8 + 24)),
          values: (_u: uPlot, splits: number[]) => tickLabels(splits, unit),
        },
      ],
    };
    const u = new uPlot(opts, columns(), el);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      const width = Math.max(el.clientWidth, 100);
      if (width !== u.width) u.setSize({ width, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series or the unit change; data updates go through setData below.
  }, [shape, unit]);

  useEffect(() => {
    plot.current?.setData(columns());
  }, [data]);

  const points = data.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  return (
    <div
      class="chart"
      ref={box}
      aria-hidden="true"
      data-series={data.series.length}
      data-points={points}
    />
  );
}
