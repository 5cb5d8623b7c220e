import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardsDir } from './paths.js';

/**
 * The Grafana dashboards (`platform/observability/dashboards/*.json`) read as data: every panel
 * query, so a test can run each against a live Prometheus, and the structural checks Grafana
 * itself would only report when the dashboard is imported.
 */

export interface DashboardQuery {
  /** File name without `.json`, e.g. `overview`. */
  dashboard: string;
  panel: string;
  refId: string;
  /** The query as Prometheus runs it: Grafana's interval variables replaced (see below). */
  expr: string;
  /** The query as the panel has it. */
  rawExpr: string;
}

/**
 * Grafana's built-in interval variables, and what a check outside Grafana substitutes for
 * them: a window of 1 minute holds several samples at any scrape interval the platform allows.
 */
export const INTERVAL_VARIABLES: Readonly<Record<string, string>> = {
  $__rate_interval: '1m',
  $__interval: '1m',
  $__range: '1h',
};

export function substituteIntervals(expr: string, vars = INTERVAL_VARIABLES): string {
  let out = expr;
  // Longest names first: $__interval is a prefix of nothing else here, but stay safe.
  for (const name of Object.keys(vars).sort((a, b) => b.length - a.length)) {
    out = out.split(name).join(vars[name] as string);
  }
  return out;
}

interface Target {
  refId?: unknown;
  expr?: unknown;
}

interface Panel {
  type?: unknown;
  title?: unknown;
  targets?: unknown;
  panels?: unknown;
  datasource?: unknown;
  gridPos?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Panels of a dashboard, with those nested in collapsed rows. */
function panelsOf(dashboard: Record<string, unknown>): Panel[] {
  const out: Panel[] = [];
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const p of list) {
      if (!isObject(p)) continue;
      if (p['type'] === 'row') walk(p['panels']);
      else out.push(p as Panel);
    }
  };
  walk(dashboard['panels']);
  return out;
}

/** Every query of one dashboard's JSON text. */
export function extractQueries(dashboard: string, text: string): DashboardQuery[] {
  const json: unknown = JSON.parse(text);
  if (!isObject(json)) throw new Error(`${dashboard}: not a JSON object`);
  return panelsOf(json).flatMap((panel) => {
    const targets = Array.isArray(panel.targets) ? (panel.targets as Target[]) : [];
    return targets
      .filter((t): t is Target & { expr: string } => typeof t.expr === 'string')
      .map((t) => ({
        dashboard,
        panel: typeof panel.title === 'string' ? panel.title : '(untitled)',
        refId: typeof t.refId === 'string' ? t.refId : '',
        expr: substituteIntervals(t.expr),
        rawExpr: t.expr,
      }));
  });
}

export const PANEL_TYPES = ['timeseries', 'stat', 'gauge', 'bargauge', 'table'] as const;

/**
 * What Grafana would choke on or what breaks the house rules: one line per problem, empty when
 * the dashboard is fine. House rules: a `datasource` template variable of the Prometheus type,
 * every panel on `${datasource}`, a title, a grid position and at least one non-empty query.
 */
export function dashboardProblems(dashboard: string, text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [`${dashboard}: not valid JSON: ${(err as Error).message}`];
  }
  if (!isObject(json)) return [`${dashboard}: not a JSON object`];
  const problems: string[] = [];
  for (const key of ['uid', 'title'] as const) {
    if (typeof json[key] !== 'string' || json[key] === '') problems.push(`${dashboard}: no ${key}`);
  }
  if (typeof json['schemaVersion'] !== 'number' || json['schemaVersion'] < 36) {
    problems.push(`${dashboard}: schemaVersion must be a number >= 36`);
  }
  const templating = isObject(json['templating']) ? json['templating']['list'] : undefined;
  const dsVar = Array.isArray(templating)
    ? templating.find((v) => isObject(v) && v['name'] === 'datasource')
    : undefined;
  if (!isObject(dsVar) || dsVar['type'] !== 'datasource' || dsVar['query'] !== 'prometheus') {
    problems.push(
      `${dashboard}: no templating variable "datasource" of type datasource/prometheus`,
    );
  }
  const panels = panelsOf(json);
  if (panels.length === 0) problems.push(`${dashboard}: no panels`);
  const ids = new Set<unknown>();
  for (const panel of panels) {
    const title = typeof panel.title === 'string' && panel.title ? panel.title : undefined;
    const where = `${dashboard}: panel ${title ?? '(untitled)'}`;
    if (!title) problems.push(`${where}: no title`);
    const id = (panel as Record<string, unknown>)['id'];
    if (typeof id !== 'number') problems.push(`${where}: no numeric id`);
    else if (ids.has(id)) problems.push(`${where}: id ${id} used twice`);
    ids.add(id);
    if (!(PANEL_TYPES as readonly unknown[]).includes(panel.type)) {
      problems.push(`${where}: type ${String(panel.type)} is not one of ${PANEL_TYPES.join(', ')}`);
    }
    const ds = panel.datasource;
    if (!isObject(ds) || ds['type'] !== 'prometheus' || ds['uid'] !== '${datasource}') {
      problems.push(`${where}: datasource must be {type: prometheus, uid: \${datasource}}`);
    }
    const grid = panel.gridPos;
    if (!isObject(grid) || !['x', 'y', 'w', 'h'].every((k) => typeof grid[k] === 'number')) {
      problems.push(`${where}: gridPos needs numeric x, y, w, h`);
    }
    const targets = Array.isArray(panel.targets) ? (panel.targets as Target[]) : [];
    const exprs = targets.filter((t) => typeof t.expr === 'string' && t.expr.trim() !== '');
    if (exprs.length === 0) problems.push(`${where}: no query (targets[].expr)`);
    const refIds = targets.map((t) => t.refId);
    if (new Set(refIds).size !== refIds.length) problems.push(`${where}: duplicate refId`);
  }
  return problems;
}

/** The dashboard JSON files: name (without `.json`) and text. */
export function readDashboards(dir: string = dashboardsDir()): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -'.json'.length), text: readFileSync(join(dir, f), 'utf8') }));
}

/** Every panel query of every dashboard, ready to run against Prometheus. */
export function dashboardQueries(dir?: string): DashboardQuery[] {
  return readDashboards(dir).flatMap((d) => extractQueries(d.name, d.text));
}
