import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/lib/index.js';
import { parseValues } from '../../../src/platform/config/index.js';
import {
  alertmanagerLaunch,
  ensureAlertmanager,
  writeObservabilityConfig,
} from '../../../src/targets/local/observability/index.js';
import { runLakehouse, type CliRun } from '../../support/cli.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';

/**
 * `lakehouse alerts` against the real Debian Alertmanager, configured as `lakehouse up`
 * configures it (routes per severity, a critical alert inhibits the warning of the same name and
 * job). Alerts are posted to its API the way Prometheus posts them.
 */

let dir: string;
let port: number;
let valuesFile: string;
let am: ChildProcess | undefined;
let forget: (() => void) | undefined;

const base = (): string => `http://127.0.0.1:${port}`;
const alerts = (...args: string[]): Promise<CliRun> =>
  runLakehouse(dir, ['alerts', '-f', valuesFile, ...args], 60_000);

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base()}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

const inAnHour = (): string => new Date(Date.now() + 3_600_000).toISOString();

const POD_DOWN = {
  labels: {
    alertname: 'PodDown',
    severity: 'critical',
    component: 'minio',
    process: 'minio',
    job: 'supervisor',
  },
  annotations: {
    summary: 'Process minio (minio) is down',
    description:
      'minio has had no running process for 1 minute. Investigate its log with `lakehouse logs minio`, then start it again with `lakehouse up`.',
  },
};

beforeAll(async () => {
  const alertmanager = await ensureAlertmanager({ onProgress: (l) => console.log(`[am] ${l}`) });
  dir = await mkdtemp(join(tmpdir(), 'lakehouse-alerts-'));
  port = await findFreePort();
  const prometheusPort = await findFreePort();
  const text = `observability: { prometheus: { port: ${prometheusPort} }, alertmanager: { port: ${port} } }\n`;
  valuesFile = join(dir, 'values.yaml');
  await writeFile(valuesFile, text);
  const values = parseValues('test', [
    { file: 'base.yaml', text: 'global: { target: local }' },
    { file: valuesFile, text },
  ]);
  const paths = await writeObservabilityConfig({
    values,
    env: 'test',
    stateDir: dir,
    repoRoot: dir,
  });
  const spec = alertmanagerLaunch({
    binary: alertmanager.binary,
    configFile: paths.alertmanagerConfig,
    dataDir: paths.alertmanagerData,
    port,
  });
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  am = child;
  forget = killOnExit(child);
  const output = new OutputBuffer();
  output.attach(child);
  await waitUntilReady(child, async () => (await fetch(spec.healthUrl)).status === 200, {
    what: 'alertmanager',
    timeoutMs: 60_000,
    output,
  });
});

afterAll(async () => {
  if (am) await terminate(am);
  forget?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Alertmanager mutes (silence, inhibition) asynchronously: poll the CLI until it agrees. */
async function untilOutput(args: string[], ok: (r: CliRun) => boolean): Promise<CliRun> {
  const deadline = Date.now() + 30_000;
  let r = await alerts(...args);
  while (!ok(r) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    r = await alerts(...args);
  }
  return r;
}

describe('lakehouse alerts against a real Alertmanager', () => {
  it('says no alerts are firing when there are none', async () => {
    const r = await alerts();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No alerts firing\n');
  });

  it('lists a firing alert with its severity, component, summary and action', async () => {
    await post('/api/v2/alerts', [
      { ...POD_DOWN, startsAt: new Date().toISOString(), endsAt: inAnHour() },
    ]);
    const r = await untilOutput([], (x) => x.stdout.includes('PodDown'));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('1 alert firing: 1 critical');
    expect(lines[2]).toMatch(
      /^✗ critical {2}PodDown {2}component minio {2}since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+s ago\)$/,
    );
    expect(lines[3]).toBe('  Process minio (minio) is down');
    // The action text is wrapped; unwrapped it is the rule's description.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`Action: ${POD_DOWN.annotations.description}`);
  });

  it('hides silenced and inhibited alerts unless --all, and marks them there', async () => {
    const startsAt = new Date().toISOString();
    const endsAt = inAnHour();
    await post('/api/v2/alerts', [
      {
        labels: { alertname: 'DiskSpaceLow', severity: 'warning', component: 'host', job: 'node' },
        annotations: {
          summary: 'Disk / is full',
          description: 'Clean up: `lakehouse dags trigger lakehouse_maintenance`.',
        },
        startsAt,
        endsAt,
      },
      // A critical and a warning of one name and job: the critical one inhibits the warning.
      {
        labels: {
          alertname: 'CatalogErrors',
          severity: 'critical',
          component: 'iceberg-catalog',
          job: 'iceberg-catalog',
        },
        annotations: {
          summary: 'catalog failing (critical)',
          description: 'Run `lakehouse logs iceberg-catalog`.',
        },
        startsAt,
        endsAt,
      },
      {
        labels: {
          alertname: 'CatalogErrors',
          severity: 'warning',
          component: 'iceberg-catalog',
          job: 'iceberg-catalog',
        },
        annotations: {
          summary: 'catalog failing (warning)',
          description: 'Run `lakehouse logs iceberg-catalog`.',
        },
        startsAt,
        endsAt,
      },
    ]);
    const silence = {
      matchers: [{ name: 'alertname', value: 'DiskSpaceLow', isRegex: false, isEqual: true }],
      startsAt,
      endsAt,
      createdBy: 'alerts.test.ts',
      comment: 'disk being expanded',
    };
    await post('/api/v2/silences', silence);

    const active = await untilOutput(
      [],
      (x) => !x.stdout.includes('DiskSpaceLow') && !x.stdout.includes('(warning)'),
    );
    expect(active.code, active.stderr).toBe(0);
    expect(active.stdout.split('\n')[0]).toBe('2 alerts firing: 2 critical');
    expect(active.stdout).toContain('catalog failing (critical)');
    expect(active.stdout).toContain('PodDown');
    expect(active.stdout).not.toContain('DiskSpaceLow');
    expect(active.stdout).not.toContain('catalog failing (warning)');

    const all = await alerts('--all');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.split('\n')[0]).toBe('4 alerts firing: 2 critical, 2 warning');
    expect(all.stdout).toMatch(/⚠ warning {2}DiskSpaceLow {2}component host .*\[silenced\]$/m);
    expect(all.stdout).toMatch(
      /⚠ warning {2}CatalogErrors {2}component iceberg-catalog .*\[inhibited\]$/m,
    );
  });

  it('-o json gives the same alerts as data, critical first', async () => {
    const r = await alerts('-o', 'json', '--all');
    expect(r.code, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list.map((a) => [a['severity'], a['alertname'], a['state']])).toEqual([
      ['critical', 'PodDown', 'active'],
      ['critical', 'CatalogErrors', 'active'],
      // Same start time: by name.
      ['warning', 'CatalogErrors', 'inhibited'],
      ['warning', 'DiskSpaceLow', 'silenced'],
    ]);
    expect(list[0]).toMatchObject({
      component: 'minio',
      summary: POD_DOWN.annotations.summary,
      action: POD_DOWN.annotations.description,
      labels: POD_DOWN.labels,
    });
  });

  it('says to start the platform, naming the URL, when Alertmanager is not running', async () => {
    if (am) await terminate(am);
    forget?.();
    am = undefined;
    const r = await alerts();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      `✗ Alertmanager is not reachable at http://127.0.0.1:${port} (connection refused)`,
    );
    expect(r.stderr).toContain('start the platform: lakehouse up');
  });
});
