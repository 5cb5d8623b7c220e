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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DashboardSummary } from '../../src/console/api.js';
import { durationSeconds } from '../../src/platform/config/index.js';
import { alertRulesDir, loadAlertRules } from '../../src/platform/observability/index.js';
import { SupervisorClient } from '../../src/targets/local/supervisor/index.js';
import { launchBrowser } from '../support/browser.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';

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
    await platform.sqlJson('CREATE SCHEMA iceberg.console');
    await platform.sqlJson(
      'CREATE TABLE iceberg.console.orders AS SELECT * FROM tpch.tiny.orders LIMIT 1000',
    );
    await platform.sqlJson(
      'INSERT INTO iceberg.console.orders SELECT * FROM tpch.tiny.orders LIMIT 10',
    );
    await platform.sqlJson('SELECT count(*) AS n FROM iceberg.console.orders');
    const conf = JSON.stringify({ load_date: LOAD_DATE });
    const ingest = await platform.runWithValues(
      ['dags', 'trigger', 'lakehouse_ingest', '--conf', conf, '--wait'],
      900_000,
    );
    expect(ingest.code, `${ingest.stdout}\n${ingest.stderr}`).toBe(0);
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

  it('threw no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
