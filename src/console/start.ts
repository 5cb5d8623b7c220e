import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadValues } from '../platform/config/index.js';
import { lakehouseVersion, repoRoot } from '../platform/paths.js';
import { isLoopbackHost, readValuesInEffect } from '../targets/local/platform/index.js';
import { deployedValues } from '../targets/local/releases/index.js';
import { ensureConsoleToken } from '../targets/local/secrets.js';
import { loadChartDashboards } from './dashboards/index.js';
import { localOverviewSource } from './overview/index.js';
import { localAirflowAccess, readReleases } from './releases/index.js';
import { buildConsoleApp } from './server/index.js';
import { durationSeconds } from '../platform/config/index.js';

/** Where `npm run build:console` writes the page. */
export const webDistDir = (root = repoRoot): string => join(root, 'console', 'web', 'dist');

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export const isLoopback = isLoopbackHost;

export interface StartConsoleOptions {
  env: string;
  valuesFiles: readonly string[];
  stateDir: string;
  host: string;
  port: number;
  webRoot?: string;
  logLevel?: string;
  diagnoseIntervalMs?: number;
}

export interface RunningConsole {
  app: FastifyInstance;
  /** `http://host:port` as it listens. */
  url: string;
  /** Whether requests need the token (a non-loopback address). */
  tokenRequired: boolean;
  close(): Promise<void>;
}

/**
 * The console for the local platform, listening: the values in effect, the dashboards of the
 * repository, the overview's readers, and the token when it binds beyond loopback.
 */
export async function startConsole(opts: StartConsoleOptions): Promise<RunningConsole> {
  const values =
    readValuesInEffect(opts.stateDir) ??
    deployedValues(await loadValues({ env: opts.env, files: opts.valuesFiles }), opts.stateDir);
  const version = await lakehouseVersion();
  const tokenRequired = !isLoopback(opts.host);
  const token = tokenRequired ? await ensureConsoleToken(opts.stateDir) : null;
  const source = localOverviewSource({
    env: opts.env,
    valuesFiles: opts.valuesFiles,
    stateDir: opts.stateDir,
    consoleVersion: version,
    consoleHost: opts.host,
    values,
    ...(opts.diagnoseIntervalMs !== undefined
      ? { diagnoseIntervalMs: opts.diagnoseIntervalMs }
      : {}),
  });
  const app = await buildConsoleApp({
    version,
    dashboards: loadChartDashboards(),
    overview: () => source.read(),
    prometheus: async () => {
      const prom = (await source.values()).observability.prometheus;
      return prom.enabled
        ? {
            url: `http://127.0.0.1:${prom.port}`,
            scrapeIntervalSeconds: durationSeconds(prom.scrapeInterval),
          }
        : null;
    },
    catalog: async () => {
      const catalog = (await source.values()).icebergCatalog;
      // The local catalog takes no token; the platform serves its one warehouse as `default`.
      return catalog.enabled
        ? {
            url: `http://127.0.0.1:${catalog.port}`,
            token: null,
            warehouses: [{ name: 'default', location: catalog.warehouse }],
          }
        : null;
    },
    releases: async () => readReleases(opts.stateDir, await source.values()),
    airflow: localAirflowAccess({ stateDir: opts.stateDir, values: () => source.values() }),
    trino: async () => {
      const trino = (await source.values()).trino;
      return trino.enabled ? `http://127.0.0.1:${trino.coordinator.port}` : null;
    },
    webRoot: opts.webRoot ?? webDistDir(),
    token,
    ...(opts.logLevel ? { log: { level: opts.logLevel } } : {}),
  });
  app.addHook('onClose', () => source.close());
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { app, url: `http://${host}:${port}`, tokenRequired, close: () => app.close() };
}
