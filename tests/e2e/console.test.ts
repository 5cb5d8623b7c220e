/**
 * The console in a real browser (issue 14) against a live platform: Debian's Chromium driven by
 * playwright-core. The overview lists every supervised process healthy; a stopped process turns
 * red within one refresh and its PodDown alert appears once Alertmanager has it; every dashboard's
 * timeseries panels draw series, shown by the chart's points and its table of last values (Airflow
 * runs, and one ingest DAG run gives its dashboard data); at 390 px wide no view scrolls sideways.
 * Screenshots of each view go to test-results/console/, and the load time of each view (navigation
 * until its data is on screen) is printed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DashboardSummary } from '../../src/console/api.js';
import { durationSeconds } from '../../src/platform/config/index.js';
import { alertRulesDir, loadAlertRules } from '../../src/platform/observability/index.js';
import { SupervisorClient } from '../../src/targets/local/supervisor/index.js';
import { launchBrowser } from '../support/browser.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { PythonScript } from '../support/python.js';

/** Short, so rates have points a minute after `up` and PodDown fires soon after its `for`. */
const SCRAPE_INTERVAL = '5s';
/** The overview's poll (console/web/src/views/Overview.tsx). */
const OVERVIEW_REFRESH_MS = 5_000;
const SHOTS = join(process.cwd(), 'test-results', 'console');
/** The process stopped to prove the overview and the alert; it restarts in a second or two. */
const VICTIM = 'iceberg-catalog';
/** A date the ingest DAG loads (its TPC-H slice): gives the Airflow dashboard runs and tasks. */
const LOAD_DATE = '2026-11-21';
/** Metrics arrive a scrape (and statsd's flush) after the work: a dashboard is re-read meanwhile. */
const DASHBOARD_SETTLE_MS = 90_000;

const CATALOG_STATEMENTS = [
  'CREATE SCHEMA iceberg.console',
  `CREATE TABLE iceberg.console.orders
     WITH (partitioning = ARRAY['year(orderdate)', 'bucket(custkey, 4)'], sorted_by = ARRAY['totalprice DESC'])
     AS SELECT * FROM tpch.tiny.orders LIMIT 1000`,
  'INSERT INTO iceberg.console.orders SELECT * FROM tpch.tiny.orders LIMIT 10',
  `CREATE TABLE iceberg.console.events (id bigint, tags array(varchar), attrs map(varchar, bigint),
     address row(city varchar, zip varchar), amount decimal(12, 2), at timestamp(6) with time zone)`,
  `INSERT INTO iceberg.console.events VALUES (1, ARRAY['a'], MAP(ARRAY['k'], ARRAY[BIGINT '1']),
     ROW('Oslo', '0150'), DECIMAL '12.50', TIMESTAMP '2026-12-01 10:00:00 UTC')`,
  `CREATE VIEW iceberg.console.big_orders AS
     SELECT orderkey, totalprice FROM iceberg.console.orders WHERE totalprice > 100000`,
];
/** What the data quality DAG's failed task logs (pipelines/dags/lakehouse_data_quality.py). */
const QUALITY_FAILURE = 'check unique_orderkey failed';

let platform: TestPlatform;
let browser: Browser;
let base: string;
let processNames: string[];
const pageErrors: string[] = [];
const loadTimes: Record<string, number> = {};

async function newPage(width = 1400, height = 900): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
  return page;
}

/**
 * Opens `path` and waits until the view shows its data: `data-loaded` on the view and no panel
 * still loading. The time from the navigation until then is the view's load time.
 */
async function open(page: Page, path: string, view: string): Promise<number> {
  const started = Date.now();
  await page.goto(`${base}${path}`);
  await page.waitForSelector('.view[data-loaded="true"]', { timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('.panel[data-state="loading"]'), null, {
    timeout: 60_000,
  });
  const ms = Date.now() - started;
  loadTimes[view] = ms;
  console.log(`console: ${view} (${path}) loaded in ${ms} ms`);
  return ms;
}

const shot = (page: Page, view: string) =>
  page.screenshot({ path: join(SHOTS, `${view}.png`), fullPage: true });

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** What keeps a dashboard from being proven: a failed query, a timeseries panel without points. */
async function dashboardProblems(page: Page, d: DashboardSummary): Promise<string[]> {
  const panels = await page.$$eval('.panel', (els) =>
    els.map((el) => ({
      title: el.querySelector('h3')?.textContent ?? '',
      kind: el.getAttribute('data-kind'),
      state: el.getAttribute('data-state'),
      points: Number(el.querySelector('.chart')?.getAttribute('data-points') ?? 0),
      canvas: el.querySelector('.chart canvas') !== null,
      values: [...el.querySelectorAll('.values tbody td')].map((td) => td.textContent ?? ''),
      error: el.querySelector('.part-error')?.textContent ?? '',
    })),
  );
  const problems: string[] = [];
  if (panels.length !== d.panels) problems.push(`${d.uid}: ${panels.length} of ${d.panels} panels`);
  for (const p of panels) {
    const where = `${d.uid} / ${p.title}`;
    if (p.error) problems.push(`${where}: ${p.error}`);
    if (p.kind !== 'timeseries') continue;
    if (p.state !== 'ok' || !p.canvas || p.points === 0) {
      problems.push(`${where}: state ${p.state}, ${p.points} points`);
    } else if (p.values.length === 0 || p.values.every((v) => v === 'no value')) {
      problems.push(`${where}: no last value in the text alternative`);
    }
  }
  return problems;
}

/** The cells of the first table in the section headed `title`, keyed by the table's headers. */
async function sectionRows(page: Page, title: string): Promise<Record<string, string>[]> {
  return page.$$eval(
    'section',
    (sections, wanted) => {
      const section = sections.find((el) => el.querySelector('h2')?.textContent?.trim() === wanted);
      const table = section?.querySelector('table');
      if (!table) return [];
      const headers = [...table.querySelectorAll('thead th')].map(
        (th) => th.textContent?.trim() ?? '',
      );
      return [...table.querySelectorAll('tbody tr')].map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll('th, td')].map((cell, i) => [
            headers[i] ?? String(i),
            cell.textContent?.trim() ?? '',
          ]),
        ),
      );
    },
    title,
  );
}

/** The text of the section headed `title` ('' when there is none). */
async function sectionText(page: Page, title: string): Promise<string> {
  return page.$$eval(
    'section',
    (sections, wanted) =>
      sections.find((el) => el.querySelector('h2')?.textContent?.trim() === wanted)?.textContent ??
      '',
    title,
  );
}

interface PyicebergTable {
  formatVersion: number;
  location: string;
  schemaId: number;
  fields: { id: number; name: string; type: string; required: boolean; depth: number }[];
  specId: number;
  partitionFields: {
    fieldId: number;
    name: string;
    sourceId: number;
    sourceName: string;
    transform: string;
  }[];
  sortFields: { sourceId: number; transform: string; direction: string; nullOrder: string }[];
  currentSnapshotId: string | null;
  snapshots: {
    snapshotId: string;
    parentSnapshotId: string | null;
    timestampMs: number;
    operation: string;
    summary: Record<string, string>;
  }[];
  refs: Record<string, { snapshotId: string; type: string }>;
  metadataLog: { timestampMs: number; metadataFile: string }[];
}

/** The table as pyiceberg reads it through the platform's catalog (tests/e2e/py/describe_table.py). */
async function describeWithPyiceberg(identifier: string): Promise<PyicebergTable> {
  const script = new PythonScript(
    inject('python'),
    join(process.cwd(), 'tests', 'e2e', 'py', 'describe_table.py'),
    [identifier],
    {
      PATH: process.env['PATH'],
      HOME: platform.home,
      PYICEBERG_HOME: platform.home,
      LH_CATALOG_URI: `http://127.0.0.1:${platform.ports['icebergCatalog.port']}`,
    },
  );
  return script.result<PyicebergTable>();
}

describe('console in a browser', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The browser first: a missing Chromium is reported before a platform is started for nothing.
    browser = await launchBrowser();
    platform = await createTestPlatform({
      name: 'console',
      airflow: true,
      values: { observability: { prometheus: { scrapeInterval: SCRAPE_INTERVAL } } },
    });
    const up = await platform.runWithValues(['up'], 1_200_000);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    const port = platform.ports['console.port'];
    expect(port, 'console.port in the planned ports').toBeDefined();
    base = `http://127.0.0.1:${port}`;
    processNames = (await SupervisorClient.forStateDir(platform.home).status()).map((p) => p.name);

    // Work for the dashboards to show: Trino queries, catalog commits, MinIO traffic.
    // The tables the catalog browser is proven on: partitioned and sorted with two snapshots, and
    // one of nested types; a view over the first.
    for (const statement of CATALOG_STATEMENTS) await platform.sqlJson(statement);
    await platform.sqlJson('SELECT count(*) AS n FROM iceberg.console.orders');
    const conf = JSON.stringify({ load_date: LOAD_DATE });
    const ingest = await platform.runWithValues(
      ['dags', 'trigger', 'lakehouse_ingest', '--conf', conf, '--wait'],
      900_000,
    );
    expect(ingest.code, `${ingest.stdout}\n${ingest.stderr}`).toBe(0);
    // A failed run for the pipelines view: data quality on a duplicated key.
    await platform.sqlJson(
      `INSERT INTO iceberg.lakehouse.orders SELECT * FROM iceberg.lakehouse.orders WHERE load_date = DATE '${LOAD_DATE}' AND orderkey = 1`,
    );
    const quality = await platform.runWithValues(
      ['dags', 'trigger', 'lakehouse_data_quality', '--conf', conf, '--wait'],
      900_000,
    );
    expect(quality.code, `${quality.stdout}\n${quality.stderr}`).toBe(1);
    expect(`${quality.stdout}\n${quality.stderr}`).toContain(QUALITY_FAILURE);
  }, 1_500_000);

  afterAll(async () => {
    console.log(
      `console load times: ${Object.entries(loadTimes)
        .map(([v, ms]) => `${v} ${ms} ms`)
        .join(', ')}`,
    );
    await browser?.close();
    await platform?.destroy();
  }, 240_000);

  it('lists every supervised process healthy on the overview', async () => {
    const page = await newPage();
    await open(page, '/', 'overview');
    // `up` returns once every process answers its health check; the overview's next poll says so.
    await page.waitForFunction(
      (names: string[]) =>
        names.every(
          (n) =>
            document.querySelector(`tr[data-process="${n}"]`)?.getAttribute('data-tone') === 'ok',
        ),
      processNames,
      { timeout: 60_000 },
    );
    const rows = await page.$$eval('tr[data-process]', (trs) =>
      trs.map((tr) => ({
        name: tr.getAttribute('data-process'),
        tone: tr.getAttribute('data-tone'),
        health: tr.querySelector('[data-label="Health"]')?.textContent?.trim(),
      })),
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...processNames].sort());
    for (const r of rows) expect(r, `${r.name}`).toMatchObject({ tone: 'ok', health: 'healthy' });
    // Each part answered (no error in place of it), and the "updated at" is shown.
    expect(await page.$$('.part-error')).toHaveLength(0);
    await expect(page.textContent('.updated')).resolves.toMatch(/Updated at/);
    // Scrape targets are listed with their health.
    expect((await page.$$('tr[data-job]')).length).toBeGreaterThan(0);
    await shot(page, 'overview');
    await page.close();
  });

  it("draws every dashboard's timeseries panels with series and their last values", async () => {
    const page = await newPage();
    await open(page, '/metrics', 'metrics');
    const dashboards = (await (await fetch(`${base}/api/dashboards`)).json()) as DashboardSummary[];
    expect(dashboards.length).toBeGreaterThan(0);
    const listed = await page.$$eval('[data-dashboard]', (els) =>
      els.map((e) => e.getAttribute('data-dashboard')),
    );
    expect(listed).toEqual(dashboards.map((d) => d.uid));
    await shot(page, 'metrics');

    const problems: string[] = [];
    const settleBy = Date.now() + DASHBOARD_SETTLE_MS;
    for (const d of dashboards) {
      const path = `/metrics/${d.uid}?range=15m`;
      await open(page, path, `dashboard ${d.uid}`);
      let found = await dashboardProblems(page, d);
      // The last work (the DAG run) may not be scraped yet: read the dashboard again meanwhile.
      while (found.length > 0 && Date.now() < settleBy) {
        await page.waitForTimeout(5_000);
        await page.goto(`${base}${path}`);
        await page.waitForSelector('.view[data-loaded="true"]');
        await page.waitForFunction(() => !document.querySelector('.panel[data-state="loading"]'));
        found = await dashboardProblems(page, d);
      }
      problems.push(...found);
      await shot(page, `dashboard-${d.uid}`);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('has no horizontal scroll at 390 px wide', async () => {
    const page = await newPage(390, 844);
    await open(page, '/', 'overview at 390 px');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'overview-390');
    await open(page, '/metrics', 'metrics at 390 px');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await open(page, '/metrics/lakehouse-overview?range=15m', 'dashboard at 390 px');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    // Stacked: every panel as wide as the grid, one under the other where charts are concerned.
    const widths = await page.$$eval('.panel-timeseries', (els) =>
      els.map((el) => el.getBoundingClientRect().width),
    );
    expect(widths.length).toBeGreaterThan(0);
    for (const w of widths) expect(w).toBeLessThanOrEqual(390);
    await shot(page, 'dashboard-lakehouse-overview-390');
    for (const [path, view] of [
      ['/catalog/default/console/tables/events', 'catalog table'],
      ['/sql', 'sql'],
      ['/releases', 'releases'],
    ] as const) {
      await open(page, path, `${view} at 390 px`);
      expect(await horizontalOverflow(page), view).toBeLessThanOrEqual(0);
      await shot(page, `${view.replace(' ', '-')}-390`);
    }
    await page.close();
  });

  it('turns a stopped process red within one refresh, then shows its PodDown alert', async () => {
    const rule = (await loadAlertRules(alertRulesDir())).find((r) => r.alert === 'PodDown');
    expect(rule).toBeDefined();
    const forMs = durationSeconds(rule?.for ?? '0s') * 1000;
    const page = await newPage();
    await open(page, '/', 'overview (before the stop)');
    const row = `tr[data-process="${VICTIM}"]`;
    await page.waitForSelector(`${row}[data-tone="ok"]`, { timeout: 30_000 });

    // How long one overview answer takes on this machine: the refresh is that plus the interval.
    const t0 = Date.now();
    expect((await fetch(`${base}/api/overview`)).ok).toBe(true);
    const answerMs = Date.now() - t0;

    const supervisor = SupervisorClient.forStateDir(platform.home);
    const stopped = await supervisor.stop(VICTIM);
    expect(stopped.state).toBe('stopped');
    const stoppedAt = Date.now();
    try {
      await page.waitForSelector(`${row}[data-tone="bad"]`, {
        timeout: OVERVIEW_REFRESH_MS + 2 * answerMs + 2_000,
      });
      console.log(
        `console: ${VICTIM} red ${Date.now() - stoppedAt} ms after the stop (refresh ${OVERVIEW_REFRESH_MS} ms, one answer ${answerMs} ms)`,
      );
      await expect(page.textContent(`${row} [data-label="Health"]`)).resolves.toMatch(/stopped/);
      await shot(page, 'overview-process-stopped');

      // PodDown waits its `for`, then a rule evaluation (one scrape interval) and Alertmanager.
      const alert = page.locator('[data-alert="PodDown"]', { hasText: VICTIM });
      await alert.waitFor({
        timeout: forMs + durationSeconds(SCRAPE_INTERVAL) * 1000 + 90_000,
      });
      console.log(
        `console: PodDown for ${VICTIM} shown ${(Date.now() - stoppedAt) / 1000} s after the stop`,
      );
      await expect(alert.textContent()).resolves.toContain(`lakehouse logs ${VICTIM}`);
      await shot(page, 'overview-alert');
    } finally {
      await supervisor.start(VICTIM);
    }
    await page.waitForSelector(`${row}[data-tone="ok"]`, { timeout: 120_000 });
    await page.close();
  });

  it('browses to a table Trino created and shows what pyiceberg reads of it', async () => {
    const page = await newPage();
    /** From the top, as a person would: the warehouse's namespaces, one opened, then a link. */
    const browseTo = async (name: string, view: string) => {
      await open(page, '/catalog', 'catalog');
      const namespace = page.locator('li[data-namespace="console"] > button');
      if ((await namespace.getAttribute('aria-expanded')) !== 'true') await namespace.click();
      const link = page.getByRole('link', { name, exact: true }).first();
      await link.waitFor();
      const started = Date.now();
      await link.click();
      await page.waitForSelector('.view[data-loaded="true"] section h2');
      await page.waitForFunction(
        (n) => document.querySelector('h1')?.textContent?.includes(n) === true,
        name,
      );
      loadTimes[view] = Date.now() - started;
      console.log(`console: ${view} loaded in ${loadTimes[view]} ms`);
    };
    await open(page, '/catalog', 'catalog');
    await page.locator('li[data-namespace="console"] > button').click();
    await page.getByRole('link', { name: 'orders', exact: true }).first().waitFor();
    await shot(page, 'catalog');

    for (const table of ['orders', 'events']) {
      const expected = await describeWithPyiceberg(`console.${table}`);
      await browseTo(table, `catalog table ${table}`);

      const schema = await page.$$eval('table.schema tbody tr[data-field-id]', (trs) =>
        trs.map((tr) => ({
          id: Number(tr.getAttribute('data-field-id')),
          name: tr.querySelector('th code')?.textContent ?? '',
          type: tr.querySelector('td:nth-of-type(2) code')?.textContent ?? '',
          required: tr.querySelector('td:nth-of-type(3)')?.textContent?.trim() === 'required',
        })),
      );
      expect(schema, `${table}: schema`).toEqual(
        expected.fields.map(({ id, name, type, required }) => ({ id, name, type, required })),
      );
      // Nested fields sit under their parent, one level deeper.
      const depths = await page.$$eval('table.schema tbody tr[data-path]', (trs) =>
        trs.map((tr) => (tr.getAttribute('data-path') ?? '').split('.').length - 1),
      );
      expect(depths).toEqual(expected.fields.map((f) => f.depth));

      const spec = await sectionRows(page, 'Partition spec');
      expect(
        spec.map((r) => ({
          fieldId: Number(r['Field ID']),
          name: r['Name'],
          source: r['Source'],
          transform: r['Transform'],
        })),
        `${table}: partition spec`,
      ).toEqual(
        expected.partitionFields.map((f) => ({
          fieldId: f.fieldId,
          name: f.name,
          source: expect.stringContaining(f.sourceName) as unknown as string,
          transform: f.transform,
        })),
      );

      // The timeline: every snapshot pyiceberg sees, newest first, with its operation and counts.
      const snapshots = await page.$$eval('[data-snapshot-id]', (els) =>
        els.map((el) => ({ id: el.getAttribute('data-snapshot-id'), text: el.textContent ?? '' })),
      );
      const newestFirst = [...expected.snapshots].reverse();
      expect(snapshots.map((x) => x.id)).toEqual(newestFirst.map((x) => x.snapshotId));
      for (const [i, snap] of newestFirst.entries()) {
        const text = snapshots[i]?.text ?? '';
        expect(text).toContain(snap.operation);
        const added = snap.summary['added-records'];
        if (added !== undefined) expect(text).toContain(Number(added).toLocaleString('en-US'));
      }
      const current = await sectionText(page, 'Current snapshot');
      expect(current).toContain(expected.currentSnapshotId ?? 'none');
      const refs = await sectionText(page, 'Refs');
      for (const [name, ref] of Object.entries(expected.refs)) {
        expect(refs).toContain(name);
        expect(refs).toContain(ref.snapshotId);
      }
      const log = await sectionText(page, 'Metadata log');
      for (const entry of expected.metadataLog) expect(log).toContain(entry.metadataFile);
      if (table === 'orders') {
        const order = await sectionText(page, 'Sort order');
        expect(order).toContain('totalprice');
        expect(order).toMatch(/desc/i);
      }
      await shot(page, `catalog-table-${table}`);
    }

    // The view: its SQL as Trino stored it, under its dialect.
    await browseTo('big_orders', 'catalog view big_orders');
    const shown = await page.$$eval('figure[data-dialect]', (figures) =>
      figures.map((f) => ({
        dialect: f.getAttribute('data-dialect'),
        sql: f.querySelector('pre')?.textContent ?? '',
      })),
    );
    // Exactly what the catalog stores, as a REST client loads it (Trino keeps its own formatting).
    const loaded = (await (
      await fetch(
        `http://127.0.0.1:${platform.ports['icebergCatalog.port']}/v1/namespaces/console/views/big_orders`,
      )
    ).json()) as {
      metadata: {
        'current-version-id': number;
        versions: { 'version-id': number; representations: { dialect: string; sql: string }[] }[];
      };
    };
    const current = loaded.metadata.versions.find(
      (v) => v['version-id'] === loaded.metadata['current-version-id'],
    );
    expect(shown).toEqual(
      current?.representations.map(({ dialect, sql }) => ({ dialect, sql })) ?? [],
    );
    expect(shown.map((r) => r.dialect)).toEqual(['trino']);
    expect(shown[0]?.sql).toMatch(
      /SELECT\s+orderkey\s*,\s*totalprice\s+FROM\s+iceberg\.console\.orders/i,
    );
    await shot(page, 'catalog-view-big_orders');
    await page.close();
  });

  it("runs a query in the SQL box with the result `lakehouse sql` gives, and Trino's errors", async () => {
    const sql =
      'SELECT orderkey, orderstatus, totalprice, orderdate FROM iceberg.console.orders ORDER BY orderkey LIMIT 25';
    const expected = await platform.sqlJson(sql);
    const page = await newPage();
    await open(page, '/sql', 'sql');
    /** Runs `text` and waits until it ended: the view counts the statements that ended. */
    const run = async (text: string) => {
      const ended = Number(await page.getAttribute('.view.sql', 'data-ended'));
      await page.getByLabel('SQL', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await page.waitForSelector(`.view.sql[data-ended="${ended + 1}"]`, { timeout: 120_000 });
    };
    const started = Date.now();
    await run(sql);
    loadTimes['sql query'] = Date.now() - started;
    const table = page.locator('[data-testid="sql-result"]');
    const headers = await table
      .locator('thead th[data-column]')
      .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-column')));
    expect(headers).toEqual(['orderkey', 'orderstatus', 'totalprice', 'orderdate']);
    const cells = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
    expect(cells).toEqual(
      expected.map((row) =>
        ['orderkey', 'orderstatus', 'totalprice', 'orderdate'].map((k) => String(row[k])),
      ),
    );
    await shot(page, 'sql');

    // Trino's own error text, and the console's read-only user refused a write by Trino.
    await run('SELECT * FROM iceberg.console.no_such_table');
    await expect(page.textContent('[data-testid="sql-error"]')).resolves.toContain(
      "Table 'iceberg.console.no_such_table' does not exist",
    );
    await shot(page, 'sql-error');
    await run('DELETE FROM iceberg.console.orders');
    await expect(page.textContent('[data-testid="sql-error"]')).resolves.toContain('Access Denied');
    // The row limit: the first rows and a notice; then a long query cancelled on Trino.
    await page.getByLabel('Row limit').fill('7');
    await run('SELECT orderkey FROM tpch.tiny.orders ORDER BY orderkey');
    await expect(table.locator('tbody tr').count()).resolves.toBe(7);
    await expect(page.textContent('.view.sql')).resolves.toContain('Only the first 7 rows');
    const ended = Number(await page.getAttribute('.view.sql', 'data-ended'));
    await page
      .getByLabel('SQL', { exact: true })
      .fill('SELECT count(*) FROM tpch.sf100.lineitem a CROSS JOIN tpch.sf100.lineitem b');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.waitForSelector(`.view.sql[data-ended="${ended + 1}"]`, { timeout: 60_000 });
    await expect(page.textContent('.view.sql')).resolves.toContain(
      'Cancelled: Trino stopped the query',
    );
    const [{ n }] = (await platform.sqlJson(
      'SELECT count(*) AS n FROM iceberg.console.orders',
    )) as [{ n: number }];
    expect(n).toBe(1010);
    await page.close();
  });

  it("shows each component's release history and a failed run's task log", async () => {
    const page = await newPage();
    await open(page, '/releases', 'releases');
    for (const component of ['observability', 'minio', 'iceberg-catalog', 'trino', 'airflow']) {
      const history = await platform.runWithValues(['history', component, '-o', 'json']);
      expect(history.code, history.stderr).toBe(0);
      const releases = JSON.parse(history.stdout) as {
        revision: number;
        status: string;
        version: string;
      }[];
      const rows = await page
        .locator(`[data-component="${component}"] tbody tr`)
        .evaluateAll((trs) =>
          trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim())),
        );
      expect(rows.length, component).toBe(releases.length);
      for (const r of releases) {
        const row = rows.find((cells) => cells[0]?.startsWith(String(r.revision)));
        expect(row, `${component} revision ${r.revision}`).toBeDefined();
        expect(row?.join(' ')).toContain(r.status);
      }
    }
    await shot(page, 'releases');

    const ingest = page.locator('[data-dag-id="lakehouse_ingest"]');
    await expect(ingest.textContent()).resolves.toContain('success');
    const failed = page.locator('[data-dag-id="lakehouse_data_quality"] [data-run-id]', {
      hasText: 'failed',
    });
    await failed.first().click();
    const log = page.locator('[data-testid="task-log"]');
    await log.first().waitFor({ timeout: 60_000 });
    await expect(log.first().textContent()).resolves.toContain(QUALITY_FAILURE);
    await shot(page, 'releases-failed-run');
    await page.close();
  });

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
