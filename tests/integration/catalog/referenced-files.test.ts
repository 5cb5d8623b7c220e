/**
 * referencedFiles against real tables: pyiceberg writes them through our catalog into a file://
 * warehouse (appends, a delete that rewrites data files, an overwrite), and the walk must name
 * exactly the files pyiceberg and the catalog put in the table's folder. Then FileIO.readBytes
 * against a real MinIO.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { StorageError, createFileIO } from '../../../src/catalog/io/index.js';
import { tableMetadataSchema } from '../../../src/catalog/metadata/index.js';
import { referencedFiles } from '../../../src/catalog/service/referenced-files.js';
import { parseJson } from '../../../src/lib/index.js';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { PythonScript, pythonEnv } from '../../support/python.js';

const PY = fileURLToPath(new URL('./py/', import.meta.url));
const NS = 'purge_it';

/** Rows over three categories and two days: each append writes six partition files. */
function rows(ids: number[]) {
  return ids.map((id) => ({
    id,
    category: ['a', 'b', 'c'][id % 3]!,
    ts: `2024-01-0${1 + (id % 2)}T00:00:00`,
    amount: id + 0.5,
  }));
}
const range = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => from + i);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('referencedFiles on tables pyiceberg wrote', () => {
  let catalog: CatalogProcess;
  let home: string;
  let warehouseDir: string;
  let warehouse: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lakehouse-refs-home-'));
    warehouseDir = await mkdtemp(join(tmpdir(), 'lakehouse-refs-wh-'));
    warehouse = `file://${warehouseDir}`;
    catalog = await spawnCatalog({ warehouse });
    await py('ops.py', ['create_namespace'], { namespace: NS });
  });

  afterAll(async () => {
    await catalog?.stop();
    for (const dir of [home, warehouseDir])
      if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function py<T>(script: string, args: string[], request: unknown): Promise<T> {
    // A file:// warehouse needs no S3, but ops.py's catalog() reads these settings regardless.
    const env = pythonEnv({
      catalogUri: catalog.url,
      s3Endpoint: 'http://127.0.0.1:9',
      s3Region: 'us-east-1',
      accessKeyId: 'unused',
      secretAccessKey: 'unused',
      home,
    });
    const child = new PythonScript(inject('python'), join(PY, script), args, env);
    child.send(request);
    return child.result<T>();
  }

  it.each([
    { table: 'v2_deflate', properties: {}, codec: 'deflate' },
    {
      table: 'v1_zstd',
      properties: { 'format-version': '1', 'write.avro.compression-codec': 'zstd' },
      codec: 'zstandard',
    },
  ])(
    'names exactly the files of $table (manifests compressed with $codec)',
    async ({ table, properties, codec }) => {
      const history = await py<{ snapshot_count: number }>('table_history.py', [], {
        table: `${NS}.${table}`,
        properties,
        batches: [rows(range(1, 12)), rows(range(13, 12))],
        // Rows 1 and 13 share their files with other rows: pyiceberg rewrites those files.
        delete_ids: [1, 13],
        overwrite: rows(range(100, 3)),
      });
      // Two appends; the delete's rewrite (a delete and an overwrite snapshot); the overwrite's
      // delete and append snapshots.
      expect(history.snapshot_count).toBeGreaterThanOrEqual(4);

      const response = await fetch(`${catalog.url}/v1/namespaces/${NS}/tables/${table}`);
      expect(response.status).toBe(200);
      const body = parseJson(await response.text()) as {
        'metadata-location': string;
        metadata: unknown;
      };
      const metadata = tableMetadataSchema.parse(body.metadata);
      expect(metadata.location).toBe(`${warehouse}/${NS}/${table}`);

      const result = await referencedFiles(createFileIO({}), body['metadata-location'], metadata);

      // Every file pyiceberg (data, manifests, manifest lists) and the catalog (metadata files)
      // wrote under the table's folder. pyiceberg leaves no orphans here: each commit succeeded
      // at its first attempt (one writer), and a failed attempt's manifests are what a purge
      // would miss. The walk must not name a file twice nor one that was never written.
      const tableDir = join(warehouseDir, NS, table);
      const onDisk = (await filesUnder(tableDir))
        .map((path) => `${warehouse}/${relative(warehouseDir, path)}`)
        .sort();
      expect(onDisk.filter((f) => f.endsWith('.parquet')).length).toBeGreaterThan(12);
      expect(result.problems).toEqual([]);
      expect(result.files).toEqual(onDisk);

      // The manifests really are in the codec under test.
      const manifest = onDisk.find((f) => /-m\d+\.avro$/.test(f))!;
      const header = (await readFile(fileURLToPath(manifest))).subarray(0, 4096).toString('latin1');
      expect(header).toMatch(new RegExp(`avro\\.codec.${codec}`, 's'));
    },
  );
});

describe('S3 FileIO readBytes against MinIO', () => {
  const BUCKET = 'lakehouse-readbytes';
  let minio: MinioServer;

  beforeAll(async () => {
    minio = await startMinio();
    await minio.createBucket(BUCKET);
  });
  afterAll(async () => {
    await minio?.stop();
  });

  const io = () =>
    createFileIO({
      endpoint: minio.endpoint,
      region: minio.region,
      pathStyle: true,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    });

  it('returns an object byte for byte', async () => {
    // Every byte value: a read through a text decoding would mangle those that are not UTF-8.
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    await minio.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 't/m.avro', Body: bytes }));
    expect(new Uint8Array(await io().readBytes(`s3://${BUCKET}/t/m.avro`))).toEqual(bytes);
  });

  it('fails with a StorageError naming a missing object', async () => {
    const location = `s3://${BUCKET}/t/missing.avro`;
    const err = await io()
      .readBytes(location)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toMatch(
      new RegExp(`^cannot read ${location}: NoSuchKey`),
    );
  });
});
