import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { cacheRoot } from '../../../platform/install/index.js';
import { downLocal } from '../platform/index.js';
import { defaultBackupsDir } from '../backup/index.js';

/**
 * `lakehouse cleanup` on this machine (the runbook's scripts/cleanup.sh): what it would delete,
 * and the deletion — the platform stopped, its state directory purged, optionally the cache.
 */

export interface CleanupItem {
  what: string;
  path: string;
  /** Measured for what is deleted and for backups; the kept cache is not walked (it is large). */
  bytes?: number;
}

export interface CleanupPlan {
  delete: CleanupItem[];
  /** Kept on purpose, said so to the user. */
  keep: CleanupItem[];
}

/** Bytes under `path` (files and symlinks themselves, not followed); 0 when it does not exist. */
export async function diskUsage(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  const entries = await readdir(path, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.isDirectory()) continue;
    const s = await lstat(join(e.parentPath, e.name)).catch(() => undefined);
    total += s?.size ?? 0;
  }
  return total;
}

async function present(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

export async function planCleanup(stateDir: string, includeCache: boolean): Promise<CleanupPlan> {
  const plan: CleanupPlan = { delete: [], keep: [] };
  if (await present(stateDir)) {
    plan.delete.push({
      what: 'platform state: data, credentials, logs',
      path: stateDir,
      bytes: await diskUsage(stateDir),
    });
  }
  const cache = cacheRoot();
  if (await present(cache)) {
    const what = 'downloads and builds';
    if (includeCache) plan.delete.push({ what, path: cache, bytes: await diskUsage(cache) });
    else plan.keep.push({ what: `${what}; --cache deletes them too`, path: cache });
  }
  const backups = defaultBackupsDir(stateDir);
  if (await present(backups)) {
    plan.keep.push({ what: 'backups', path: backups, bytes: await diskUsage(backups) });
  }
  return plan;
}

/** Stops the platform and deletes what the plan lists. */
export async function runCleanup(
  stateDir: string,
  includeCache: boolean,
): Promise<{ stopped: string[] }> {
  const down = await downLocal({ stateDir, purge: true });
  if (includeCache) await rm(cacheRoot(), { recursive: true, force: true });
  return { stopped: down.stopped };
}
