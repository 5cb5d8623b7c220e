/**
 * The supervisor's metrics endpoint with a real detached supervisor and real processes: what
 * `/metrics` says follows what the processes do, `/alerts` appends notifications to the file,
 * and the endpoint moves when the settings name another port.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, isPortInUse } from '../../../src/lib/index.js';
import {
  SupervisorClient,
  writeDesiredSpecs,
  writeMetricsSettings,
} from '../../../src/targets/local/supervisor/index.js';
import { alive, fixtureSpec, killAll, launchLikeTheCli, pidsToKill, until } from './helpers.js';

/** `name{labels} value` lines of a Prometheus text exposition, by name and process label. */
function sample(text: string, name: string, process: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (!line.includes(`process="${process}"`)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('supervisor metrics endpoint', () => {
  let stateDir: string;
  let client: SupervisorClient;
  let metricsPort: number;
  let alertsLog: string;
  const ports = { app: 0, crasher: 0 };

  const scrape = async (port = metricsPort): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'lh-supm-'));
    ports.app = await findFreePort();
    ports.crasher = await findFreePort();
    metricsPort = await findFreePort();
    alertsLog = join(stateDir, 'observability', 'alerts.log');
    writeMetricsSettings(stateDir, { port: metricsPort, alertsLog });
    writeDesiredSpecs(stateDir, [
      fixtureSpec('app', ports.app, {}, { component: 'iceberg-catalog' }),
      fixtureSpec('crasher', ports.crasher, { MODE: 'exit' }),
    ]);
    await launchLikeTheCli(stateDir);
    client = SupervisorClient.forStateDir(stateDir);
  });

  afterAll(async () => {
    const leftovers = pidsToKill(stateDir);
    try {
      await client.shutdown();
    } catch {
      // Already gone: the kill below covers it.
    }
    killAll(leftovers.filter(alive));
    killAll(pidsToKill(stateDir).filter(alive));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('reports the port it listens on through the control API', async () => {
    expect(await client.info()).toMatchObject({ metricsPort });
  });

  it('exposes up, healthy, restarts, paused and crashloop per process and component', async () => {
    const text = await until('app up and healthy in /metrics', async () => {
      const t = await scrape();
      return sample(t, 'lakehouse_process_healthy', 'app') === 1 ? t : undefined;
    });
    expect(text).toContain('lakehouse_process_up{process="app",component="iceberg-catalog"} 1');
    expect(text).toContain('# TYPE lakehouse_process_restarts_total counter');
    expect(sample(text, 'lakehouse_process_paused', 'app')).toBe(0);
    expect(sample(text, 'lakehouse_process_crashloop', 'app')).toBe(0);

    // The crasher exits at once, again and again: restarts count up, then crashloop.
    const crashing = await until(
      'crasher in crashloop',
      async () => {
        const t = await scrape();
        return sample(t, 'lakehouse_process_crashloop', 'crasher') === 1 ? t : undefined;
      },
      30_000,
    );
    expect(sample(crashing, 'lakehouse_process_restarts_total', 'crasher')).toBeGreaterThan(0);
    expect(sample(crashing, 'lakehouse_process_healthy', 'crasher')).toBe(0);
  });

  it('up and healthy drop to 0 when a process is stopped, and return when it starts', async () => {
    await client.stop('app');
    const stopped = await scrape();
    expect(sample(stopped, 'lakehouse_process_up', 'app')).toBe(0);
    expect(sample(stopped, 'lakehouse_process_healthy', 'app')).toBe(0);
    await client.start('app');
    await until('app up again', async () =>
      sample(await scrape(), 'lakehouse_process_healthy', 'app') === 1 ? true : undefined,
    );
  });

  it('paused is 1 while reconciliation is paused', async () => {
    await client.pause('app');
    expect(sample(await scrape(), 'lakehouse_process_paused', 'app')).toBe(1);
    await client.resume('app');
    expect(sample(await scrape(), 'lakehouse_process_paused', 'app')).toBe(0);
  });

  it('POST /alerts appends each notification as one JSON line; other bodies are refused', async () => {
    const notification = {
      status: 'firing',
      receiver: 'critical',
      alerts: [{ status: 'firing', labels: { alertname: 'PodDown', severity: 'critical' } }],
    };
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${metricsPort}/alerts`, { method: 'POST', body });
    expect((await post(JSON.stringify(notification))).status).toBe(200);
    expect((await post(JSON.stringify({ ...notification, status: 'resolved' }))).status).toBe(200);
    expect((await post('not json')).status).toBe(400);
    const lines = readFileSync(alertsLog, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject(notification);
    expect(typeof first?.['receivedAt']).toBe('string');
    expect(second).toMatchObject({ status: 'resolved' });
  });

  it('moves to a new port when the settings change at the next apply; none closes it', async () => {
    const next = await findFreePort();
    writeMetricsSettings(stateDir, { port: next, alertsLog });
    await client.apply();
    expect(await client.info()).toMatchObject({ metricsPort: next });
    expect(await scrape(next)).toContain('lakehouse_process_up');
    expect(await isPortInUse(metricsPort)).toBe(false);

    writeMetricsSettings(stateDir, null);
    await client.apply();
    expect(await client.info()).toMatchObject({ metricsPort: null });
    expect(await isPortInUse(next)).toBe(false);
    metricsPort = next;
  });
});
