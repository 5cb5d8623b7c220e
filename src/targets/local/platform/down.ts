import { rm } from 'node:fs/promises';
import { SupervisorClient, SupervisorUnavailableError, acquireLock } from '../supervisor/index.js';

export interface DownResult {
  /** Processes stopped; empty when nothing was running. */
  stopped: string[];
  purged: boolean;
}

/**
 * `lakehouse down`: a graceful stop of every process (reverse dependency order, each given its
 * stop timeout), then the supervisor exits. With `purge`, the state directory goes too: data,
 * credentials, logs. Downloads stay in the cache, so the next `up` does not reinstall.
 */
export async function downLocal(opts: { stateDir: string; purge: boolean }): Promise<DownResult> {
  const lock = acquireLock(opts.stateDir, 'up', {
    command: 'lakehouse down',
    busyMessage: 'the platform is being changed by another command',
  });
  let stopped: string[] = [];
  try {
    const client = SupervisorClient.forStateDir(opts.stateDir);
    try {
      stopped = await client.shutdown();
    } catch (err) {
      if (!(err instanceof SupervisorUnavailableError)) throw err;
    }
    // The supervisor answers before it exits; wait until its socket is gone before purging.
    for (let i = 0; i < 100; i++) {
      try {
        await client.ping(500);
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    lock.release();
  }
  if (opts.purge) await rm(opts.stateDir, { recursive: true, force: true });
  return { stopped, purged: opts.purge };
}
