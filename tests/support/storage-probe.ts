/**
 * Reads, writes and fingerprints `file://` and `s3://` locations from outside the catalog, so a
 * test can plant files where a hostile request points and prove afterwards that nothing outside
 * the warehouse changed. Deliberately independent of the catalog's own FileIO: the code under
 * test must not be the judge of what it wrote.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

/** Path (or `s3://bucket/key`) → `dir`, or a content hash for files and an ETag for objects. */
export type StorageSnapshot = Map<string, string>;

export interface StorageProbe {
  write(location: string, body: string | Buffer): Promise<void>;
  read(location: string): Promise<string>;
  exists(location: string): Promise<boolean>;
  /** Every file (object) under `location/`, as full locations, sorted. */
  list(location: string): Promise<string[]>;
}

function parseS3(location: string): { bucket: string; key: string } {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match) throw new Error(`not an s3 location: ${location}`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

const isS3 = (location: string): boolean => /^s3[an]?:\/\//.test(location);
const pathOf = (location: string): string =>
  location.startsWith('file:') ? fileURLToPath(location) : location;

export function storageProbe(s3?: S3Client): StorageProbe {
  const client = (): S3Client => {
    if (!s3) throw new Error('this probe has no S3 client');
    return s3;
  };
  async function listS3(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client().send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
  return {
    async write(location, body) {
      if (isS3(location)) {
        const { bucket, key } = parseS3(location);
        await client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        return;
      }
      const path = pathOf(location);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, body);
    },
    async read(location) {
      if (isS3(location)) {
        const { bucket, key } = parseS3(location);
        const res = await client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return (await res.Body?.transformToString('utf8')) ?? '';
      }
      return readFileSync(pathOf(location), 'utf8');
    },
    async exists(location) {
      if (isS3(location)) {
        const { bucket, key } = parseS3(location);
        try {
          await client().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          return true;
        } catch (err) {
          if ((err as { name?: string }).name === 'NotFound') return false;
          throw err;
        }
      }
      return existsSync(pathOf(location));
    },
    async list(location) {
      const base = location.replace(/\/+$/, '');
      if (isS3(base)) {
        const { bucket, key } = parseS3(base);
        const keys = await listS3(bucket, `${key}/`);
        return keys.map((k) => `s3://${bucket}/${k}`);
      }
      const root = pathOf(base);
      const files = [...walk(root, () => false)].filter(([, v]) => v !== 'dir');
      return files.map(([p]) => `${base}/${relative(root, p).split(sep).join('/')}`).sort();
    },
  };
}

/** Entries under `root` (not `root` itself), depth first; `skip` prunes a subtree by its path. */
function* walk(root: string, skip: (path: string) => boolean): Generator<[string, string]> {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (skip(path)) continue;
    const stat = lstatSync(path);
    if (stat.isDirectory()) {
      yield [path, 'dir'];
      yield* walk(path, skip);
    } else {
      yield [path, createHash('sha256').update(readFileSync(path)).digest('hex')];
    }
  }
}

/** Every directory and file under `root` with its sha256, leaving out the `exclude` subtrees. */
export function snapshotTree(root: string, exclude: string[] = []): StorageSnapshot {
  return new Map(walk(root, (path) => exclude.includes(path)));
}

/**
 * Every object of every bucket with its ETag, leaving out keys under the `exclude` locations
 * (`s3://bucket/prefix`).
 */
export async function snapshotBuckets(
  s3: S3Client,
  exclude: string[] = [],
): Promise<StorageSnapshot> {
  const skipped = exclude.map((l) => {
    const { bucket, key } = parseS3(l.replace(/\/+$/, ''));
    return { bucket, prefix: `${key}/` };
  });
  const snapshot: StorageSnapshot = new Map();
  const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
  for (const { Name: bucket } of buckets) {
    if (!bucket) continue;
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key ?? '';
        if (skipped.some((s) => s.bucket === bucket && key.startsWith(s.prefix))) continue;
        snapshot.set(`s3://${bucket}/${key}`, `${o.ETag ?? ''}:${String(o.Size ?? '')}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return snapshot;
}

/** What changed between two snapshots, for an assertion message that names the damage. */
export function diffSnapshots(
  before: StorageSnapshot,
  after: StorageSnapshot,
): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed = [...before.keys()]
    .filter((k) => after.has(k) && after.get(k) !== before.get(k))
    .sort();
  return { added, removed, changed };
}
