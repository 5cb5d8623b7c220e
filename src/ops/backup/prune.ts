import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from './manifest.js';
import { selectExpiredBackups } from './retention.js';

/**
 * Deletes backups older than the retention from the default backups directory. Only entries
 * named like a backup (a UTC timestamp) that hold a manifest are candidates; the newest is kept.
 */
export async function pruneBackups(
  root: string,
  maxAgeSeconds: number,
  now: Date,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const backups: string[] = [];
  for (const name of names) {
    const manifest = await stat(join(root, name, MANIFEST_FILE)).catch(() => undefined);
    if (manifest?.isFile()) backups.push(name);
  }
  const expired = selectExpiredBackups(backups, now, maxAgeSeconds);
  for (const name of expired) await rm(join(root, name), { recursive: true, force: true });
  return expired;
}
