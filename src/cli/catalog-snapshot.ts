import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  catalogDatabaseOf,
  loadCatalogDatabase,
  redactUrl,
  snapshotCatalogDatabase,
} from '../catalog/store/index.js';
import { UserError } from '../lib/index.js';
import { hashFile } from '../ops/backup/index.js';
import { defaultCatalogDb } from './catalog.js';

/**
 * `lakehouse catalog snapshot` and `catalog load`: the catalog database to and from a SQLite
 * snapshot file, while the catalog runs. They are what a backup runs inside a catalog pod (the
 * pod knows its database; nothing else reaches a SQLite file on the pod's volume), so `-` streams
 * through stdout and stdin, and the stream's size and SHA-256 travel beside it.
 */

/** The environment variable the catalog's chart sets to the catalog's database URL. */
export const CATALOG_DB_ENV = 'LAKEHOUSE_CATALOG_DB';

export interface SnapshotFlags {
  db?: string;
  to: string;
}

export interface LoadFlags {
  db?: string;
  from: string;
  bytes?: number;
  sha256?: string;
}

/** The summary line a streamed snapshot ends with on stderr (its last line). */
export interface SnapshotSummary {
  bytes: number;
  sha256: string;
}

function databaseUrl(flag: string | undefined): string {
  return flag ?? process.env[CATALOG_DB_ENV] ?? defaultCatalogDb();
}

/**
 * A scratch directory beside a SQLite database (the pod's volume has room for a copy of it, its
 * /tmp may not), else the system's temporary directory.
 */
async function scratchDir(url: string): Promise<string> {
  const db = catalogDatabaseOf(url);
  const fallback = (): Promise<string> => mkdtemp(join(tmpdir(), 'lakehouse-snapshot-'));
  if (db.kind !== 'sqlite') return fallback();
  return mkdtemp(join(dirname(db.path), '.lakehouse-snapshot-')).catch(fallback);
}

export async function catalogSnapshot(flags: SnapshotFlags): Promise<void> {
  const url = databaseUrl(flags.db);
  const dir = await scratchDir(url);
  try {
    const file = join(dir, 'catalog.db');
    await snapshotCatalogDatabase(url, file);
    const { size, sha256 } = await hashFile(file);
    const summary: SnapshotSummary = { bytes: size, sha256 };
    if (flags.to === '-') {
      await pipeline(createReadStream(file), process.stdout, { end: false });
      process.stderr.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    const tmp = `${flags.to}.${process.pid}.tmp`;
    await pipeline(createReadStream(file), createWriteStream(tmp, { mode: 0o600 }));
    await rename(tmp, flags.to);
    process.stdout.write(
      `✔ snapshot of ${redactUrl(url)} written to ${flags.to} (${summary.bytes} bytes, sha256 ${summary.sha256})\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Exactly `bytes` bytes of `input` written to `file`: the sender says how many, because an exec
 * session's stdin does not always carry an end (kubectl exec through some kubelets keeps it open).
 */
async function receive(input: Readable, file: string, bytes: number): Promise<SnapshotSummary> {
  const hash = createHash('sha256');
  let received = 0;
  const out = createWriteStream(file, { mode: 0o600 });
  try {
    if (bytes > 0) {
      // Leaving the loop early destroys stdin: what follows the snapshot is not read.
      for await (const chunk of input as AsyncIterable<Buffer>) {
        const part = chunk.subarray(0, bytes - received);
        received += part.length;
        hash.update(part);
        if (!out.write(part)) await once(out, 'drain');
        if (received >= bytes) break;
      }
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { bytes: received, sha256: hash.digest('hex') };
}

export async function catalogLoad(flags: LoadFlags): Promise<void> {
  const url = databaseUrl(flags.db);
  let file = flags.from;
  let dir: string | undefined;
  try {
    if (flags.from === '-') {
      if (flags.bytes === undefined || flags.sha256 === undefined) {
        throw new UserError(
          '--from - needs --bytes and --sha256: the snapshot is checked before anything changes',
          'pass the size and SHA-256 of the snapshot sent on stdin',
        );
      }
      dir = await scratchDir(url);
      file = join(dir, 'catalog.db');
      const got = await receive(process.stdin, file, flags.bytes);
      process.stdin.destroy();
      if (got.bytes !== flags.bytes || got.sha256 !== flags.sha256.toLowerCase()) {
        throw new UserError(
          `the snapshot arrived damaged (${got.bytes} of ${flags.bytes} bytes, sha256 ${got.sha256}); the catalog database was not changed`,
          'send it again',
        );
      }
    } else if (!(await stat(file).catch(() => undefined))?.isFile()) {
      throw new UserError(`${file} does not exist`, 'pass a snapshot file (--from <file>)');
    }
    const counts = await loadCatalogDatabase(file, url);
    process.stdout.write(
      `✔ ${redactUrl(url)} now holds the snapshot: ${counts.namespaces} namespaces, ${counts.objects} tables and views\n`,
    );
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}
