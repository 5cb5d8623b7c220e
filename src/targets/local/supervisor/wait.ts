/**
 * Waits for processes to become running and healthy, failing fast with what went wrong and the
 * end of the failing process's log: a crash loop should not cost the whole timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessStatus } from '../process-spec.js';
import type { SupervisorClient } from './client.js';
import { readLogTail } from './log-tail.js';

export class WaitForHealthyError extends Error {
  constructor(
    message: string,
    readonly processName: string,
    readonly state: ProcessStatus['state'] | 'missing',
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\nlast lines of its log:\n${logTail}` : message);
    this.name = 'WaitForHealthyError';
  }
}

export type WaitProgress = (statuses: ProcessStatus[]) => void;

const LOG_LINES = 20;

export async function waitForHealthy(
  client: SupervisorClient,
  names: readonly string[],
  timeoutMs: number,
  onProgress?: WaitProgress,
  pollMs = 500,
): Promise<ProcessStatus[]> {
  const deadline = Date.now() + timeoutMs;
  let lastSeen = '';
  for (;;) {
    const all = await client.status();
    const byName = new Map(all.map((s) => [s.name, s]));
    const missing = names.find((n) => !byName.has(n));
    if (missing !== undefined) {
      throw new WaitForHealthyError(
        `process "${missing}" is not supervised`,
        missing,
        'missing',
        '',
      );
    }
    const statuses = names.map((n) => byName.get(n) as ProcessStatus);
    const seen = JSON.stringify(statuses.map((s) => [s.name, s.state, s.healthy, s.restarts]));
    if (seen !== lastSeen) {
      lastSeen = seen;
      onProgress?.(statuses);
    }
    if (statuses.every((s) => s.state === 'running' && s.healthy)) return statuses;

    const broken = statuses.find((s) => s.state === 'crashloop' || s.state === 'stopped');
    if (broken) throw failure(broken, describe(broken));
    if (Date.now() >= deadline) {
      const slow = statuses.find((s) => !(s.state === 'running' && s.healthy)) as ProcessStatus;
      throw failure(
        slow,
        `${slow.name} is not healthy after ${Math.round(timeoutMs / 1000)} s (${slow.state})`,
      );
    }
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
  }
}

function describe(s: ProcessStatus): string {
  const exit = s.lastExit
    ? `, last exit ${s.lastExit.signal ? `by signal ${s.lastExit.signal}` : `with code ${s.lastExit.code}`}`
    : '';
  if (s.state === 'crashloop') {
    return `${s.name} is in crash loop (${s.restarts} restarts${exit}); log: ${s.logFile}`;
  }
  const why = s.paused ? 'it exited while reconciliation was paused' : 'it was stopped';
  return `${s.name} is stopped (${why}${exit}); log: ${s.logFile}`;
}

function failure(s: ProcessStatus, message: string): WaitForHealthyError {
  return new WaitForHealthyError(message, s.name, s.state, readLogTail(s.logFile, LOG_LINES));
}
