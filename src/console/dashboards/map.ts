import type { ChartDashboard, ChartPanel, ChartQuery, DashboardSummary } from '../api.js';

/**
 * Grafana dashboard JSON → the console's chart model. Pure and forgiving: the JSON is Grafana's
 * (and stays so, Grafana renders it on Kubernetes), so fields the console does not draw are
 * ignored and a missing field takes Grafana's own default rather than failing the dashboard.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;

/** Grafana's panel types and how the console draws each. */
const KINDS: Readonly<Record<string, ChartPanel['kind']>> = {
  timeseries: 'timeseries',
  graph: 'timeseries',
  barchart: 'timeseries',
  trend: 'timeseries',
  heatmap: 'timeseries',
  stat: 'stat',
  singlestat: 'stat',
  gauge: 'gauge',
  bargauge: 'gauge',
  table: 'table',
  'table-old': 'table',
  text: 'text',
  news: 'text',
  dashlist: 'text',
  alertlist: 'text',
};

/**
 * An unknown type (a plugin panel, a piechart) still has queries worth seeing: drawn as a time
 * series when it has any, as text (its title and description) when it has none.
 */
export function panelKind(type: unknown, hasQueries: boolean): ChartPanel['kind'] {
  const known = typeof type === 'string' ? KINDS[type] : undefined;
  return known ?? (hasQueries ? 'timeseries' : 'text');
}

/** Targets with a PromQL `expr`; others (a hidden target aside) are another datasource's. */
function queriesOf(panel: Json): ChartQuery[] {
  const targets = Array.isArray(panel['targets']) ? panel['targets'] : [];
  const out: ChartQuery[] = [];
  targets.forEach((t, i) => {
    if (!isObject(t) || typeof t['expr'] !== 'string' || t['expr'].trim() === '') return;
    // A target Grafana hides is not drawn there either.
    if (t['hide'] === true) return;
    out.push({
      refId: str(t['refId'], String.fromCharCode(65 + (i % 26))),
      expr: t['expr'],
      legend: str(t['legendFormat']),
    });
  });
  return out;
}

function gridOf(panel: Json): ChartPanel['grid'] {
  const g = isObject(panel['gridPos']) ? panel['gridPos'] : {};
  // Grafana's defaults for a panel added without a position.
  return { x: num(g['x'], 0), y: num(g['y'], 0), w: num(g['w'], 12), h: num(g['h'], 8) };
}

function unitOf(panel: Json): string {
  const fieldConfig = isObject(panel['fieldConfig']) ? panel['fieldConfig'] : {};
  const defaults = isObject(fieldConfig['defaults']) ? fieldConfig['defaults'] : {};
  // Grafana's own default unit when a panel sets none.
  return str(defaults['unit'], 'short') || 'short';
}

/**
 * Panels in document order, those inside rows (collapsed rows keep theirs in `panels`) in place
 * of the row. Rows themselves draw nothing.
 */
function flattenPanels(list: unknown): Json[] {
  if (!Array.isArray(list)) return [];
  const out: Json[] = [];
  for (const p of list) {
    if (!isObject(p)) continue;
    if (p['type'] === 'row') out.push(...flattenPanels(p['panels']));
    else out.push(p);
  }
  return out;
}

function toPanel(panel: Json, index: number, usedIds: Set<number>): ChartPanel {
  const queries = queriesOf(panel);
  // Ids key the page's charts: a missing or repeated one gets the next free number.
  let id = typeof panel['id'] === 'number' && Number.isInteger(panel['id']) ? panel['id'] : -1;
  if (id < 0 || usedIds.has(id)) {
    id = index + 1;
    while (usedIds.has(id)) id++;
  }
  usedIds.add(id);
  return {
    id,
    title: str(panel['title']),
    description: str(panel['description']),
    kind: panelKind(panel['type'], queries.length > 0),
    unit: unitOf(panel),
    grid: gridOf(panel),
    queries,
  };
}

export class DashboardFormatError extends Error {}

/** One dashboard's JSON (already parsed) as the console's chart model. */
export function toChartDashboard(json: unknown, source = 'dashboard'): ChartDashboard {
  if (!isObject(json)) throw new DashboardFormatError(`${source}: not a JSON object`);
  const uid = str(json['uid']);
  if (uid === '') throw new DashboardFormatError(`${source}: no uid`);
  const time = isObject(json['time']) ? json['time'] : {};
  const used = new Set<number>();
  return {
    uid,
    title: str(json['title'], uid),
    description: str(json['description']),
    refresh: str(json['refresh']),
    from: str(time['from'], 'now-6h'),
    panels: flattenPanels(json['panels']).map((p, i) => toPanel(p, i, used)),
  };
}

export function summarize(d: ChartDashboard): DashboardSummary {
  return { uid: d.uid, title: d.title, description: d.description, panels: d.panels.length };
}
