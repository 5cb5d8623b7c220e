import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import {
  MANIFEST_FILE,
  parseManifest,
  verifyManifest,
  type BackupManifest,
  type FileEntry,
  type ManifestProblem,
} from './manifest.js';

/**
 * Reading a backup directory back: every file's size and SHA-256, and the check against the
 * manifest. The backup directory is always on this machine, whatever the target.
 */

/** Every regular file under `dir`, as `/`-separated paths relative to it, sorted. */
export async function walkFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** A file's SHA-256 (hex) and size, read as a stream. */
export async function hashFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer;
    size += buf.length;
    hash.update(buf);
  }
  return { size, sha256: hash.digest('hex') };
}

/** Size and SHA-256 of every file in a backup directory except the manifest. */
export async function scanFiles(
  dir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<FileEntry[]> {
  const paths = (await walkFiles(dir)).filter((p) => p !== MANIFEST_FILE);
  const out: FileEntry[] = [];
  for (const path of paths) {
    out.push({ path, ...(await hashFile(join(dir, path))) });
    onProgress?.(out.length, paths.length);
  }
  return out;
}

export async function readManifest(dir: string): Promise<BackupManifest> {
  const text = await readFile(join(dir, MANIFEST_FILE), 'utf8');
  return parseManifest(text);
}

export interface BackupCheck {
  manifest: BackupManifest;
  problems: ManifestProblem[];
}

/**
 * Re-reads every file of the backup at `dir` and checks it against its manifest. Throws when
 * there is no readable manifest; returns the problems (empty when the backup is whole).
 */
export async function checkBackupDir(
  dir: string,
  onProgress?: (done: number, total: number) => void,
): Promise<BackupCheck> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${dir} is not a directory`);
  let manifest: BackupManifest;
  try {
    manifest = await readManifest(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${join(dir, MANIFEST_FILE)} is missing: not a (complete) lakehouse backup`);
    }
    throw err;
  }
  const actual = await scanFiles(dir, onProgress);
  return { manifest, problems: verifyManifest(manifest, actual) };
}
