/**
 * The supervisor's HTTP endpoint on a loopback TCP port (Prometheus cannot scrape the control
 * socket): `GET /metrics` with the state of every supervised process, and `POST /alerts`, a
 * webhook sink that appends each notification it receives as one JSON line to a file (the local
 * target's Alertmanager receiver). Both are generic: process names, components and the file
 * come from the supervisor's state and its metrics settings (`run/metrics.json`).
 *
 *   lakehouse_process_up{process,component}             1 while a pid runs
 *   lakehouse_process_healthy{process,component}        1 while it runs and its health check passes
 *   lakehouse_process_restarts_total{process,component} restarts since the supervisor started
 *   lakehouse_process_paused{process,component}         1 while reconciliation is paused
 *   lakehouse_process_crashloop{process,component}      1 in crashloop (no more restarts)
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import type { ProcessStatus } from '../process-spec.js';
import { supervisorPaths } from './paths.js';

/** What the client asks of the metrics endpoint; absent = no endpoint. */
export interface MetricsSettings {
  /** Loopback TCP port of `/metrics` and `/alerts`. */
  port: number;
  /** Where `POST /alerts` appends; without it `/alerts` answers 404. */
  alertsLog?: string;
}

const settingsSchema = z.object({
  port: z.number().int().min(1).max(65535),
  alertsLog: z.string().min(1).optional(),
});

/** Writes (or with `null` removes the content of) `run/metrics.json`, read on start and apply. */
export function writeMetricsSettings(stateDir: string, settings: MetricsSettings | null): void {
  const paths = supervisorPaths(stateDir);
  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  const tmp = `${paths.metricsSettings}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings ?? {})}\n`, { mode: 0o600 });
  renameSync(tmp, paths.metricsSettings);
}

/** The settings in `run/metrics.json`, or null when there are none (or they are invalid). */
export function readMetricsSettings(stateDir: string): MetricsSettings | null {
  let text: string;
  try {
    text = readFileSync(supervisorPaths(stateDir).metricsSettings, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const { port, alertsLog } = parsed.data;
    return alertsLog === undefined ? { port } : { port, alertsLog };
  } catch {
    return null;
  }
}

/** A Prometheus registry whose five families are filled from `status()` at every scrape. */
export function processMetricsRegistry(status: () => ProcessStatus[]): Registry {
  const registry = new Registry();
  const labelNames = ['process', 'component'] as const;
  const each = (fn: (p: ProcessStatus) => number) => (g: Gauge<'process' | 'component'>) => {
    g.reset();
    for (const p of status()) g.set({ process: p.name, component: p.component }, fn(p));
  };
  const gauge = (name: string, help: string, fn: (p: ProcessStatus) => number): void => {
    const fill = each(fn);
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        fill(this);
      },
    });
  };
  gauge('lakehouse_process_up', '1 while a pid of the process runs', (p) =>
    p.pid !== null ? 1 : 0,
  );
  gauge('lakehouse_process_healthy', '1 while the process runs and its health check passes', (p) =>
    p.pid !== null && p.healthy ? 1 : 0,
  );
  gauge('lakehouse_process_paused', '1 while reconciliation of the process is paused', (p) =>
    p.paused ? 1 : 0,
  );
  gauge(
    'lakehouse_process_crashloop',
    '1 while the process is in crashloop (not restarted)',
    (p) => (p.state === 'crashloop' ? 1 : 0),
  );
  new Counter({
    name: 'lakehouse_process_restarts_total',
    help: 'Restarts of the process since the supervisor started',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of status()) {
        this.inc({ process: p.name, component: p.component }, p.restarts);
      }
    },
  });
  return registry;
}

export interface MetricsServerOptions {
  status: () => ProcessStatus[];
  /** Current settings (re-read by the caller on apply); `alertsLog` may change while serving. */
  alertsLog: () => string | undefined;
  onError?: (message: string) => void;
}

const MAX_ALERT_BODY = 1024 * 1024;

export function createMetricsServer(options: MetricsServerOptions): Server {
  const registry = processMetricsRegistry(options.status);
  return createServer((req, res) => {
    void route(req, res, registry, options).catch((err: unknown) => {
      options.onError?.(err instanceof Error ? err.message : String(err));
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
    });
  });
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  options: MetricsServerOptions,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://supervisor').pathname;
  if (req.method === 'GET' && path === '/metrics') {
    req.resume();
    return send(res, 200, registry.contentType, await registry.metrics());
  }
  if (req.method === 'POST' && path === '/alerts') {
    const file = options.alertsLog();
    if (!file) {
      req.resume();
      return send(res, 404, 'text/plain', 'no alerts log configured\n');
    }
    const body = await readBody(req);
    if (body === null) return send(res, 413, 'text/plain', 'body too large\n');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, 'text/plain', 'not JSON\n');
    }
    await mkdir(dirname(file), { recursive: true });
    await appendFile(
      file,
      `${JSON.stringify({ receivedAt: new Date().toISOString(), ...asObject(parsed) })}\n`,
      {
        mode: 0o600,
      },
    );
    return send(res, 200, 'text/plain', 'ok\n');
  }
  req.resume();
  send(res, 404, 'text/plain', `no route ${req.method ?? 'GET'} ${path}\n`);
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { body: value };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ALERT_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Keeps the metrics server listening on the port the settings name: starts, moves or stops it
 * when they change. A port that cannot be bound is reported and retried at the next reconcile.
 */
export class MetricsEndpoint {
  private server: Server | null = null;
  private port: number | null = null;
  private settings: MetricsSettings | null = null;

  constructor(
    private readonly status: () => ProcessStatus[],
    private readonly log: { info(msg: string): void; error(msg: string): void },
  ) {}

  get listeningPort(): number | null {
    return this.port;
  }

  async reconcile(settings: MetricsSettings | null): Promise<void> {
    this.settings = settings;
    const want = settings?.port ?? null;
    if (want === this.port) return;
    await this.close();
    if (want === null) return;
    const server = createMetricsServer({
      status: this.status,
      alertsLog: () => this.settings?.alertsLog,
      onError: (m) => this.log.error(`metrics endpoint: ${m}`),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(want, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.log.error(
        `metrics endpoint: cannot listen on 127.0.0.1:${want}: ${(err as Error).message}`,
      );
      return;
    }
    this.server = server;
    this.port = want;
    this.log.info(`metrics endpoint on http://127.0.0.1:${want}/metrics`);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.port = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
