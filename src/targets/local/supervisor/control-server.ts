/**
 * The control API: small HTTP over the supervisor's Unix socket. Only the owner can reach the
 * socket (mode 0600 in a 0700 directory), so there is no further authentication.
 *
 *   GET  /ping                          → { pid, metricsPort }
 *   GET  /status                        → ProcessStatus[]
 *   POST /apply                         → ApplyResult (re-reads desired.json)
 *   POST /processes/:name/<action>      → ProcessStatus; action: start, stop, restart, pause, resume,
 *                                         replace (desired spec + restart, even while paused)
 *   POST /shutdown                      → { stopped: string[] }, then the supervisor exits
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ProcessStatus } from '../process-spec.js';
import { DesiredSpecError } from './desired.js';
import { UnknownProcessError, type ApplyResult } from './supervisor.js';

export const PROCESS_ACTIONS = ['start', 'stop', 'restart', 'pause', 'resume', 'replace'] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export interface SupervisorInfo {
  pid: number;
  metricsPort: number | null;
}

export interface ControlHandlers {
  status(): ProcessStatus[];
  /** What /ping answers: the pid, and the port of the metrics endpoint while it listens. */
  info(): SupervisorInfo;
  apply(): Promise<ApplyResult>;
  processAction(name: string, action: ProcessAction): Promise<ProcessStatus>;
  /** Stops everything; the server answers, then `afterShutdown` ends the supervisor. */
  shutdown(): Promise<string[]>;
  afterShutdown(): void;
}

export function createControlServer(handlers: ControlHandlers): Server {
  return createServer((req, res) => {
    void route(req, res, handlers);
  });
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: ControlHandlers,
): Promise<void> {
  // Requests carry no body we read; drain it so the connection can be reused.
  req.resume();
  const url = new URL(req.url ?? '/', 'http://supervisor');
  const method = req.method ?? 'GET';
  try {
    if (method === 'GET' && url.pathname === '/ping') return send(res, 200, handlers.info());
    if (method === 'GET' && url.pathname === '/status') return send(res, 200, handlers.status());
    if (method === 'POST' && url.pathname === '/apply') {
      return send(res, 200, await handlers.apply());
    }
    if (method === 'POST' && url.pathname === '/shutdown') {
      const stopped = await handlers.shutdown();
      res.on('finish', () => handlers.afterShutdown());
      return send(res, 200, { stopped });
    }
    const match = /^\/processes\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (method === 'POST' && match) {
      const name = decodeURIComponent(match[1] ?? '');
      const action = match[2] as ProcessAction;
      if (!PROCESS_ACTIONS.includes(action)) {
        return send(res, 404, { error: `unknown action "${action}"` });
      }
      return send(res, 200, await handlers.processAction(name, action));
    }
    send(res, 404, { error: `no route ${method} ${url.pathname}` });
  } catch (err) {
    if (err instanceof UnknownProcessError) return send(res, 404, { error: err.message });
    if (err instanceof DesiredSpecError) return send(res, 400, { error: err.message });
    send(res, 500, { error: err instanceof Error ? err.message : String(err) });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
