import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A scratch directory next to `target`, on the same file system so the final `rename` is
 * atomic. Named after the target so leftovers from killed installs are easy to recognise.
 */
export async function scratchDirFor(target: string): Promise<string> {
  await sweepLeftovers(dirname(target));
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

/**
 * Puts a finished build in place: writes `marker` into `tree` last (its presence is what marks
 * the build complete), then renames `tree` to `target`. When another installer got there first,
 * its copy is kept if `isComplete` says it is, and `tree` is discarded; otherwise the rename's
 * error is thrown.
 */
export async function publish(
  tree: string,
  target: string,
  marker: { name: string; content: string },
  isComplete: () => Promise<boolean>,
): Promise<void> {
  await writeFile(join(tree, marker.name), marker.content);
  try {
    await rename(tree, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await isComplete())) throw err;
    await discard(tree);
  }
}

/** Scratch and trash directories older than this are leftovers of killed installs. */
const LEFTOVER_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * Deletes old `.tmp-*` / `.trash-*` directories in `dir`. Recent ones may belong to an install
 * running right now in another process, so they are left alone.
 */
async function sweepLeftovers(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.trash-')) continue;
    const path = join(dir, name);
    try {
      if (now - (await stat(path)).mtimeMs > LEFTOVER_AGE_MS) {
        await rm(path, { recursive: true, force: true });
      }
    } catch {
      // Removed concurrently by another installer: nothing to do.
    }
  }
}
