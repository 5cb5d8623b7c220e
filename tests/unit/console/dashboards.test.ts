import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadChartDashboards,
  panelKind,
  summarize,
  toChartDashboard,
} from '../../../src/console/dashboards/index.js';
import { dashboardsDir } from '../../../src/platform/observability/index.js';

type Json = Record<string, unknown>;

/** Read straight from the directory, so a dashboard added later is covered without a change. */
const files = readdirSync(dashboardsDir())
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The JSON's own panels, rows flattened, as a reader of Grafana's format sees them. */
function rawPanels(list: unknown): Json[] {
  if (!Array.isArray(list)) return [];
  return (list as Json[]).flatMap((p) => (p['type'] === 'row' ? rawPanels(p['panels']) : [p]));
}

describe('every dashboard in platform/observability/dashboards', () => {
  it('there are dashboards to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(files)('%s', (file) => {
    const json = JSON.parse(readFileSync(join(dashboardsDir(), file), 'utf8')) as Json;
    const model = toChartDashboard(json, file);
    const raw = rawPanels(json['panels']);

    it('keeps uid, title, description, refresh and time range', () => {
      expect(model.uid).toBe(json['uid']);
      expect(model.title).toBe(json['title']);
      expect(model.description).toBe(json['description'] ?? '');
      expect(model.refresh).toBe(json['refresh'] ?? '');
      expect(model.from).toBe((json['time'] as Json | undefined)?.['from'] ?? 'now-6h');
    });

    it('has one chart panel per Grafana panel, in order, with title, unit and grid', () => {
      expect(model.panels.map((p) => p.title)).toEqual(raw.map((p) => p['title']));
      model.panels.forEach((panel, i) => {
        const source = raw[i] as Json;
        const defaults = (source['fieldConfig'] as Json | undefined)?.['defaults'] as
          Json | undefined;
        expect(panel.unit).toBe(defaults?.['unit'] ?? 'short');
        expect(panel.grid).toEqual(source['gridPos']);
        expect(panel.id).toBe(source['id']);
        expect(panel.description).toBe(source['description'] ?? '');
        expect(['timeseries', 'stat', 'gauge', 'table', 'text']).toContain(panel.kind);
      });
    });

    it('carries every query: expr exactly as in the JSON, refId and legend', () => {
      model.panels.forEach((panel, i) => {
        const targets = ((raw[i] as Json)['targets'] as Json[] | undefined) ?? [];
        const expected = targets
          .filter((t) => typeof t['expr'] === 'string' && t['hide'] !== true)
          .map((t) => ({
            refId: t['refId'],
            expr: t['expr'],
            legend: t['legendFormat'] ?? '',
          }));
        expect(panel.queries).toEqual(expected);
        if (targets.length > 0) expect(panel.queries.length).toBeGreaterThan(0);
      });
    });

    it('maps stat and timeseries panels to the same kind', () => {
      model.panels.forEach((panel, i) => {
        const type = (raw[i] as Json)['type'];
        if (type === 'stat' || type === 'timeseries') expect(panel.kind).toBe(type);
      });
    });
  });

  it('loadChartDashboards reads them all, with unique uids', () => {
    const all = loadChartDashboards();
    expect(all.map((d) => d.uid)).toHaveLength(files.length);
    expect(new Set(all.map((d) => d.uid)).size).toBe(files.length);
    for (const d of all) expect(summarize(d).panels).toBe(d.panels.length);
  });
});

describe('toChartDashboard on Grafana JSON the repository does not have (yet)', () => {
  const dashboard = {
    uid: 'x',
    title: 'X',
    panels: [
      { id: 1, type: 'stat', title: 'top', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [] },
      { id: 2, type: 'row', title: 'open row', collapsed: false, panels: [] },
      {
        id: 3,
        type: 'timeseries',
        title: 'after open row',
        targets: [{ refId: 'A', expr: 'up', legendFormat: '{{job}}' }],
      },
      {
        id: 4,
        type: 'row',
        title: 'collapsed',
        collapsed: true,
        panels: [
          {
            id: 5,
            type: 'gauge',
            title: 'nested',
            fieldConfig: { defaults: { unit: 'percentunit' } },
            gridPos: { x: 0, y: 9, w: 8, h: 6 },
            targets: [
              { refId: 'A', expr: 'a' },
              { refId: 'B', expr: 'b', hide: true },
              { refId: 'C', datasource: 'loki' },
            ],
          },
          { id: 1, type: 'piechart', title: 'plugin, duplicate id', targets: [{ expr: 'c' }] },
        ],
      },
      { type: 'welcome', title: 'no id, no queries' },
    ],
  };

  const model = toChartDashboard(dashboard);

  it('flattens open and collapsed rows in document order; rows draw nothing', () => {
    expect(model.panels.map((p) => p.title)).toEqual([
      'top',
      'after open row',
      'nested',
      'plugin, duplicate id',
      'no id, no queries',
    ]);
  });

  it('gives Grafana defaults for a missing unit, grid, refresh and time range', () => {
    const after = model.panels[1];
    expect(after?.unit).toBe('short');
    expect(after?.grid).toEqual({ x: 0, y: 0, w: 12, h: 8 });
    expect(model.refresh).toBe('');
    expect(model.from).toBe('now-6h');
    expect(model.panels[2]?.unit).toBe('percentunit');
  });

  it('drops hidden targets and targets without PromQL', () => {
    expect(model.panels[2]?.queries).toEqual([{ refId: 'A', expr: 'a', legend: '' }]);
  });

  it('maps unknown types to a time series when they have queries, else text', () => {
    expect(model.panels[3]?.kind).toBe('timeseries');
    expect(model.panels[3]?.queries[0]?.refId).toBe('A');
    expect(model.panels[4]?.kind).toBe('text');
    expect(panelKind('bargauge', true)).toBe('gauge');
    expect(panelKind('graph', true)).toBe('timeseries');
  });

  it('keeps panel ids unique', () => {
    const ids = model.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses what is not a dashboard', () => {
    expect(() => toChartDashboard([])).toThrow(/not a JSON object/);
    expect(() => toChartDashboard({ title: 'no uid' }, 'f.json')).toThrow('f.json: no uid');
  });
});
