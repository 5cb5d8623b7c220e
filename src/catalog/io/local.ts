import { mkdir, readFile, rm, writeFile, rename, access, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { StorageError, type FileIO } from './types.js';

/** Accepts `file:///abs/path` and plain absolute paths (what some clients write). */
export function localPath(location: string): string {
  if (location.startsWith('file:'))
    return fileURLToPath(location.replace(/^file:\/(?!\/)/, 'file:///'));
  if (location.startsWith('/')) return location;
  throw new StorageError(`not a local file location: ${location}`, location);
}

async function countFiles(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    count += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return count;
}

export class LocalFileIO implements FileIO {
  async write(location: string, body: string): Promise<void> {
    const path = localPath(location);
    // Write to a temporary name and rename: a reader never sees a half-written metadata file.
    const tmp = `${path}.${randomUUID()}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, body, { flush: true });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new StorageError(`cannot write ${location}: ${(err as Error).message}`, location, {
        cause: err,
      });
    }
  }

  async read(location: string): Promise<string> {
    try {
      return await readFile(localPath(location), 'utf8');
    } catch (err) {
      throw new StorageError(`cannot read ${location}: ${(err as Error).message}`, location, {
        cause: err,
      });
    }
  }

  async readBytes(location: string): Promise<Uint8Array> {
    try {
      return await readFile(localPath(location));
    } catch (err) {
      throw new StorageError(`cannot read ${location}: ${(err as Error).message}`, location, {
        cause: err,
      });
    }
  }

  async exists(location: string): Promise<boolean> {
    return access(localPath(location)).then(
      () => true,
      () => false,
    );
  }

  async delete(locations: string[]): Promise<void> {
    await Promise.all(locations.map((l) => rm(localPath(l), { force: true })));
  }

  async deletePrefix(location: string): Promise<number> {
    const path = localPath(location);
    const info = await stat(path).catch(() => undefined);
    if (!info) return 0;
    const count = info.isDirectory() ? await countFiles(path) : 1;
    await rm(path, { recursive: true, force: true });
    return count;
  }

  async checkWritable(location: string): Promise<void> {
    const probe = `${location.replace(/\/+$/, '')}/.lakehouse-write-check-${randomUUID()}`;
    await this.write(probe, 'ok');
    await this.delete([probe]);
  }
}
