import { useLocation } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ChartDashboard, DashboardSummary } from '../../../../src/console/api.js';
import { getJson } from '../client.js';
import { PartError } from '../components/Health.js';
import { Panel, type TimeWindow } from '../components/Panel.js';
import { usePoll } from '../poll.js';
import {
  RANGE_KEYS,
  RANGES,
  isRangeKey,
  rangeFromGrafana,
  refreshMs,
  stepFor,
  type RangeKey,
} from '../promql.js';
import { useTitle } from '../title.js';

const REFRESH_CHOICES = ['off', '5s', '10s', '30s', '1m', '5m'];

export function DashboardList() {
  useTitle('Metrics');
  const { data, error } = usePoll(
    (signal) => getJson<DashboardSummary[]>('/api/dashboards', signal),
    0,
    [],
  );
  return (
    <div class="view" data-loaded={data ? 'true' : 'false'}>
      <header class="view-head">
        <h1>Metrics</h1>
      </header>
      {error && <PartError label="Could not read the dashboards:" message={error} />}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && data.length === 0 && <p class="empty">No dashboards.</p>}
      {data && (
        <ul class="dashboards">
          {data.map((d) => (
            <li key={d.uid} class="card" data-dashboard={d.uid}>
              <h2>
                <a href={`/metrics/${encodeURIComponent(d.uid)}`}>{d.title}</a>
              </h2>
              <p>{d.description}</p>
              <p class="muted">{d.panels} panels</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function windowFor(range: RangeKey): TimeWindow {
  const seconds = RANGES[range];
  const step = stepFor(seconds);
  const end = Math.floor(Date.now() / 1000);
  return { start: end - seconds, end, step };
}

export function DashboardView({ uid }: { uid?: string }) {
  const { query, path, route } = useLocation();
  const { data: dash, error } = usePoll(
    (signal) => getJson<ChartDashboard>(`/api/dashboards/${encodeURIComponent(uid ?? '')}`, signal),
    0,
    [uid],
  );
  useTitle(dash?.title ?? 'Metrics');
  const range: RangeKey = isRangeKey(query['range'])
    ? query['range']
    : rangeFromGrafana(dash?.from ?? 'now-1h');
  const refresh = query['refresh'] ?? (dash?.refresh || 'off');
  const [win, setWin] = useState<TimeWindow>(() => windowFor(range));
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    setWin(windowFor(range));
    const every = refreshMs(refresh);
    if (every <= 0) return;
    const timer = setInterval(() => {
      if (!document.hidden) setWin(windowFor(range));
    }, every);
    return () => clearInterval(timer);
  }, [range, refresh, nonce]);

  const set = (key: string, value: string) => {
    const q = new URLSearchParams(query);
    q.set(key, value);
    route(`${path}?${q}`, true);
  };
  // Grafana lays rows out top to bottom; on a narrow screen the panels stack in that order.
  const panels = useMemo(
    () => [...(dash?.panels ?? [])].sort((a, b) => a.grid.y - b.grid.y || a.grid.x - b.grid.x),
    [dash],
  );

  return (
    <div class="view" data-loaded={dash ? 'true' : 'false'}>
      <p class="crumbs">
        <a href="/metrics">Metrics</a> /
      </p>
      <header class="view-head">
        <h1>{dash?.title ?? uid}</h1>
        {dash?.description && <p class="muted">{dash.description}</p>}
      </header>
      {error && <PartError label="Could not read this dashboard:" message={error} />}
      {dash && (
        <>
          <div class="toolbar" role="toolbar" aria-label="Time range and refresh">
            <div class="range" role="group" aria-label="Time range">
              {RANGE_KEYS.map((k) => (
                <button
                  type="button"
                  key={k}
                  aria-pressed={k === range}
                  onClick={() => set('range', k)}
                >
                  {k}
                </button>
              ))}
            </div>
            <label>
              Auto-refresh{' '}
              <select
                value={REFRESH_CHOICES.includes(refresh) ? refresh : 'off'}
                onChange={(e) => set('refresh', e.currentTarget.value)}
              >
                {REFRESH_CHOICES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setNonce((n) => n + 1)}>
              Refresh now
            </button>
            <p class="updated">
              Data to{' '}
              <time dateTime={new Date(win.end * 1000).toISOString()}>
                {new Date(win.end * 1000).toLocaleTimeString()}
              </time>
              , a point every {win.step} s
            </p>
          </div>
          <div class="grid">
            {panels.map((p) => (
              <Panel key={p.id} panel={p} window={win} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
