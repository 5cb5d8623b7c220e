/**
 * The CLI's side of the control API: HTTP requests over the supervisor's Unix socket.
 */
import { request } from 'node:http';
import type { ProcessStatus } from '../process-spec.js';
import type { ProcessAction, SupervisorInfo } from './control-server.js';
import { supervisorPaths } from './paths.js';
import type { ApplyResult } from './supervisor.js';

/** Nothing answers on the socket: no supervisor runs for this state directory. */
export class SupervisorUnavailableError extends Error {
  constructor(
    readonly socket: string,
    readonly code: string | undefined,
  ) {
    super(`no supervisor answers on ${socket} (${code ?? 'no answer'})`);
    this.name = 'SupervisorUnavailableError';
  }
}

/** The supervisor answered with an error (unknown process, invalid desired.json, …). */
export class SupervisorRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SupervisorRequestError';
  }
}

/** Stops can take a while (20 s grace per level by default); status must be quick. */
const QUICK_MS = 5_000;
const SLOW_MS = 10 * 60_000;

export class SupervisorClient {
  constructor(readonly socket: string) {}

  static forStateDir(stateDir: string): SupervisorClient {
    return new SupervisorClient(supervisorPaths(stateDir).socket);
  }

  /** The supervisor's pid. */
  async ping(timeoutMs = QUICK_MS): Promise<number> {
    const body = await this.call<{ pid: number }>('GET', '/ping', timeoutMs);
    return body.pid;
  }

  /** The pid and the port the metrics endpoint listens on (null: none). */
  info(timeoutMs = QUICK_MS): Promise<SupervisorInfo> {
    return this.call<SupervisorInfo>('GET', '/ping', timeoutMs);
  }

  /** Statuses in start (dependency) order. */
  status(): Promise<ProcessStatus[]> {
    return this.call('GET', '/status', QUICK_MS);
  }

  /** Re-reads desired.json (write it with writeDesiredSpecs first). */
  apply(): Promise<ApplyResult> {
    return this.call('POST', '/apply', SLOW_MS);
  }

  start(name: string): Promise<ProcessStatus> {
    return this.action(name, 'start');
  }

  stop(name: string): Promise<ProcessStatus> {
    return this.action(name, 'stop');
  }

  restart(name: string): Promise<ProcessStatus> {
    return this.action(name, 'restart');
  }

  pause(name: string): Promise<ProcessStatus> {
    return this.action(name, 'pause');
  }

  resume(name: string): Promise<ProcessStatus> {
    return this.action(name, 'resume');
  }

  /** Redeploys one process with desired.json's spec (after apply) and restarts it, paused or not. */
  replace(name: string): Promise<ProcessStatus> {
    return this.action(name, 'replace');
  }

  /** Stops every process; the supervisor exits right after answering. */
  async shutdown(): Promise<string[]> {
    const body = await this.call<{ stopped: string[] }>('POST', '/shutdown', SLOW_MS);
    return body.stopped;
  }

  private action(name: string, action: ProcessAction): Promise<ProcessStatus> {
    return this.call('POST', `/processes/${encodeURIComponent(name)}/${action}`, SLOW_MS);
  }

  private call<T>(method: string, path: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const req = request(
        { socketPath: this.socket, path, method, timeout: timeoutMs, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              reject(new SupervisorRequestError(res.statusCode ?? 0, `not JSON: ${text}`));
              return;
            }
            if ((res.statusCode ?? 500) >= 400) {
              const message = (body as { error?: string }).error ?? `HTTP ${res.statusCode}`;
              reject(new SupervisorRequestError(res.statusCode ?? 500, message));
              return;
            }
            resolve(body as T);
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(
          new Error(`the supervisor did not answer ${method} ${path} in ${timeoutMs} ms`),
        ),
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') {
          reject(new SupervisorUnavailableError(this.socket, err.code));
        } else reject(err);
      });
      req.end();
    });
  }
}
