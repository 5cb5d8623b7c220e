import type { ChartPanel, MetricsRangeResult } from '../../../../src/console/api.js';
import { getJson } from '../client.js';
import { formatValue } from '../format.js';
import { usePoll } from '../poll.js';
import { toPlotData, type PlotData, type RangeSeries } from '../series.js';
import { PartError } from './Health.js';
import { TimeSeriesChart, seriesColor } from './TimeSeriesChart.js';

/** The time window every panel of a dashboard queries, so they all show the same moment. */
export interface TimeWindow {
  start: number;
  end: number;
  step: number;
}

interface PanelAnswer {
  data: PlotData;
  /** Queries that failed, with Prometheus' or the server's reason. */
  failures: { refId: string; message: string }[];
}

async function queryRange(expr: string, w: TimeWindow, signal: AbortSignal) {
  const params = new URLSearchParams({
    // Grafana's $__ variables stay in: the server replaces them with its scrape interval.
    query: expr,
    start: String(w.start),
    end: String(w.end),
    step: String(w.step),
  });
  const body = await getJson<MetricsRangeResult>(`/api/metrics/query_range?${params}`, signal);
  if (body.status !== 'success' || !body.data) throw new Error(body.error ?? 'query failed');
  return body.data.result;
}

async function loadPanel(panel: ChartPanel, w: TimeWindow, signal: AbortSignal) {
  const settled = await Promise.allSettled(panel.queries.map((q) => queryRange(q.expr, w, signal)));
  const answers: { legend: string; result: RangeSeries[] }[] = [];
  const failures: PanelAnswer['failures'] = [];
  settled.forEach((s, i) => {
    const q = panel.queries[i];
    if (!q) return;
    if (s.status === 'fulfilled') answers.push({ legend: q.legend, result: s.value });
    else failures.push({ refId: q.refId, message: errorText(s.reason) });
  });
  return { data: toPlotData(answers), failures } satisfies PanelAnswer;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function Panel({ panel, window: w }: { panel: ChartPanel; window: TimeWindow }) {
  const { data: answer, error } = usePoll((signal) => loadPanel(panel, w, signal), 0, [panel, w]);
  const headingId = `panel-${panel.id}`;
  const state = !answer
    ? error
      ? 'error'
      : 'loading'
    : answer.failures.length > 0 && answer.data.series.length === 0
      ? 'error'
      : answer.data.series.length === 0
        ? 'empty'
        : 'ok';

  return (
    <section
      class={`panel card panel-${panel.kind}`}
      aria-labelledby={headingId}
      data-kind={panel.kind}
      data-state={state}
      style={{
        '--x': panel.grid.x + 1,
        '--y': panel.grid.y + 1,
        '--w': panel.grid.w,
        '--h': panel.grid.h,
      }}
    >
      <h3 id={headingId} title={panel.description || undefined}>
        {panel.title}
      </h3>
      {error && !answer && <PartError label="Could not read this panel:" message={error} />}
      {!answer && !error && <p class="muted">Loading…</p>}
      {answer &&
        answer.failures.map((f) => (
          <PartError key={f.refId} label={`Query ${f.refId} failed:`} message={f.message} />
        ))}
      {answer && (
        <PanelBody panel={panel} data={answer.data} failed={answer.failures.length > 0} w={w} />
      )}
    </section>
  );
}

function PanelBody({
  panel,
  data,
  failed,
  w,
}: {
  panel: ChartPanel;
  data: PlotData;
  failed: boolean;
  w: TimeWindow;
}) {
  if (panel.kind === 'text') return <p>{panel.description}</p>;
  if (data.series.length === 0) {
    return failed ? null : <p class="muted">No data in this time range.</p>;
  }
  if (panel.kind === 'stat' || panel.kind === 'gauge') {
    return (
      <ul class="stats">
        {data.series.map((s, i) => (
          <li key={`${s.label}-${i}`}>
            <span class="stat-value">{formatValue(s.last, panel.unit)}</span>
            <span class="stat-label">{s.label}</span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <>
      {panel.kind === 'timeseries' && (
        <TimeSeriesChart data={data} unit={panel.unit} from={w.start} to={w.end} />
      )}
      <LastValues title={panel.title} data={data} unit={panel.unit} />
    </>
  );
}

/** The chart's text alternative (and its legend): each series' last value, focusable to scroll. */
function LastValues({ title, data, unit }: { title: string; data: PlotData; unit: string }) {
  return (
    <div class="values" tabIndex={0} role="region" aria-label={`${title}: last values`}>
      <table>
        <caption class="sr-only">{title}: the last value of each series</caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Last</th>
          </tr>
        </thead>
        <tbody>
          {data.series.map((s, i) => (
            <tr key={`${s.label}-${i}`}>
              <th scope="row">
                <span class="swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
                {s.label}
              </th>
              <td>{formatValue(s.last, unit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
