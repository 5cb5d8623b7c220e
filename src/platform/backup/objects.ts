import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectCopy, OnTransfer } from '../../ops/backup/index.js';
import { objectPath } from '../../ops/backup/index.js';

/** Objects copied at once: enough to hide per-request latency, few enough for two cores. */
const CONCURRENCY = 4;

export async function* listObjects(
  s3: S3Client,
  bucket: string,
): AsyncGenerator<{ key: string; size: number }> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0 };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Runs `work` over `items` with at most `limit` at a time; the first failure stops the rest. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Every object of `bucket` streamed to `<toDir>/<key>` (the runbook's `mc mirror`), each hashed
 * with SHA-256 on the way; a size that differs from the listing fails the copy.
 */
export async function exportBucket(
  s3: S3Client,
  bucket: string,
  toDir: string,
  onProgress: OnTransfer,
): Promise<ObjectCopy[]> {
  const listed: { key: string; size: number }[] = [];
  for await (const o of listObjects(s3, bucket)) {
    objectPath(o.key); // refuses keys that cannot be files, before anything is copied
    listed.push(o);
  }
  const totalBytes = listed.reduce((s, o) => s + o.size, 0);
  const copies: ObjectCopy[] = [];
  let bytes = 0;
  await eachLimited(listed, CONCURRENCY, async ({ key }) => {
    const file = join(toDir, key);
    await mkdir(dirname(file), { recursive: true });
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!res.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(res.Body as Readable, tap, createWriteStream(file, { mode: 0o600 }));
    if (res.ContentLength !== undefined && size !== res.ContentLength) {
      throw new Error(`s3://${bucket}/${key}: read ${size} bytes, expected ${res.ContentLength}`);
    }
    copies.push({ key, size, sha256: hash.digest('hex') });
    onProgress({ objects: copies.length, bytes, totalObjects: listed.length, totalBytes });
  });
  return copies.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Writes each object back from `<fromDir>/<key>`. */
export async function importBucket(
  s3: S3Client,
  bucket: string,
  fromDir: string,
  objects: readonly ObjectCopy[],
  onProgress: OnTransfer,
): Promise<void> {
  let done = 0;
  let bytes = 0;
  const totalBytes = objects.reduce((s, o) => s + o.size, 0);
  await eachLimited(objects, CONCURRENCY, async (o) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: o.key,
        Body: createReadStream(join(fromDir, o.key)),
        ContentLength: o.size,
      }),
    );
    done += 1;
    bytes += o.size;
    onProgress({ objects: done, bytes, totalObjects: objects.length, totalBytes });
  });
}

export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return false;
    throw err;
  }
}

/** Count and total size of the objects of `bucket`. */
export async function measureBucket(
  s3: S3Client,
  bucket: string,
): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const o of listObjects(s3, bucket)) {
    count += 1;
    bytes += o.size;
  }
  return { count, bytes };
}

/**
 * Deletes every object of `bucket`, a thousand per request (S3's limit); the bucket stays. A key
 * S3 could not delete fails the whole call, naming it.
 */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  let batch: { Key: string }[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const r = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
    );
    if (r.Errors?.length) {
      throw new Error(
        `could not delete ${r.Errors.length} objects of bucket ${bucket}: ${r.Errors[0]?.Key ?? ''} ${r.Errors[0]?.Message ?? ''}`,
      );
    }
    batch = [];
  };
  for await (const o of listObjects(s3, bucket)) {
    batch.push({ Key: o.key });
    if (batch.length === 1000) await flush();
  }
  await flush();
}

/** Whether an `s3://bucket/key` location exists; undefined for a location of another scheme. */
export async function s3LocationExists(
  s3: S3Client,
  location: string,
): Promise<boolean | undefined> {
  const m = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(location);
  return m ? objectExists(s3, m[1] as string, m[2] as string) : undefined;
}
