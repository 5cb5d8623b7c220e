import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A scratch directory next to `target`, on the same file system so the final `rename` is
 * atomic. Named after the target so leftovers from killed installs are easy to recognise.
 */
export async function scratchDirFor(target: string): Promise<string> {
  const dir = join(dirname(target), `.tmp-${basename(target)}-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Moves a broken install out of the way before deleting it, so nothing ever observes a
 * half-deleted directory under the real name.
 */
export async function discard(path: string): Promise<void> {
  const aside = join(dirname(path), `.trash-${basename(path)}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await rm(aside, { recursive: true, force: true });
}
