/**
 * A real Trino 476 on vended credentials, as the local platform runs it: its iceberg catalog is
 * rendered by the platform's renderer with `credentials: 'vended'` (no S3 key in any file, no
 * AWS_* variable and an empty HOME, so no ~/.aws either), and our catalog (--vended-credentials)
 * hands it keys from a real MinIO's STS for each table it loads or creates. Everything Trino
 * reads or writes in MinIO below therefore went through vended keys.
 *
 * One coordinator that also runs tasks: the machine's cores are shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/lib/index.js';
import { formatDuration } from '../../../src/platform/install/index.js';
import { versions } from '../../../src/platform/versions.js';
import { ensureJavaRuntime, ensureTrinoServer } from '../../../src/targets/local/install/index.js';
import {
  isReady,
  queryWhileWorkersSettle,
  renderTrinoNode,
  TrinoClient,
  trinoLaunch,
  trinoTmpDir,
  writeTrinoFiles,
} from '../../../src/targets/local/trino/index.js';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { killOnExit, OutputBuffer, terminate, waitUntilReady } from '../../support/process.js';

const BUCKET = 'lh-trino-vended';
const WAREHOUSE = `s3://${BUCKET}/warehouse`;
const say = (line: string): void => console.log(`[trino-vended] ${line}`);

let root: string;
let minio: MinioServer;
let catalog: CatalogProcess;
let coordinator: ChildProcess | undefined;
let forget: (() => void) | undefined;
let output: OutputBuffer;
let trino: TrinoClient;
let catalogFile: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lakehouse-trino-vended-'));
  const t = Date.now();
  const [java, serverDir] = await Promise.all([
    ensureJavaRuntime({ minMajor: versions.trino.javaMajor, onProgress: say }),
    ensureTrinoServer({ onProgress: say }),
    (async () => {
      minio = await startMinio();
      await minio.createBucket(BUCKET);
      catalog = await spawnCatalog({
        warehouse: WAREHOUSE,
        s3: {
          endpoint: minio.endpoint,
          region: minio.region,
          accessKeyId: minio.accessKeyId,
          secretAccessKey: minio.secretAccessKey,
        },
        extraArgs: ['--vended-credentials'],
      });
    })(),
  ]);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const nodeDir = join(root, 'coordinator');
  const dataDir = join(nodeDir, 'data');
  await writeTrinoFiles(
    nodeDir,
    renderTrinoNode({
      role: 'coordinator',
      nodeId: 'coordinator',
      httpPort: port,
      coordinatorUrl: url,
      dataDir,
      tmpDir: trinoTmpDir(nodeDir),
      heap: '1G',
      queryMaxMemory: '256MB',
      catalogs: [
        {
          name: 'iceberg',
          connector: 'iceberg',
          restUri: catalog.url,
          s3: { endpoint: minio.endpoint, region: minio.region, credentials: 'vended' },
          // As the platform sets it from its retention values: maintenance may go this low.
          minRetentionSeconds: { expireSnapshots: 1, removeOrphanFiles: 1 },
        },
      ],
      workers: 0,
    }),
  );
  catalogFile = join(nodeDir, 'etc', 'catalog', 'iceberg.properties');
  const home = join(root, 'home');
  const launch = trinoLaunch({
    serverDir,
    etcDir: join(nodeDir, 'etc'),
    dataDir,
    java,
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
  });
  const child = spawn(launch.command, launch.args, {
    env: launch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  coordinator = child;
  output = new OutputBuffer([minio.secretAccessKey]);
  output.attach(child);
  forget = killOnExit(child);
  await waitUntilReady(child, () => isReady(url), {
    what: 'the Trino coordinator',
    timeoutMs: 240_000,
    output,
  });
  trino = new TrinoClient({ baseUrl: url, source: 'lakehouse-test' });
  await queryWhileWorkersSettle(trino, 'SELECT 1');
  say(`Trino ready after ${formatDuration(Date.now() - t)}`);
}, 600_000);

afterAll(async () => {
  if (coordinator) await terminate(coordinator, 'SIGTERM', 20_000);
  forget?.();
  await catalog?.stop();
  await minio?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}, 60_000);

/** Runs a statement; a failure carries Trino's and the catalog's log tails. */
async function sql(text: string) {
  try {
    return await trino.query(text);
  } catch (err) {
    const tail = (s: string) => s.split('\n').slice(-40).join('\n');
    throw new Error(
      `${(err as Error).message}\n--- trino ---\n${tail(output.toString())}\n--- catalog ---\n${tail(catalog.logs())}`,
    );
  }
}

describe('Trino on vended credentials', () => {
  it('holds no S3 key: its iceberg catalog only enables vended credentials', async () => {
    const text = await readFile(catalogFile, 'utf8');
    expect(text).toContain('iceberg.rest-catalog.vended-credentials-enabled=true\n');
    expect(text).not.toMatch(/aws-access-key|aws-secret-key/);
    expect(text).not.toContain(minio.accessKeyId);
  });

  it('creates, writes, updates and reads Iceberg tables in MinIO', async () => {
    await sql('CREATE SCHEMA iceberg.vend');
    await sql('CREATE TABLE iceberg.vend.events (id bigint, name varchar)');
    const inserted = await sql(
      "INSERT INTO iceberg.vend.events VALUES (1, 'one'), (2, 'two'), (3, 'three')",
    );
    expect(inserted.updateCount).toBe(3);
    // A row-level delete writes a delete file: another write under the table's prefix.
    await sql('DELETE FROM iceberg.vend.events WHERE id = 2');
    const read = await sql('SELECT id, name FROM iceberg.vend.events ORDER BY id');
    expect(read.rows).toEqual([
      [1, 'one'],
      [3, 'three'],
    ]);

    // CREATE TABLE AS: the new table's keys come with its create, for its own prefix.
    await sql(
      'CREATE TABLE iceberg.vend.copy AS SELECT id * 10 AS id, name FROM iceberg.vend.events',
    );
    const copy = await sql('SELECT sum(id), count(*) FROM iceberg.vend.copy');
    expect(copy.rows).toEqual([[40, 2]]);

    // Trino gives each table a unique location (`events-<uuid>`).
    const keys = await minio.listKeys(BUCKET, 'warehouse/vend/');
    const dataFiles = (table: string) =>
      keys.filter((k) => new RegExp(`^warehouse/vend/${table}-[0-9a-f]+/data/`).test(k));
    expect(dataFiles('events'), keys.join('\n')).toHaveLength(2);
    expect(dataFiles('copy'), keys.join('\n')).toHaveLength(1);
  });

  it("reads a table's metadata tables and files through the same credentials", async () => {
    const files = await sql('SELECT count(*) FROM iceberg.vend."events$files"');
    expect(files.rows).toEqual([[2]]);
  });

  it("runs the maintenance DAG's procedures: optimize, expire_snapshots, remove_orphan_files", async () => {
    const location = (await sql('SELECT file_path FROM iceberg.vend."events$files" LIMIT 1'))
      .rows[0]![0] as string;
    const dataDir = location.slice(`s3://${BUCKET}/`.length).replace(/\/[^/]+$/, '');
    const orphan = `${dataDir}/orphan-${Date.now()}.parquet`;
    await minio.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: orphan, Body: 'x' }));
    await sql('ALTER TABLE iceberg.vend.events EXECUTE optimize');
    // Both procedures keep what is younger than their threshold (1 s, the lowest allowed here).
    await sleep(1500);
    await sql(
      "ALTER TABLE iceberg.vend.events EXECUTE expire_snapshots(retention_threshold => '1s')",
    );
    await sql(
      "ALTER TABLE iceberg.vend.events EXECUTE remove_orphan_files(retention_threshold => '1s')",
    );
    const keys = await minio.listKeys(BUCKET, `${dataDir}/`);
    expect(keys).not.toContain(orphan);
    const snapshots = await sql('SELECT count(*) FROM iceberg.vend."events$snapshots"');
    expect(snapshots.rows).toEqual([[1]]);
    const read = await sql('SELECT id, name FROM iceberg.vend.events ORDER BY id');
    expect(read.rows).toEqual([
      [1, 'one'],
      [3, 'three'],
    ]);
  });
});
