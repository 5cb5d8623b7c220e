/**
 * Every object of a bucket to files and back, against a real MinIO: SHA-256 computed while
 * streaming equals the file's, nested keys and a multi-MiB object survive, and the copy written
 * back into an empty bucket is byte for byte the original.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../../src/ops/backup/index.js';
import {
  emptyBucket,
  exportBucket,
  importBucket,
  measureBucket,
  objectExists,
} from '../../../src/platform/backup/index.js';
import { startMinio, type MinioServer } from '../../support/minio.js';

let minio: MinioServer;
let dir: string;

const objects: Record<string, Buffer> = {
  'lakehouse/demo/orders/metadata/00000-a.metadata.json': Buffer.from('{"format-version":2}'),
  'lakehouse/demo/orders/data/part-0.parquet': randomBytes(3 * 1024 * 1024 + 17),
  'lakehouse/demo/orders/data/empty.parquet': Buffer.alloc(0),
  'top-level.txt': Buffer.from('hello'),
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  minio = await startMinio();
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-backup-objects-'));
  await minio.createBucket('warehouse');
  for (const [key, body] of Object.entries(objects)) {
    await minio.s3.send(new PutObjectCommand({ Bucket: 'warehouse', Key: key, Body: body }));
  }
});

afterAll(async () => {
  await minio?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('bucket export and import', () => {
  it('exports every object with the SHA-256 of its bytes, and imports them into another bucket', async () => {
    const seen: number[] = [];
    const copies = await exportBucket(minio.s3, 'warehouse', join(dir, 'objects'), (p) =>
      seen.push(p.objects),
    );
    expect(copies.map((c) => c.key)).toEqual(Object.keys(objects).sort());
    for (const c of copies) {
      const body = objects[c.key] as Buffer;
      expect(c.size).toBe(body.length);
      expect(c.sha256).toBe(sha(body));
      expect(await hashFile(join(dir, 'objects', c.key))).toEqual({
        size: body.length,
        sha256: sha(body),
      });
    }
    expect(seen.at(-1)).toBe(copies.length);

    await minio.createBucket('restored');
    await importBucket(minio.s3, 'restored', join(dir, 'objects'), copies, () => {});
    expect(await minio.listKeys('restored')).toEqual(Object.keys(objects).sort());
    for (const [key, body] of Object.entries(objects)) {
      const got = await minio.s3.send(new GetObjectCommand({ Bucket: 'restored', Key: key }));
      const bytes = Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array()));
      expect(sha(bytes), key).toBe(sha(body));
    }
    expect(await objectExists(minio.s3, 'restored', 'top-level.txt')).toBe(true);
    expect(await objectExists(minio.s3, 'restored', 'nope')).toBe(false);
    expect(readFileSync(join(dir, 'objects', 'top-level.txt'), 'utf8')).toBe('hello');
  });

  it('empties a bucket of more objects than one delete request takes, and only that bucket', async () => {
    await minio.createBucket('to-empty');
    const keys = Array.from({ length: 1203 }, (_, i) => `p/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys
          .slice(i, i + 100)
          .map((Key) =>
            minio.s3.send(new PutObjectCommand({ Bucket: 'to-empty', Key, Body: 'x' })),
          ),
      );
    }
    expect((await measureBucket(minio.s3, 'to-empty')).count).toBe(keys.length);
    const before = await measureBucket(minio.s3, 'warehouse');
    await emptyBucket(minio.s3, 'to-empty');
    expect(await minio.listKeys('to-empty')).toEqual([]);
    expect(await measureBucket(minio.s3, 'warehouse')).toEqual(before);
  });
});
