/**
 * The file side of backup and restore, on real files: a backup directory checked against its
 * manifest (every kind of damage named), and the catalog's SQLite database snapshotted while a
 * writer commits in WAL mode, then put back and opened.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MANIFEST_FILE,
  buildManifest,
  checkBackupDir,
  hashFile,
  scanFiles,
} from '../../../src/ops/backup/index.js';
import { openCatalogStore } from '../../../src/catalog/store/index.js';
import { tablesInSnapshot } from '../../../src/platform/backup/index.js';
import {
  restoreSqlite,
  snapshotSqlite,
  catalogDatabaseOf,
} from '../../../src/catalog/store/index.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-backup-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const meta = {
  createdAt: new Date().toISOString(),
  source: {
    env: 'local',
    target: 'local',
    bucket: 'warehouse',
    warehouse: 's3://warehouse/lakehouse',
    catalogDatabase: 'sqlite' as const,
  },
  versions: {},
  contents: {
    catalog: { path: 'catalog/catalog.db', format: 'sqlite' as const },
    objects: { prefix: 'objects/', count: 2, bytes: 0 },
    config: { paths: [] },
    secrets: { path: 'secrets/credentials.json', encrypted: false },
  },
};

async function makeBackup(name: string): Promise<string> {
  const root = join(dir, name);
  mkdirSync(join(root, 'objects', 'lakehouse', 't'), { recursive: true });
  mkdirSync(join(root, 'catalog'));
  writeFileSync(join(root, 'catalog', 'catalog.db'), 'db');
  writeFileSync(join(root, 'objects', 'lakehouse', 't', 'a.parquet'), 'PAR1 data');
  writeFileSync(join(root, 'objects', 'lakehouse', 't', 'v1.metadata.json'), '{}');
  const manifest = buildManifest(meta, await scanFiles(root));
  await writeFile(join(root, MANIFEST_FILE), JSON.stringify(manifest));
  return root;
}

describe('a backup directory against its manifest', () => {
  it('a whole backup has no problems', async () => {
    const root = await makeBackup('whole');
    const check = await checkBackupDir(root);
    expect(check.problems).toEqual([]);
    expect(check.manifest.totals.files).toBe(3);
  });

  it('names the altered, the missing and the extra file', async () => {
    const root = await makeBackup('damaged');
    writeFileSync(join(root, 'objects', 'lakehouse', 't', 'a.parquet'), 'PAR1 dat4'); // same size
    unlinkSync(join(root, 'objects', 'lakehouse', 't', 'v1.metadata.json'));
    writeFileSync(join(root, 'objects', 'stray'), 'x');
    appendFileSync(join(root, 'catalog', 'catalog.db'), '!');
    const { problems } = await checkBackupDir(root);
    expect(problems.map((p) => `${p.path} ${p.kind}`).sort()).toEqual([
      'catalog/catalog.db size',
      'objects/lakehouse/t/a.parquet checksum',
      'objects/lakehouse/t/v1.metadata.json missing',
      'objects/stray extra',
    ]);
  });

  it('a directory without a manifest is not a backup', async () => {
    const root = join(dir, 'empty');
    mkdirSync(root);
    await expect(checkBackupDir(root)).rejects.toThrow(/manifest.json is missing/);
    await expect(checkBackupDir(join(dir, 'nope'))).rejects.toThrow(/not a directory/);
  });
});

describe('the catalog database snapshot', () => {
  it('is one committed state while a writer commits in WAL mode, and restores into WAL mode', async () => {
    const db = join(dir, 'live', 'catalog.db');
    mkdirSync(join(dir, 'live'));
    const writer = new Database(db);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
    const insertMany = writer.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(`row-${i}`);
    });
    insertMany(5000);
    // Commits keep arriving (in batches of 100) while the snapshot is taken.
    const timer = setInterval(() => insertMany(100), 1);
    const snapshot = join(dir, 'snapshot.db');
    try {
      await snapshotSqlite(db, snapshot);
    } finally {
      clearInterval(timer);
    }
    const copy = new Database(snapshot, { readonly: true });
    const count = (copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
    copy.close();
    expect(count % 100).toBe(0);
    expect(count).toBeGreaterThanOrEqual(5000);
    writer.close();

    const restored = join(dir, 'restored', 'catalog', 'catalog.db');
    await restoreSqlite(snapshot, restored);
    const back = new Database(restored, { readonly: true });
    expect((back.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(count);
    expect(back.pragma('journal_mode', { simple: true })).toBe('wal');
    back.close();

    // Airflow's database goes back in SQLite's default journal mode, as Airflow runs it.
    const airflowDb = join(dir, 'restored', 'airflow', 'airflow.db');
    await restoreSqlite(snapshot, airflowDb, 'delete');
    const again = new Database(airflowDb, { readonly: true });
    expect(again.pragma('journal_mode', { simple: true })).toBe('delete');
    again.close();
  });

  it('refuses a missing database; tells a PostgreSQL URL from a SQLite path', async () => {
    await expect(snapshotSqlite(join(dir, 'none.db'), join(dir, 'x.db'))).rejects.toThrow(
      /does not exist/,
    );
    expect(catalogDatabaseOf('postgres://u@h/db')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(catalogDatabaseOf('sqlite:/abs/c.db')).toEqual({ kind: 'sqlite', path: '/abs/c.db' });
  });
});

describe('the tables of a catalog snapshot', () => {
  it('lists every table in nested namespaces with its metadata file and manifest lists, leaving the snapshot unchanged', async () => {
    const live = join(dir, 'refs', 'catalog.db');
    const store = await openCatalogStore(`sqlite:${live}`);
    await store.createNamespace('default', ['a'], {});
    await store.createNamespace('default', ['a', 'b'], {});
    const metadata = (n: number) =>
      JSON.stringify({
        'format-version': 2,
        snapshots: Array.from({ length: n }, (_, i) => ({
          'snapshot-id': i + 1,
          'manifest-list': `s3://warehouse/t/metadata/snap-${i + 1}.avro`,
        })),
      });
    await store.createObject('default', {
      kind: 'table',
      namespace: ['a'],
      name: 't1',
      metadataLocation: 's3://warehouse/t1/metadata/00001.metadata.json',
      metadataJson: metadata(2),
    });
    await store.createObject('default', {
      kind: 'table',
      namespace: ['a', 'b'],
      name: 't2',
      metadataLocation: 's3://warehouse/t2/metadata/00000.metadata.json',
      metadataJson: metadata(0),
    });
    await store.close();

    const snapshot = join(dir, 'refs-snapshot.db');
    await snapshotSqlite(live, snapshot);
    const before = await hashFile(snapshot);
    const tables = await tablesInSnapshot(snapshot);
    expect(tables.map((t) => [[...t.namespace, t.name].join('.'), t.requiredFiles])).toEqual([
      [
        'a.t1',
        [
          's3://warehouse/t1/metadata/00001.metadata.json',
          's3://warehouse/t/metadata/snap-1.avro',
          's3://warehouse/t/metadata/snap-2.avro',
        ],
      ],
      ['a.b.t2', ['s3://warehouse/t2/metadata/00000.metadata.json']],
    ]);
    expect(await hashFile(snapshot)).toEqual(before);
    expect(existsSync(`${snapshot}-wal`)).toBe(false);
  });
});
