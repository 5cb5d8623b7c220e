import { describe, expect, it } from 'vitest';
import {
  assembleOverview,
  describePorts,
  expectedComponents,
  firingAlerts,
  type OverviewInputs,
} from '../../../src/console/overview/index.js';
import { parseValues } from '../../../src/platform/config/index.js';
import type { ProcessStatus } from '../../../src/targets/local/process-spec.js';

const values = parseValues('local', [
  { file: 'v.yaml', text: 'global: { target: local }\nairflow: { enabled: false }\n' },
]);
const now = new Date('2026-12-01T12:00:00Z');

function proc(
  over: Partial<ProcessStatus> & Pick<ProcessStatus, 'name' | 'component'>,
): ProcessStatus {
  return {
    version: 'v',
    state: 'running',
    pid: 100,
    ports: [],
    healthy: true,
    startedAt: now.getTime() - 90_500,
    restarts: 0,
    lastExit: null,
    logFile: '/x.log',
    paused: false,
    ...over,
  };
}

function inputs(over: Partial<OverviewInputs> = {}): OverviewInputs {
  return {
    env: 'local',
    now,
    values,
    consoleHost: '127.0.0.1',
    expected: [
      { name: 'observability', version: 'prometheus 2.42, alertmanager 0.25' },
      { name: 'minio', version: 'RELEASE.x' },
      { name: 'trino', version: '476' },
      { name: 'console', version: '0.1.0' },
    ],
    processes: {
      ok: true,
      value: [
        proc({ name: 'prometheus', component: 'observability', ports: [9090] }),
        proc({ name: 'alertmanager', component: 'observability', ports: [9093] }),
        proc({ name: 'minio', component: 'minio', ports: [9000, 9001] }),
        proc({ name: 'trino-coordinator', component: 'trino', ports: [8080] }),
        proc({
          name: 'trino-worker-1',
          component: 'trino',
          ports: [8090],
          state: 'crashloop',
          pid: null,
          healthy: false,
          startedAt: null,
          restarts: 5,
        }),
        proc({ name: 'console', component: 'console', ports: [3000] }),
      ],
    },
    revisions: { ok: true, value: { minio: 1, trino: 3 } },
    alerts: { ok: true, value: [] },
    findings: { ok: true, value: [] },
    targets: { ok: true, value: [] },
    ...over,
  };
}

describe('assembleOverview: components and processes', () => {
  const overview = assembleOverview(inputs());

  it('lists the enabled components in order, with version and deployed revision', () => {
    expect(overview.components.map((c) => [c.name, c.version, c.revision])).toEqual([
      ['observability', 'prometheus 2.42, alertmanager 0.25', null],
      ['minio', 'RELEASE.x', 1],
      ['trino', '476', 3],
      ['console', '0.1.0', null],
    ]);
    expect(overview.env).toBe('local');
    expect(overview.generatedAt).toBe('2026-12-01T12:00:00.000Z');
    expect(overview.errors).toEqual([]);
  });

  it('a component is healthy only when every process is', () => {
    const health = Object.fromEntries(overview.components.map((c) => [c.name, c.healthy]));
    expect(health).toEqual({ observability: true, minio: true, trino: false, console: true });
  });

  it('maps supervisor states, uptime and restarts', () => {
    const trino = overview.components.find((c) => c.name === 'trino');
    expect(trino?.processes).toEqual([
      {
        name: 'trino-coordinator',
        state: 'running',
        healthy: true,
        pid: 100,
        uptimeSeconds: 90,
        restarts: 0,
        ports: [{ name: 'web UI', port: 8080, url: 'http://127.0.0.1:8080/ui/' }],
      },
      {
        name: 'trino-worker-1',
        state: 'failed',
        healthy: false,
        pid: null,
        uptimeSeconds: null,
        restarts: 5,
        ports: [{ name: 'HTTP', port: 8090 }],
      },
    ]);
  });

  it('names each port and links those a person opens', () => {
    const minio = overview.components.find((c) => c.name === 'minio');
    expect(minio?.processes[0]?.ports).toEqual([
      { name: 'S3 API', port: 9000 },
      { name: 'console', port: 9001, url: 'http://127.0.0.1:9001/' },
    ]);
    expect(describePorts([8181, 9090, 9093, 8085, 3000], values)).toEqual([
      { name: 'REST API', port: 8181, url: 'http://127.0.0.1:8181/v1/config' },
      { name: 'web UI', port: 9090, url: 'http://127.0.0.1:9090/' },
      { name: 'web UI', port: 9093, url: 'http://127.0.0.1:9093/' },
      // Airflow is off in these values: the port is nobody's.
      { name: 'port', port: 8085 },
      { name: 'web UI', port: 3000, url: 'http://127.0.0.1:3000/' },
    ]);
    expect(describePorts([3000], values, '0.0.0.0')[0]?.url).toBe('http://127.0.0.1:3000/');
    expect(describePorts([3000], values, '192.168.1.5')[0]?.url).toBe('http://192.168.1.5:3000/');
  });

  it('a process the values no longer enable still shows under its component', () => {
    const o = assembleOverview(
      inputs({
        expected: [],
        processes: {
          ok: true,
          value: [proc({ name: 'airflow-scheduler', component: 'airflow', version: '3.3.2' })],
        },
      }),
    );
    expect(o.components.map((c) => [c.name, c.version, c.processes.length])).toEqual([
      ['airflow', '3.3.2', 1],
    ]);
  });
});

describe('assembleOverview: a source that cannot be read is an error entry, not a failure', () => {
  it('each failed reader gives its part', () => {
    const o = assembleOverview(
      inputs({
        processes: { ok: false, error: 'the supervisor is not running: `lakehouse up` starts it' },
        revisions: { ok: false, error: 'bad json' },
        alerts: {
          ok: false,
          error: 'Alertmanager at http://127.0.0.1:9093 cannot be reached: ECONNREFUSED',
        },
        findings: { ok: false, error: 'diagnose failed: boom' },
        targets: { ok: false, error: 'Prometheus answered 503: not ready' },
      }),
    );
    expect(o.errors).toEqual([
      { part: 'components', message: 'the supervisor is not running: `lakehouse up` starts it' },
      { part: 'components', message: 'release history: bad json' },
      {
        part: 'alerts',
        message: 'Alertmanager at http://127.0.0.1:9093 cannot be reached: ECONNREFUSED',
      },
      { part: 'findings', message: 'diagnose failed: boom' },
      { part: 'targets', message: 'Prometheus answered 503: not ready' },
    ]);
    // Components still listed from the values, none healthy, no processes.
    expect(o.components.map((c) => [c.name, c.healthy, c.processes.length, c.revision])).toEqual([
      ['observability', false, 0, null],
      ['minio', false, 0, null],
      ['trino', false, 0, null],
      ['console', false, 0, null],
    ]);
    expect([o.alerts, o.findings, o.targets]).toEqual([[], [], []]);
  });

  it('diagnose not finished yet says so', () => {
    const o = assembleOverview(inputs({ findings: null }));
    expect(o.errors).toEqual([
      { part: 'findings', message: 'diagnose has not finished its first run yet' },
    ]);
  });
});

describe('alerts, findings and scrape targets', () => {
  it('keeps firing alerts only, most severe and oldest first, with their action text', () => {
    const alerts = firingAlerts([
      {
        labels: { alertname: 'DiskLow', severity: 'warning' },
        annotations: { summary: 'disk', description: 'free space with `lakehouse diagnose`' },
        startsAt: '2026-12-01T10:00:00Z',
        status: { state: 'active' },
      },
      {
        labels: { alertname: 'PodDown', severity: 'critical' },
        annotations: {
          summary: 'trino down',
          description: 'd',
          runbook_url: 'https://runbook/pod-down',
        },
        startsAt: '2026-12-01T11:00:00Z',
        status: { state: 'active' },
      },
      {
        labels: { alertname: 'Old', severity: 'critical' },
        annotations: { summary: 's', action: 'restart it', runbook: 'r' },
        startsAt: '2026-12-01T09:00:00Z',
        status: { state: 'active' },
      },
      {
        labels: { alertname: 'Silenced', severity: 'critical' },
        annotations: {},
        startsAt: '2026-12-01T09:00:00Z',
        status: { state: 'suppressed' },
      },
    ]);
    expect(alerts).toEqual([
      {
        name: 'Old',
        severity: 'critical',
        summary: 's',
        action: 'restart it',
        activeSince: '2026-12-01T09:00:00Z',
      },
      {
        name: 'PodDown',
        severity: 'critical',
        summary: 'trino down',
        action: 'https://runbook/pod-down',
        activeSince: '2026-12-01T11:00:00Z',
      },
      {
        name: 'DiskLow',
        severity: 'warning',
        summary: 'disk',
        action: 'free space with `lakehouse diagnose`',
        activeSince: '2026-12-01T10:00:00Z',
      },
    ]);
  });

  it('findings most severe first; targets sorted, odd health unknown', () => {
    const o = assembleOverview(
      inputs({
        findings: {
          ok: true,
          value: [
            { severity: 'info', component: 'x', title: 'i', evidence: [], fix: 'f' },
            {
              severity: 'critical',
              component: 'trino',
              title: 'c',
              evidence: ['e'],
              fix: 'lakehouse restart trino',
            },
          ],
        },
        targets: {
          ok: true,
          value: [
            { labels: { job: 'trino', instance: 'b' }, health: 'down', lastError: 'refused' },
            { labels: { job: 'minio', instance: 'a' }, health: 'up', lastError: '' },
            { labels: { job: 'catalog', instance: 'c' }, health: 'weird', lastError: '' },
          ],
        },
      }),
    );
    expect(o.findings.map((f) => f.title)).toEqual(['c', 'i']);
    expect(o.findings[0]).toEqual({
      severity: 'critical',
      title: 'c',
      evidence: ['e'],
      fix: 'lakehouse restart trino',
    });
    expect(o.targets).toEqual([
      { job: 'catalog', instance: 'c', health: 'unknown', lastError: '' },
      { job: 'minio', instance: 'a', health: 'up', lastError: '' },
      { job: 'trino', instance: 'b', health: 'down', lastError: 'refused' },
    ]);
  });
});

describe('expectedComponents', () => {
  it('gives each enabled component its version; the catalog and the console the CLI version', () => {
    const expected = expectedComponents(values, '0.1.0');
    expect(expected.map((c) => c.name)).toEqual([
      'observability',
      'minio',
      'iceberg-catalog',
      'trino',
      'console',
    ]);
    const version = (name: string) => expected.find((c) => c.name === name)?.version;
    expect(version('iceberg-catalog')).toBe('lakehouse 0.1.0');
    expect(version('console')).toBe('0.1.0');
    expect(version('trino')).toBe(String(values.trino.version));
    expect(version('minio')).toBe(values.minio.version);
  });
});
