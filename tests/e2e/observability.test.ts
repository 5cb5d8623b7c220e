/**
 * Observability end to end on a real platform with Airflow (issue 6): every component scraped as
 * its own job and shown in `lakehouse status`, Airflow's DAG runs as Prometheus metrics, every
 * Grafana panel query answering, and the repository's alert rules firing for real — a stopped
 * process (PodDown, through `lakehouse alerts`, resolved when it starts again, both notifications
 * in the local receiver's file) and failing Trino queries (TrinoQueryFailureRate).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durationSeconds } from '../../src/platform/config/index.js';
import { alertRulesDir, loadAlertRules } from '../../src/platform/observability/index.js';
import { SupervisorClient } from '../../src/targets/local/supervisor/index.js';
import { TrinoClient } from '../../src/targets/local/trino/index.js';
import { dashboardQueries } from '../support/dashboards.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { until as untilEvery } from '../support/until.js';

const SCRAPE_INTERVAL = '5s';
const JOBS = [
  'airflow',
  'alertmanager',
  'iceberg-catalog',
  'minio',
  'node',
  'prometheus',
  'supervisor',
  'trino',
];
const LOAD_DATE = '2026-11-21';

interface ScrapeTarget {
  job: string;
  instance: string;
  health: string;
  lastError: string;
}
interface FiringAlert {
  alertname: string;
  component: string;
  action: string;
  labels: Record<string, string>;
}
interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

let platform: TestPlatform;

/** Polls every 2 s: each probe here queries Prometheus or Alertmanager. */
const until = <T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 2_000,
): Promise<T> => untilEvery(what, probe, timeoutMs, intervalMs);

/** An instant query against the platform's Prometheus; fails the test on a query error. */
async function query(expr: string): Promise<PromSeries[]> {
  const port = platform.ports['observability.prometheus.port'];
  const res = await fetch(
    `http://127.0.0.1:${port}/api/v1/query?${new URLSearchParams({ query: expr })}`,
  );
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result: PromSeries[] };
  };
  expect(body.status, `${expr}: ${body.error ?? ''}`).toBe('success');
  return body.data?.result ?? [];
}

const series = (expr: string) => () => query(expr).then((r) => (r.length > 0 ? r : undefined));

async function firingAlerts(): Promise<FiringAlert[]> {
  const r = await platform.runWithValues(['alerts', '-o', 'json'], 60_000);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as FiringAlert[];
}

async function scrapeTargets(): Promise<ScrapeTarget[] | null> {
  const r = await platform.runWithValues(['status', '-o', 'json'], 60_000);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { scrapeTargets: ScrapeTarget[] | null }).scrapeTargets;
}

/** `for:` of a rule in the repository's rule files, in milliseconds. */
async function ruleForMs(alert: string): Promise<number> {
  const rule = (await loadAlertRules(alertRulesDir())).find((r) => r.alert === alert);
  expect(rule, `rule ${alert} in ${alertRulesDir()}`).toBeDefined();
  return durationSeconds(rule?.for ?? '0s') * 1000;
}

describe('observability end to end', () => {
  beforeAll(async () => {
    platform = await createTestPlatform({
      name: 'obs',
      airflow: true,
      values: { observability: { prometheus: { scrapeInterval: SCRAPE_INTERVAL } } },
    });
    const up = await platform.runWithValues(['up'], 1_200_000);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
  }, 1_260_000);

  afterAll(async () => {
    await platform?.destroy();
  }, 240_000);

  it('lists every scrape job up in `lakehouse status`, the same as Prometheus does', async () => {
    const targets = await until(
      'every scrape job up in lakehouse status',
      async () => {
        const t = await scrapeTargets();
        if (!t) return undefined;
        const jobs = new Set(t.map((x) => x.job));
        const allUp = t.every((x) => x.health === 'up');
        return JOBS.every((j) => jobs.has(j)) && allUp ? t : undefined;
      },
      180_000,
    );
    expect([...new Set(targets.map((t) => t.job))].sort()).toEqual(JOBS);
    // Trino's coordinator and its worker are separate targets of the trino job.
    expect(targets.filter((t) => t.job === 'trino')).toHaveLength(2);

    const up = await query('up');
    for (const job of JOBS) {
      const forJob = up.filter((s) => s.metric['job'] === job);
      expect(forJob.length, job).toBeGreaterThan(0);
      for (const s of forJob) {
        expect(s.value[1], `${job} ${s.metric['instance']}`).toBe('1');
        expect(s.metric['lakehouse_env']).toBe('local');
      }
    }

    const table = await platform.runWithValues(['status'], 60_000);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('scrape targets:');
    expect(table.stdout).toMatch(/ node\s+\| 127\.0\.0\.1:\d+\s+\| up /);
  });

  it('has series from the host, the supervisor, MinIO, Trino and the catalog', async () => {
    expect(await query('node_memory_MemAvailable_bytes')).toHaveLength(1);
    expect((await query('node_filesystem_avail_bytes')).length).toBeGreaterThan(0);
    expect((await query('node_cpu_seconds_total')).length).toBeGreaterThan(0);

    const processes = await query('lakehouse_process_up');
    const names = processes.map((s) => s.metric['process']).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        'airflow-scheduler',
        'iceberg-catalog',
        'minio',
        'node-exporter',
        'prometheus',
        'statsd-exporter',
        'trino-coordinator',
        'trino-worker-1',
      ]),
    );
    expect(processes.every((s) => s.value[1] === '1')).toBe(true);
    for (const family of [
      'lakehouse_process_healthy',
      'lakehouse_process_restarts_total',
      'lakehouse_process_paused',
      'lakehouse_process_crashloop',
    ]) {
      expect((await query(family)).length, family).toBe(processes.length);
    }

    // MinIO answers with the bearer token `up` generated (it refuses scrapes without one).
    expect((await query('{job="minio", __name__=~"minio_.+"}')).length).toBeGreaterThan(0);
    expect((await query('trino_execution_name_QueryManager_CompletedQueries')).length).toBe(1);
    expect(
      (await query('{job="iceberg-catalog", __name__=~"lakehouse_catalog_.+"}')).length,
    ).toBeGreaterThan(0);
  });

  it('turns DAG runs into Airflow metrics: run and task durations, heartbeat, failures', async () => {
    const conf = JSON.stringify({ load_date: LOAD_DATE });
    const ingest = await platform.runWithValues(
      ['dags', 'trigger', 'lakehouse_ingest', '--conf', conf, '--wait'],
      900_000,
    );
    expect(ingest.code, `${ingest.stdout}\n${ingest.stderr}`).toBe(0);

    const runs = await until(
      'airflow_dagrun_duration_seconds_count for the ingest run',
      series('airflow_dagrun_duration_seconds_count{dag_id="lakehouse_ingest", state="success"}'),
      60_000,
    );
    expect(Number(runs[0]?.value[1])).toBeGreaterThanOrEqual(1);
    expect(
      (await query('airflow_dagrun_duration_seconds_sum{dag_id="lakehouse_ingest"}')).length,
    ).toBeGreaterThan(0);
    await until(
      'airflow_task_duration_seconds of load_orders',
      series(
        'airflow_task_duration_seconds_count{dag_id="lakehouse_ingest", task_id="load_orders"}',
      ),
      60_000,
    );
    await until('airflow_scheduler_heartbeat', series('airflow_scheduler_heartbeat > 0'), 60_000);
    await until(
      'airflow_ti_successes of load_orders',
      series('airflow_ti_successes{task_id="load_orders"}'),
      60_000,
    );
    await until(
      'airflow_dag_processing_import_errors',
      series('airflow_dag_processing_import_errors'),
      60_000,
    );

    // A failing task: data quality on a date with a duplicate key.
    await platform.sqlJson(
      `INSERT INTO iceberg.lakehouse.orders SELECT * FROM iceberg.lakehouse.orders WHERE load_date = DATE '${LOAD_DATE}' AND orderkey = 1`,
    );
    const dq = await platform.runWithValues(
      ['dags', 'trigger', 'lakehouse_data_quality', '--conf', conf, '--wait'],
      900_000,
    );
    expect(dq.code, `${dq.stdout}\n${dq.stderr}`).toBe(1);
    await until(
      'airflow_ti_failures of data quality',
      series('airflow_ti_failures{dag_id="lakehouse_data_quality"}'),
      60_000,
    );
    await until(
      'a failed data quality run in airflow_dagrun_duration_seconds_count',
      series(
        'airflow_dagrun_duration_seconds_count{dag_id="lakehouse_data_quality", state="failed"}',
      ),
      60_000,
    );
    // The first failure after statsd_exporter started: the series is born at 1, so the rule
    // must count a new series, not only increase() (platform/observability/README.md).
    const started = Date.now();
    const alert = await until(
      'AirflowDAGFailure in lakehouse alerts',
      async () =>
        (await firingAlerts()).find(
          (a) =>
            a.alertname === 'AirflowDAGFailure' && a.labels['dag_id'] === 'lakehouse_data_quality',
        ),
      180_000,
    );
    console.log(`AirflowDAGFailure listed ${(Date.now() - started) / 1000} s after the failed run`);
    expect(alert.component).toBe('airflow');
  });

  it('answers every dashboard panel query with at least one series', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(0);
    const empty: string[] = [];
    for (const q of queries) {
      const result = await query(q.expr);
      if (result.length === 0) empty.push(`${q.dashboard} / ${q.panel} (${q.refId}): ${q.expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('fires PodDown for a stopped process, lists it, resolves it after a start; the receiver logged both', async () => {
    const forMs = await ruleForMs('PodDown');
    const scrapeMs = durationSeconds(SCRAPE_INTERVAL) * 1000;
    const isOurs = (a: FiringAlert) =>
      a.alertname === 'PodDown' && a.labels['process'] === 'iceberg-catalog';
    expect((await firingAlerts()).filter(isOurs)).toEqual([]);

    const alertsLog = join(platform.home, 'observability', 'alerts.log');
    /** Whether the local receiver's file holds a PodDown notification of iceberg-catalog. */
    const notified = (status: 'firing' | 'resolved'): boolean => {
      if (!existsSync(alertsLog)) return false;
      return readFileSync(alertsLog, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) => JSON.parse(l) as { alerts: { status: string; labels: Record<string, string> }[] },
        )
        .some((n) =>
          n.alerts.some(
            (a) =>
              a.status === status &&
              a.labels['alertname'] === 'PodDown' &&
              a.labels['process'] === 'iceberg-catalog',
          ),
        );
    };

    const supervisor = SupervisorClient.forStateDir(platform.home);
    const stopped = await supervisor.stop('iceberg-catalog');
    expect(stopped.state).toBe('stopped');
    const stoppedAt = Date.now();
    try {
      // The deadline is `for` + a scrape interval + room for a rule evaluation and the CLI on a
      // loaded machine; the measured time is printed.
      const alert = await until(
        'PodDown for iceberg-catalog in lakehouse alerts',
        async () => (await firingAlerts()).find(isOurs),
        forMs + scrapeMs + 90_000,
      );
      const firedAfter = (Date.now() - stoppedAt) / 1000;
      console.log(
        `PodDown listed ${firedAfter} s after the stop (for ${forMs / 1000} s + scrape ${scrapeMs / 1000} s)`,
      );
      expect(alert.component).toBe('iceberg-catalog');
      expect(alert.labels['severity']).toBe('critical');
      expect(alert.action).toContain('lakehouse logs iceberg-catalog');
      // Still down until the critical route's first notification (after its group_wait) reached
      // the local receiver: Alertmanager sends nothing for a group that resolved before then.
      await until(
        'a firing PodDown notification in alerts.log',
        async () => (notified('firing') ? true : undefined),
        120_000,
      );
      console.log(`PodDown notified ${(Date.now() - stoppedAt) / 1000} s after the stop`);
    } finally {
      await supervisor.start('iceberg-catalog');
    }
    const startedAt = Date.now();
    await until(
      'PodDown gone from lakehouse alerts',
      async () => ((await firingAlerts()).some(isOurs) ? undefined : true),
      180_000,
    );
    console.log(`PodDown resolved ${(Date.now() - startedAt) / 1000} s after the start`);
    // The resolved notification follows within the critical route's group_interval (1m).
    await until(
      'a resolved PodDown notification in alerts.log',
      async () => (notified('resolved') ? true : undefined),
      180_000,
    );
    console.log(
      `PodDown resolved notification ${(Date.now() - startedAt) / 1000} s after the start`,
    );
  });

  it('fires TrinoQueryFailureRate while queries keep failing', async () => {
    const trino = new TrinoClient({
      baseUrl: `http://127.0.0.1:${platform.ports['trino.coordinator.port']}`,
      user: 'e2e',
    });
    const forMs = await ruleForMs('TrinoQueryFailureRate');
    const started = Date.now();
    let failed = 0;
    let succeeded = 0;
    const alert = await until(
      'TrinoQueryFailureRate in lakehouse alerts',
      async () => {
        // Three failing queries for every good one, then a look at the alerts.
        for (let i = 0; i < 3; i++) {
          await trino.query('SELECT * FROM iceberg.nope.nope').then(
            () => undefined,
            () => failed++,
          );
        }
        await trino.query('SELECT 1');
        succeeded++;
        return (await firingAlerts()).find((a) => a.alertname === 'TrinoQueryFailureRate');
      },
      forMs + 5 * 60_000,
      1_000,
    );
    console.log(
      `TrinoQueryFailureRate listed ${(Date.now() - started) / 1000} s after the first failing query (${failed} failed, ${succeeded} succeeded)`,
    );
    expect(alert.component).toBe('trino');
    expect(failed).toBeGreaterThanOrEqual(3);
  });
});
