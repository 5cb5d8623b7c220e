/**
 * A JavaScript client reads an Iceberg table using only the catalog's planned tasks: it plans a
 * scan over HTTP, fetches each task's data file from MinIO with the AWS SDK, decodes the Parquet
 * with hyparquet, and gets the rows pyiceberg reads with the same filter.
 *
 * The catalog's tasks carry no residual filter, so (as the spec allows) the client applies the
 * filter to the rows itself: the test's `keep` is that filter written in JavaScript. The files it
 * reads are the catalog's choice alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { PythonScript, pythonEnv } from '../../support/python.js';

const SCRIPT = fileURLToPath(new URL('./py/scan_ops.py', import.meta.url));
const BUCKET = 'lakehouse-scan-js';
const NS = 'scan_js';
const TABLE = 'events';

let minio: MinioServer;
let catalog: CatalogProcess;
let home: string;
let s3: S3Client;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lakehouse-scan-js-'));
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  catalog = await spawnCatalog({
    warehouse: `s3://${BUCKET}/warehouse`,
    s3: {
      endpoint: minio.endpoint,
      region: minio.region,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    },
  });
  s3 = new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
  });
});

afterAll(async () => {
  s3?.destroy();
  await catalog?.stop();
  await minio?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function py<T>(operation: string, request: Record<string, unknown>): Promise<T> {
  const env = pythonEnv({
    catalogUri: catalog.url,
    s3Endpoint: minio.endpoint,
    s3Region: minio.region,
    accessKeyId: minio.accessKeyId,
    secretAccessKey: minio.secretAccessKey,
    home,
  });
  const script = new PythonScript(inject('python'), SCRIPT, [operation], env, [
    minio.secretAccessKey,
  ]);
  script.send(request);
  return script.result<T>();
}

interface Row {
  id: number;
  category: string | null;
  ts: string | null;
  amount: number | string | null;
  note: string | null;
}

/** Reads one data file named by a task: `s3://bucket/key` → rows in pyiceberg's JSON form. */
async function readDataFile(path: string): Promise<Row[]> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(path);
  expect(m, path).not.toBeNull();
  const object = await s3.send(new GetObjectCommand({ Bucket: m![1], Key: m![2] }));
  const bytes = await object.Body!.transformToByteArray();
  // A copy into a plain ArrayBuffer: hyparquet takes an ArrayBuffer, not a view.
  const file = new Uint8Array(bytes).buffer;
  const rows = await parquetReadObjects({ file, compressors });
  return rows.map((r) => ({
    id: Number(r['id']),
    category: (r['category'] as string | null) ?? null,
    // pyiceberg prints timestamps without zone as ISO text without an offset.
    ts:
      r['ts'] instanceof Date
        ? r['ts']
            .toISOString()
            .replace(/\.000Z$/, '')
            .replace(/Z$/, '')
        : null,
    amount:
      typeof r['amount'] === 'number' && Number.isNaN(r['amount'])
        ? 'NaN'
        : (r['amount'] as number | null),
    note: (r['note'] as string | null) ?? null,
  }));
}

const CASES: Array<{ filter: string; json: unknown; keep: (r: Row) => boolean }> = [
  {
    filter: "category = 'a' and id >= 30",
    json: {
      type: 'and',
      left: { type: 'eq', term: 'category', value: 'a' },
      right: { type: 'gt-eq', term: 'id', value: 30 },
    },
    keep: (r) => r.category === 'a' && r.id >= 30,
  },
  {
    filter: "ts < '2024-01-02T00:00:00'",
    json: { type: 'lt', term: 'ts', value: '2024-01-02T00:00:00' },
    keep: (r) => r.ts !== null && r.ts < '2024-01-02T00:00:00',
  },
  { filter: 'True', json: undefined, keep: () => true },
];

describe('a JavaScript reader using only planned tasks', () => {
  it('builds the table with pyiceberg', async () => {
    await py('setup', { namespace: NS, table: TABLE });
  });

  it.each(CASES)('reads what pyiceberg reads for $filter', async ({ filter, json, keep }) => {
    const res = await fetch(`${catalog.url}/v1/namespaces/${NS}/tables/${TABLE}/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json === undefined ? {} : { filter: json }),
    });
    expect(res.status).toBe(200);
    const plan = (await res.json()) as {
      status: string;
      'file-scan-tasks': Array<{ 'data-file': { 'file-path': string; 'record-count': number } }>;
      'delete-files': unknown[];
    };
    expect(plan.status).toBe('completed');
    // pyiceberg writes no delete files: every row of a planned file is live.
    expect(plan['delete-files']).toEqual([]);

    const rows: Row[] = [];
    for (const task of plan['file-scan-tasks']) {
      const fileRows = await readDataFile(task['data-file']['file-path']);
      expect(fileRows).toHaveLength(task['data-file']['record-count']);
      rows.push(...fileRows.filter(keep));
    }
    rows.sort((a, b) => a.id - b.id);

    const expected = await py<{ rows: Row[] }>('read', { namespace: NS, table: TABLE, filter });
    expect(expected.rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(expected.rows);
  });
});
