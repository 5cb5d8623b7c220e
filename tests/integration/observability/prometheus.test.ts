import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/lib/index.js';
import { parseValues, type LakehouseValues } from '../../../src/platform/config/index.js';
import {
  alertmanagerLaunch,
  checkAlertmanagerConfig,
  checkPrometheusConfig,
  ensureAlertmanager,
  ensurePrometheus,
  prometheusLaunch,
  writeObservabilityConfig,
  type AlertmanagerInstall,
  type LaunchSpec,
  type ObservabilityPaths,
  type PrometheusInstall,
} from '../../../src/targets/local/observability/index.js';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';

/**
 * The real Debian Prometheus and Alertmanager, installed with apt-get on first use, started on
 * free ports in a temporary state directory (beside any platform already running), configured
 * from a values file exactly as `lakehouse up` will.
 */

interface Running {
  child: ChildProcess;
  output: OutputBuffer;
  forget: () => void;
}

let dir: string;
let values: LakehouseValues;
let paths: ObservabilityPaths;
let prometheus: PrometheusInstall;
let alertmanager: AlertmanagerInstall;
const running: Running[] = [];
let catalog: CatalogProcess | undefined;

async function start(spec: LaunchSpec, what: string): Promise<Running> {
  const child = spawn(spec.command, spec.args, {
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputBuffer();
  output.attach(child);
  const r = { child, output, forget: killOnExit(child) };
  running.push(r);
  await waitUntilReady(child, async () => (await fetch(spec.healthUrl)).status === 200, {
    what,
    timeoutMs: 60_000,
    output,
  });
  return r;
}

beforeAll(async () => {
  const say = (line: string): void => console.log(`[observability] ${line}`);
  prometheus = await ensurePrometheus({ onProgress: say });
  alertmanager = await ensureAlertmanager({ onProgress: say });
  dir = await mkdtemp(join(tmpdir(), 'lakehouse-obs-'));
  // The real catalog, whose /metrics Prometheus must scrape. MinIO and Trino stay on free ports
  // where nothing listens: their targets are down, which Prometheus reports without failing.
  catalog = await spawnCatalog({ warehouse: `file://${join(dir, 'warehouse')}` });
  const catalogPort = Number(new URL(catalog.url).port);
  const promPort = await findFreePort();
  const amPort = await findFreePort();
  const minioPort = await findFreePort();
  const trinoPort = await findFreePort();
  const supervisorPort = await findFreePort();
  const nodePort = await findFreePort();
  values = parseValues('test', [
    {
      file: 'test-values.yaml',
      text: [
        'global: { target: local }',
        `minio: { ports: { api: ${minioPort}, console: ${minioPort + 1} } }`,
        `icebergCatalog: { port: ${catalogPort} }`,
        `trino: { coordinator: { port: ${trinoPort} }, workers: { count: 0 } }`,
        `observability: { prometheus: { port: ${promPort}, scrapeInterval: 1s }, alertmanager: { port: ${amPort} }, supervisorMetrics: { port: ${supervisorPort} }, nodeExporter: { port: ${nodePort} } }`,
      ].join('\n'),
    },
  ]);
  // A repository root without platform/observability/rules: no rule files to load.
  paths = await writeObservabilityConfig({
    values,
    env: 'test',
    stateDir: dir,
    repoRoot: dir,
    minio: { rootUser: 'lakehouse-test', rootPassword: 'not-a-real-minio-secret' },
  });
});

afterAll(async () => {
  for (const r of running) {
    await terminate(r.child);
    r.forget();
  }
  await catalog?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Prometheus and Alertmanager from Debian packages', () => {
  it('are the expected release series', () => {
    expect(prometheus.version).toMatch(/^2\.42\./);
    expect(alertmanager.version).toMatch(/^0\.25\./);
  });

  it('promtool and amtool accept the rendered configuration', async () => {
    const p = await checkPrometheusConfig(prometheus.promtool, paths.prometheusConfig);
    expect(p.output).toContain('SUCCESS');
    expect(p.ok).toBe(true);
    const a = await checkAlertmanagerConfig(alertmanager.amtool, paths.alertmanagerConfig);
    expect(a.output).toContain('SUCCESS');
    expect(a.ok).toBe(true);
  });

  it('start on loopback, become ready, and Prometheus scrapes itself, Alertmanager and the catalog', async () => {
    const am = alertmanagerLaunch({
      binary: alertmanager.binary,
      configFile: paths.alertmanagerConfig,
      dataDir: paths.alertmanagerData,
      port: values.observability.alertmanager.port,
    });
    const prom = prometheusLaunch({
      binary: prometheus.binary,
      configFile: paths.prometheusConfig,
      dataDir: paths.prometheusData,
      port: values.observability.prometheus.port,
      retention: values.observability.prometheus.retention,
    });
    await start(am, 'alertmanager');
    await start(prom, 'prometheus');

    const base = `http://127.0.0.1:${values.observability.prometheus.port}`;
    type Target = { labels: { job: string }; health: string; lastError: string };
    let targets: Target[] = [];
    const deadline = Date.now() + 30_000;
    // The first scrape happens within one scrape interval (1s here) of start.
    while (Date.now() < deadline) {
      const body = (await (await fetch(`${base}/api/v1/targets`)).json()) as {
        data: { activeTargets: Target[] };
      };
      targets = body.data.activeTargets;
      const health = (job: string): string | undefined =>
        targets.find((t) => t.labels.job === job)?.health;
      // Every target scraped at least once ('unknown' until then), the live ones up.
      const scraped = targets.length > 0 && targets.every((t) => t.health !== 'unknown');
      const live = ['prometheus', 'alertmanager', 'iceberg-catalog'].every(
        (j) => health(j) === 'up',
      );
      if (scraped && live) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const byJob = Object.fromEntries(targets.map((t) => [t.labels.job, t.health]));
    expect(byJob).toMatchObject({
      prometheus: 'up',
      alertmanager: 'up',
      'iceberg-catalog': 'up',
      minio: 'down',
      trino: 'down',
      node: 'down',
      supervisor: 'down',
    });
    expect(Object.keys(byJob).sort()).toEqual([
      'alertmanager',
      'iceberg-catalog',
      'minio',
      'node',
      'prometheus',
      'supervisor',
      'trino',
    ]);

    // Prometheus found its Alertmanager.
    const ams = (await (await fetch(`${base}/api/v1/alertmanagers`)).json()) as {
      data: { activeAlertmanagers: { url: string }[] };
    };
    expect(ams.data.activeAlertmanagers.map((a) => a.url)).toEqual([
      `http://127.0.0.1:${values.observability.alertmanager.port}/api/v2/alerts`,
    ]);
  });

  it('stop on SIGTERM, leaving no process behind', async () => {
    for (const r of running.splice(0)) {
      const status = await terminate(r.child);
      r.forget();
      expect(status.signal === 'SIGTERM' || status.code === 0, r.output.tail()).toBe(true);
      expect(() => process.kill(r.child.pid as number, 0)).toThrow();
    }
  });
});
