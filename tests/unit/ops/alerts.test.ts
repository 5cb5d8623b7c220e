import { describe, expect, it } from 'vitest';
import {
  ago,
  AlertmanagerApiError,
  AlertmanagerClient,
  AlertmanagerUnreachableError,
  renderAlerts,
  toFiringAlerts,
  utcTime,
  wrap,
  type AlertmanagerAlert,
} from '../../../src/ops/alerts/index.js';

const alert = (
  labels: Record<string, string>,
  over: Partial<AlertmanagerAlert> = {},
): AlertmanagerAlert => ({
  labels,
  annotations: { summary: `${labels['alertname']} summary`, description: 'Run `lakehouse up`.' },
  startsAt: '2026-11-23T23:00:00.000Z',
  fingerprint: labels['alertname'] ?? 'f',
  receivers: [{ name: 'default' }],
  status: { state: 'active', silencedBy: [], inhibitedBy: [] },
  ...over,
});

const now = new Date('2026-11-23T23:05:30.000Z');

describe('toFiringAlerts', () => {
  it('puts critical before warning, then the oldest first, and marks muted alerts', () => {
    const list = toFiringAlerts([
      alert({ alertname: 'DiskSpaceLow', severity: 'warning', component: 'host' }),
      alert(
        { alertname: 'TrinoQueryFailureRate', severity: 'critical', component: 'trino' },
        { startsAt: '2026-11-23T23:04:00.000Z' },
      ),
      alert(
        { alertname: 'PodDown', severity: 'critical', component: 'minio', process: 'minio' },
        { startsAt: '2026-11-23T23:01:00.000Z' },
      ),
      alert(
        { alertname: 'TargetDown', severity: 'warning', job: 'minio' },
        { status: { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] } },
      ),
    ]);
    expect(list.map((a) => [a.severity, a.alertname, a.component, a.state])).toEqual([
      ['critical', 'PodDown', 'minio', 'active'],
      ['critical', 'TrinoQueryFailureRate', 'trino', 'active'],
      ['warning', 'DiskSpaceLow', 'host', 'active'],
      // No component label: the job stands in.
      ['warning', 'TargetDown', 'minio', 'silenced'],
    ]);
    expect(list[0]).toMatchObject({
      since: '2026-11-23T23:01:00.000Z',
      summary: 'PodDown summary',
      action: 'Run `lakehouse up`.',
      labels: { process: 'minio' },
    });
  });

  it('tells inhibited from silenced', () => {
    const [a] = toFiringAlerts([
      alert(
        { alertname: 'X', severity: 'warning' },
        { status: { state: 'suppressed', silencedBy: [], inhibitedBy: ['abc'] } },
      ),
    ]);
    expect(a?.state).toBe('inhibited');
  });
});

describe('renderAlerts', () => {
  it('says so when nothing fires', () => {
    expect(renderAlerts([], now)).toBe('No alerts firing\n');
  });

  it('lists severity, name, component, since, summary and the action, wrapped', () => {
    const list = toFiringAlerts([
      alert(
        { alertname: 'PodDown', severity: 'critical', component: 'minio' },
        {
          annotations: {
            summary: 'Process minio (minio) is down',
            description:
              'minio has had no running process for 1 minute. Investigate its log with `lakehouse logs minio`, then start it again with `lakehouse up`.',
          },
        },
      ),
      alert(
        { alertname: 'DiskSpaceLow', severity: 'warning', component: 'host' },
        {
          startsAt: '2026-11-23T21:00:00.000Z',
          status: { state: 'suppressed', silencedBy: [], inhibitedBy: ['x'] },
        },
      ),
    ]);
    expect(renderAlerts(list, now, 60)).toBe(
      [
        '2 alerts firing: 1 critical, 1 warning',
        '',
        '✗ critical  PodDown  component minio  since 2026-11-23 23:00:00 UTC (5m ago)',
        '  Process minio (minio) is down',
        '  Action: minio has had no running process for 1 minute.',
        '    Investigate its log with `lakehouse logs minio`, then',
        '    start it again with `lakehouse up`.',
        '',
        '⚠ warning  DiskSpaceLow  component host  since 2026-11-23 21:00:00 UTC (2h5m ago)  [inhibited]',
        '  DiskSpaceLow summary',
        '  Action: Run `lakehouse up`.',
        '',
      ].join('\n'),
    );
  });

  it('says "1 alert"', () => {
    const list = toFiringAlerts([alert({ alertname: 'A', severity: 'warning' })]);
    expect(renderAlerts(list, now).split('\n')[0]).toBe('1 alert firing: 1 warning');
  });
});

describe('helpers', () => {
  it('ago counts seconds, minutes, hours and days', () => {
    expect(ago('2026-11-23T23:05:10.000Z', now)).toBe('20s ago');
    expect(ago('2026-11-23T23:00:00.000Z', now)).toBe('5m ago');
    expect(ago('2026-11-23T22:05:30.000Z', now)).toBe('1h ago');
    expect(ago('2026-11-21T21:00:00.000Z', now)).toBe('2d2h ago');
    // A clock a little behind Alertmanager's does not give negative ages.
    expect(ago('2026-11-23T23:06:00.000Z', now)).toBe('0s ago');
  });

  it('utcTime shows a UTC wall-clock time', () => {
    expect(utcTime('2026-11-23T23:38:29.341Z')).toBe('2026-11-23 23:38:29 UTC');
    expect(utcTime('2026-11-24T01:38:29+02:00')).toBe('2026-11-23 23:38:29 UTC');
  });

  it('wrap breaks at spaces and keeps long words whole', () => {
    expect(wrap('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('a averyveryverylongword b', 5)).toEqual(['a', 'averyveryverylongword', 'b']);
  });
});

describe('AlertmanagerClient', () => {
  const answering =
    (status: number, body: string, seen: string[] = []): typeof fetch =>
    (input) => {
      seen.push(String(input));
      return Promise.resolve(new Response(body, { status }));
    };

  it('asks for active alerts, muted ones only when told to', async () => {
    const seen: string[] = [];
    const body = JSON.stringify([alert({ alertname: 'A', severity: 'warning' })]);
    const client = new AlertmanagerClient({
      baseUrl: 'http://am:9093/',
      fetch: answering(200, body, seen),
    });
    const alerts = await client.alerts({ silenced: false, inhibited: false });
    expect(alerts.map((a) => a.labels['alertname'])).toEqual(['A']);
    await client.alerts({ silenced: true, inhibited: true });
    expect(seen).toEqual([
      'http://am:9093/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=true',
      'http://am:9093/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true',
    ]);
  });

  it('reports an error status and an answer that is not a list of alerts', async () => {
    const q = { silenced: false, inhibited: false };
    await expect(
      new AlertmanagerClient({ baseUrl: 'http://am', fetch: answering(500, 'boom') }).alerts(q),
    ).rejects.toThrow(new AlertmanagerApiError('http://am', 'HTTP 500: boom'));
    await expect(
      new AlertmanagerClient({ baseUrl: 'http://am', fetch: answering(200, '{"a":1}') }).alerts(q),
    ).rejects.toThrow(AlertmanagerApiError);
  });

  it('names the URL when nothing answers', async () => {
    const refused: typeof fetch = () =>
      Promise.reject(
        new TypeError('fetch failed', {
          cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }),
        }),
      );
    const err = await new AlertmanagerClient({ baseUrl: 'http://127.0.0.1:9', fetch: refused })
      .alerts({ silenced: false, inhibited: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlertmanagerUnreachableError);
    expect((err as Error).message).toBe(
      'Alertmanager is not reachable at http://127.0.0.1:9 (connection refused)',
    );
  });
});
