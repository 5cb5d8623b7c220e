import { describe, expect, it } from 'vitest';
import {
  dashboardProblems,
  dashboardQueries,
  extractQueries,
  readDashboards,
  substituteIntervals,
} from '../../../../src/platform/observability/index.js';
import { dashboardQueries as fromSupport } from '../../../support/dashboards.js';

const DS = { type: 'prometheus', uid: '${datasource}' };
const good = {
  uid: 'u',
  title: 'T',
  schemaVersion: 39,
  templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
  panels: [
    {
      id: 1,
      type: 'timeseries',
      title: 'Rate',
      datasource: DS,
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      targets: [{ refId: 'A', datasource: DS, expr: 'rate(x_total[$__rate_interval])' }],
    },
    {
      id: 2,
      type: 'row',
      title: 'More',
      gridPos: { x: 0, y: 8, w: 24, h: 1 },
      panels: [
        {
          id: 3,
          type: 'stat',
          title: 'Up',
          datasource: DS,
          gridPos: { x: 0, y: 9, w: 6, h: 4 },
          targets: [
            { refId: 'A', expr: 'up' },
            { refId: 'B', expr: 'sum(up)' },
          ],
        },
      ],
    },
  ],
};

describe('the dashboards in platform/observability/dashboards', () => {
  it('are the overview, Trino, MinIO, catalog and Airflow dashboards', () => {
    expect(readDashboards().map((d) => d.name)).toEqual([
      'airflow',
      'catalog',
      'minio',
      'overview',
      'trino',
    ]);
  });

  it('are valid Grafana JSON: datasource variable, titled panels on ${datasource}, a query each', () => {
    for (const d of readDashboards()) expect(dashboardProblems(d.name, d.text)).toEqual([]);
  });

  it('have unique uids', () => {
    const uids = readDashboards().map((d) => (JSON.parse(d.text) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it('give every query to the live check, with no Grafana variable left in it', () => {
    const queries = dashboardQueries();
    expect(fromSupport()).toEqual(queries);
    for (const name of ['overview', 'trino', 'minio', 'catalog', 'airflow']) {
      expect(queries.filter((q) => q.dashboard === name).length).toBeGreaterThanOrEqual(5);
    }
    for (const q of queries) expect(q.expr, `${q.dashboard} / ${q.panel}`).not.toMatch(/\$/);
  });

  it('cover what the runbook says to watch', () => {
    const exprs = (name: string): string =>
      dashboardQueries()
        .filter((q) => q.dashboard === name)
        .map((q) => q.expr)
        .join('\n');
    expect(exprs('overview')).toMatch(/ALERTS/);
    expect(exprs('overview')).toMatch(/node_cpu_seconds_total/);
    expect(exprs('overview')).toMatch(/node_memory_MemAvailable_bytes/);
    expect(exprs('overview')).toMatch(/node_filesystem_avail_bytes/);
    expect(exprs('overview')).toMatch(/lakehouse_process_restarts_total/);
    expect(exprs('trino')).toMatch(/QueryManager_FailedQueries/);
    expect(exprs('trino')).toMatch(/ActiveNodeCount/);
    expect(exprs('minio')).toMatch(/minio_s3_requests_errors_total/);
    expect(exprs('minio')).toMatch(/minio_cluster_capacity_usable_free_bytes/);
    expect(exprs('catalog')).toMatch(/histogram_quantile\(0\.99/);
    expect(exprs('catalog')).toMatch(/lakehouse_catalog_commit_conflicts_total/);
    expect(exprs('airflow')).toMatch(/airflow_scheduler_heartbeat/);
    expect(exprs('airflow')).toMatch(/airflow_task_duration_seconds/);
    expect(exprs('airflow')).toMatch(/airflow_dagrun_duration_seconds_count/);
  });
});

describe('extractQueries', () => {
  it('reads every target of every panel, rows included, with interval variables replaced', () => {
    expect(extractQueries('d', JSON.stringify(good))).toEqual([
      {
        dashboard: 'd',
        panel: 'Rate',
        refId: 'A',
        expr: 'rate(x_total[1m])',
        rawExpr: 'rate(x_total[$__rate_interval])',
      },
      { dashboard: 'd', panel: 'Up', refId: 'A', expr: 'up', rawExpr: 'up' },
      { dashboard: 'd', panel: 'Up', refId: 'B', expr: 'sum(up)', rawExpr: 'sum(up)' },
    ]);
  });

  it('substitutes each of Grafana’s interval variables', () => {
    expect(substituteIntervals('a[$__rate_interval] b[$__interval] c[$__range]')).toBe(
      'a[1m] b[1m] c[1h]',
    );
  });
});

describe('dashboardProblems', () => {
  const problems = (mutate: (d: typeof good) => void): string[] => {
    const d = structuredClone(good);
    mutate(d);
    return dashboardProblems('d', JSON.stringify(d));
  };

  it('accepts a good dashboard', () => {
    expect(problems(() => {})).toEqual([]);
  });

  it('rejects text that is not JSON', () => {
    expect(dashboardProblems('d', '{"panels": [')).toEqual([
      expect.stringMatching(/^d: not valid JSON: /),
    ]);
  });

  it('names a panel without a query, a wrong datasource, a bad type and a missing grid', () => {
    expect(
      problems((d) => {
        const p = d.panels[0] as Record<string, unknown>;
        p['targets'] = [{ refId: 'A', expr: ' ' }];
        p['datasource'] = { type: 'prometheus', uid: 'abc' };
        p['type'] = 'graph';
        delete p['gridPos'];
      }),
    ).toEqual([
      'd: panel Rate: type graph is not one of timeseries, stat, gauge, bargauge, table',
      'd: panel Rate: datasource must be {type: prometheus, uid: ${datasource}}',
      'd: panel Rate: gridPos needs numeric x, y, w, h',
      'd: panel Rate: no query (targets[].expr)',
    ]);
  });

  it('wants the datasource variable, a uid and a recent schemaVersion', () => {
    expect(
      problems((d) => {
        (d as Record<string, unknown>)['uid'] = '';
        d.schemaVersion = 16;
        d.templating.list = [];
      }),
    ).toEqual([
      'd: no uid',
      'd: schemaVersion must be a number >= 36',
      'd: no templating variable "datasource" of type datasource/prometheus',
    ]);
  });

  it('finds duplicate panel ids and refIds inside rows', () => {
    expect(
      problems((d) => {
        const row = d.panels[1] as { panels: Array<Record<string, unknown>> };
        const inner = row.panels[0] as { id: number; targets: Array<{ refId: string }> };
        inner.id = 1;
        (inner.targets[1] as { refId: string }).refId = 'A';
      }),
    ).toEqual(['d: panel Up: id 1 used twice', 'd: panel Up: duplicate refId']);
  });
});
