/**
 * Drives our Iceberg REST catalog with pyiceberg, a real third-party client, against real MinIO:
 * namespaces, a partitioned table, appends, reads, schema evolution, a staged create, optimistic
 * concurrency (a stale commit, then four writer processes at once), listing and a purging drop.
 *
 * The steps build on each other (one table through its life), so they run in order in one file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { PythonScript, pythonEnv } from '../../support/python.js';

const OPS = fileURLToPath(new URL('./py/ops.py', import.meta.url));
const BUCKET = 'lakehouse-it';
const WAREHOUSE = `s3://${BUCKET}/warehouse`;
const NS = 'lh_it';
const TABLE = `${NS}.events`;
const STAGED = `${NS}.events_staged`;
const TABLE_LOCATION = `${WAREHOUSE}/${NS}/events`;

interface Row {
  id: number;
  category: string;
  ts: string;
  amount: number;
  note?: string | null;
}

/** Deterministic rows over three categories and two days, so writes hit six partitions. */
function rows(ids: number[], note?: (id: number) => string): Row[] {
  return ids.map((id) => ({
    id,
    category: ['a', 'b', 'c'][id % 3]!,
    ts: `2024-01-0${1 + (id % 2)}T${String(id % 24).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}:00`,
    amount: id + 0.5,
    ...(note ? { note: note(id) } : {}),
  }));
}

const range = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => from + i);

/** `s3://bucket/key` → `key`. */
function keyOf(uri: string): string {
  const prefix = `s3://${BUCKET}/`;
  expect(uri.startsWith(prefix), uri).toBe(true);
  return uri.slice(prefix.length);
}

/** The partition directory of a data file: `.../data/category=a/ts_day=2024-01-01/x.parquet`. */
function partitionDir(uri: string): string {
  const m = /\/data\/(.+)\/[^/]+\.parquet$/.exec(uri);
  return m?.[1] ?? `<no partition dir in ${uri}>`;
}

interface TableState {
  snapshot_count: number;
  data_files: string[];
}

let minio: MinioServer;
let catalog: CatalogProcess;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lakehouse-pyiceberg-'));
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
  });
});

afterAll(async () => {
  await catalog?.stop();
  await minio?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

function start(operation: string): PythonScript {
  const env = pythonEnv({
    catalogUri: catalog.url,
    s3Endpoint: minio.endpoint,
    s3Region: minio.region,
    accessKeyId: minio.accessKeyId,
    secretAccessKey: minio.secretAccessKey,
    home,
  });
  return new PythonScript(inject('python'), OPS, [operation], env, [minio.secretAccessKey]);
}

/** Runs one pyiceberg operation; on failure the error carries the script's and catalog's output. */
async function py<T>(operation: string, request: Record<string, unknown>): Promise<T> {
  const script = start(operation);
  script.send(request);
  try {
    return await script.result<T>();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- catalog log tail ---\n${tail(catalog.logs())}`);
  }
}

const tail = (text: string): string => text.split('\n').slice(-30).join('\n');

describe('pyiceberg against our REST catalog and MinIO', () => {
  const batch1 = rows(range(1, 12));
  const batch2 = rows(range(101, 6), (id) => `note-${id}`);
  // What batch1 reads back as once the `note` column exists: null in every old row.
  const batch1Evolved = batch1.map((r) => ({ ...r, note: null }));

  it('creates a namespace and lists it with its properties', async () => {
    const result = await py<{ namespaces: string[]; properties: Record<string, string> }>(
      'create_namespace',
      { namespace: NS, properties: { owner: 'integration-tests' } },
    );
    expect(result.namespaces).toEqual([NS]);
    expect(result.properties.owner).toBe('integration-tests');
  });

  it('creates a partitioned table under the warehouse', async () => {
    const result = await py<Record<string, unknown>>('create_table', { table: TABLE });
    expect(result).toEqual({
      location: TABLE_LOCATION,
      format_version: 2,
      schema: [
        [1, 'id', 'long', true],
        [2, 'category', 'string', false],
        [3, 'ts', 'timestamp', false],
        [4, 'amount', 'double', false],
      ],
      spec: [
        [2, 1000, 'identity', 'category'],
        [3, 1001, 'day', 'ts_day'],
      ],
      snapshot_count: 0,
    });
    const metadata = await minio.listKeys(BUCKET, `${keyOf(TABLE_LOCATION)}/metadata/`);
    expect(metadata.filter((k) => k.endsWith('.metadata.json'))).toHaveLength(1);
  });

  it('appends Arrow data whose files land in MinIO under the table location', async () => {
    const state = await py<TableState>('append', { table: TABLE, rows: batch1 });
    expect(state.snapshot_count).toBe(1);
    expect([...new Set(state.data_files.map(partitionDir))].sort()).toEqual([
      'category=a/ts_day=2024-01-01',
      'category=a/ts_day=2024-01-02',
      'category=b/ts_day=2024-01-01',
      'category=b/ts_day=2024-01-02',
      'category=c/ts_day=2024-01-01',
      'category=c/ts_day=2024-01-02',
    ]);
    const keys = await minio.listKeys(BUCKET, `${keyOf(TABLE_LOCATION)}/`);
    expect(keys.filter((k) => k.endsWith('.parquet'))).toEqual(state.data_files.map(keyOf).sort());
    // One metadata file per table version: the create, then the append.
    expect(keys.filter((k) => k.endsWith('.metadata.json'))).toHaveLength(2);
  });

  it('reads back exactly the rows it appended', async () => {
    const result = await py<{ rows: Row[] }>('read', { table: TABLE });
    expect(result.rows).toEqual(batch1);
  });

  it('evolves the schema, appends with the new column and reads both generations', async () => {
    const evolved = await py<{ schema: unknown[]; schema_id: number }>('add_column', {
      table: TABLE,
      name: 'note',
    });
    expect(evolved).toEqual({
      schema: [
        [1, 'id', 'long', true],
        [2, 'category', 'string', false],
        [3, 'ts', 'timestamp', false],
        [4, 'amount', 'double', false],
        [5, 'note', 'string', false],
      ],
      schema_id: 1,
    });
    const state = await py<TableState>('append', { table: TABLE, rows: batch2 });
    expect(state.snapshot_count).toBe(2);
    const result = await py<{ rows: Row[] }>('read', { table: TABLE });
    expect(result.rows).toEqual([...batch1Evolved, ...batch2]);
  });

  it('creates a table through create_table_transaction (stage-create)', async () => {
    const staged = rows(range(201, 4));
    const result = await py<Record<string, unknown>>('stage_create', {
      table: STAGED,
      rows: staged,
    });
    expect(result).toMatchObject({
      exists_before_commit: false,
      exists_after_commit: true,
      location: `${WAREHOUSE}/${NS}/events_staged`,
      rows: staged,
      snapshot_count: 1,
    });
  });

  it('refuses a commit on a stale base (409) and pyiceberg succeeds after refreshing', async () => {
    const result = await py<{ retries: number; ids: number[]; snapshot_count: number }>(
      'stale_commit',
      { table: TABLE, rows_first: rows([301]), rows_second: rows([302]) },
    );
    expect(result.retries).toBe(1);
    expect(result.snapshot_count).toBe(4);
    expect(result.ids).toEqual([...range(1, 12), ...range(101, 6), 301, 302]);
  });

  it('keeps every row exactly once when four processes append concurrently', async () => {
    // pyiceberg retries conflicts itself by default; turn that off so each writer goes through
    // its own refresh-and-retry loop on CommitFailedException.
    const props = await py<{ properties: Record<string, string> }>('set_properties', {
      table: TABLE,
      properties: { 'commit.retry.num-retries': '0' },
    });
    expect(props.properties).toEqual({ 'commit.retry.num-retries': '0' });

    const WORKERS = 4;
    const COMMITS = 3;
    const ROWS = 10;
    const idsOf = (w: number, c: number): number[] => range(10_000 + w * 1000 + c * 100, ROWS);
    const workers = Array.from({ length: WORKERS }, (_, w) => {
      const script = start('worker');
      script.send({
        table: TABLE,
        worker: w,
        batches: Array.from({ length: COMMITS }, (_, c) => rows(idsOf(w, c))),
      });
      return script;
    });
    try {
      // Every writer has loaded the table before any commits: they all start from one base.
      for (const w of workers) expect(await w.nextJson()).toEqual({ ready: true });
      for (const w of workers) w.send('go');
      const results = await Promise.all(
        workers.map((w) => w.result<{ worker: number; commits: number; conflicts: number }>()),
      );
      expect(results.map((r) => [r.worker, r.commits])).toEqual(
        Array.from({ length: WORKERS }, (_, w) => [w, COMMITS]),
      );
      console.log(
        `concurrent writers hit ${results.reduce((n, r) => n + r.conflicts, 0)} conflicts`,
      );
    } finally {
      for (const w of workers) w.kill();
    }

    const result = await py<{ rows: Row[] } & TableState>('read', { table: TABLE });
    const expectedIds = [
      ...range(1, 12),
      ...range(101, 6),
      301,
      302,
      ...Array.from({ length: WORKERS }, (_, w) =>
        Array.from({ length: COMMITS }, (_, c) => idsOf(w, c)),
      ).flat(2),
    ].sort((a, b) => a - b);
    const ids = result.rows.map((r) => r.id);
    expect(ids).toHaveLength(expectedIds.length); // No row twice...
    expect(ids).toEqual(expectedIds); // ...and none missing.
    expect(result.snapshot_count).toBe(4 + WORKERS * COMMITS);
    // Every file the table references is in MinIO. (Not the converse: pyiceberg leaves the data
    // files of refused attempts behind as orphans.)
    const keys = await minio.listKeys(BUCKET, `${keyOf(TABLE_LOCATION)}/data/`);
    expect(keys).toEqual(expect.arrayContaining(result.data_files.map(keyOf)));
    expect(result.data_files.length).toBeGreaterThan(0);
  });

  it('lists namespaces and tables', async () => {
    expect(await py('list', { namespace: NS })).toEqual({
      namespaces: [NS],
      tables: [TABLE, STAGED],
    });
  });

  it('drops a table with purge and its files are gone from MinIO', async () => {
    const prefix = `${keyOf(TABLE_LOCATION)}/`;
    expect((await minio.listKeys(BUCKET, prefix)).length).toBeGreaterThan(0);
    expect(await py('drop_table', { table: TABLE, purge: true })).toEqual({
      exists_after: false,
      load_after: 'NoSuchTableError',
    });
    expect(await minio.listKeys(BUCKET, prefix)).toEqual([]);
    // The other table's files are untouched.
    const staged = await minio.listKeys(BUCKET, `${keyOf(`${WAREHOUSE}/${NS}/events_staged`)}/`);
    expect(staged.filter((k) => k.endsWith('.parquet')).length).toBeGreaterThan(0);
    expect(await py('list', { namespace: NS })).toEqual({ namespaces: [NS], tables: [STAGED] });
  });

  it('drops the last table and the namespace', async () => {
    expect(await py('drop_table', { table: STAGED, purge: false })).toEqual({
      exists_after: false,
      load_after: 'NoSuchTableError',
    });
    expect(await py('drop_namespace', { namespace: NS })).toEqual({ namespaces: [] });
  });
});
