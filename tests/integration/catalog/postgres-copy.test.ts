/**
 * A PostgreSQL catalog database copied into a SQLite file and back (how a backup holds it),
 * against a real PostgreSQL server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportPostgresCatalog,
  importPostgresCatalog,
  openCatalogStore,
  postgresCatalogHasData,
  type CatalogStore,
} from '../../../src/catalog/store/index.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

const W = 'default';
const TABLES = ['namespaces', 'objects', 'functions', 'idempotency_keys', 'idempotency_requests'];

let server: TestPostgres;
let dir: string;

beforeAll(async () => {
  server = await startPostgres();
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-pg-copy-'));
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A new, empty database on the test server; its URL. */
async function newDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return server.url.replace(/\/postgres$/, `/${name}`);
}

/** Every row of the catalog's tables, integers as numbers, in key order. */
async function pgRows(url: string): Promise<Record<string, unknown[][]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, unknown[][]> = {};
    for (const t of TABLES) {
      const r = await client.query({ text: `SELECT * FROM ${t} ORDER BY 1, 2`, rowMode: 'array' });
      out[t] = r.rows.map((row: unknown[]) =>
        row.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v)),
      );
    }
    return out;
  } finally {
    await client.end();
  }
}

function sqliteRows(file: string): Record<string, unknown[][]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[][]> = {};
    for (const t of TABLES) {
      out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).raw().all() as unknown[][];
    }
    return out;
  } finally {
    db.close();
  }
}

const metadata = (n: number) =>
  JSON.stringify({ 'format-version': 2, snapshots: [], 'last-sequence-number': n });

async function populate(store: CatalogStore): Promise<void> {
  await store.createNamespace(W, ['sales'], { owner: 'ops' });
  await store.createNamespace(W, ['sales', 'eu'], {});
  await store.createObject(W, {
    kind: 'table',
    namespace: ['sales'],
    name: 'orders',
    metadataLocation: 's3://warehouse/sales/orders/metadata/00000.metadata.json',
    metadataJson: metadata(0),
  });
  await store.commitObjects(W, [
    {
      kind: 'table',
      namespace: ['sales'],
      name: 'orders',
      expectedMetadataLocation: 's3://warehouse/sales/orders/metadata/00000.metadata.json',
      metadataLocation: 's3://warehouse/sales/orders/metadata/00001.metadata.json',
      metadataJson: metadata(1),
    },
  ]);
  await store.createObject(W, {
    kind: 'view',
    namespace: ['sales', 'eu'],
    name: 'daily',
    metadataLocation: 's3://warehouse/sales/eu/daily/metadata/00000.metadata.json',
    metadataJson: '{}',
  });
  await store.createFunction(W, {
    namespace: ['sales'],
    name: 'add_one',
    metadataJson: '{"format-version":1,"definitions":[]}',
  });
  await store.bindIdempotencyKey('key-1', {
    method: 'POST',
    path: '/v1/namespaces',
    bodySha256: 'a'.repeat(64),
    querySha256: 'b'.repeat(64),
  });
  await store.recordIdempotentResponse('key-1', { status: 200, body: '{"ok":true}' });
}

describe('PostgreSQL catalog database ⇄ SQLite file', () => {
  it('export copies every row, exactly; the file is a catalog SQLite opens', async () => {
    const url = await newDatabase('exported');
    const store = await openCatalogStore(url);
    await populate(store);
    await store.close();

    const file = join(dir, 'exported.db');
    const counts = await exportPostgresCatalog(url, file);
    expect(counts).toEqual({
      namespaces: 2,
      objects: 2,
      functions: 1,
      idempotency_keys: 1,
      idempotency_requests: 1,
    });
    expect(sqliteRows(file)).toEqual(await pgRows(url));

    const copy = await openCatalogStore(`sqlite:${file}`);
    const orders = await copy.getObject(W, 'table', ['sales'], 'orders');
    expect(orders?.metadataLocation).toBe(
      's3://warehouse/sales/orders/metadata/00001.metadata.json',
    );
    expect((await copy.getNamespace(W, ['sales']))?.properties).toEqual({ owner: 'ops' });
    await copy.close();
  });

  it('export is one consistent state while the catalog commits: no object without its namespace', async () => {
    const url = await newDatabase('busy');
    const store = await openCatalogStore(url);
    let stop = false;
    let written = 0;
    // Each round creates a namespace and then a table in it.
    const writer = (async () => {
      while (!stop) {
        await store.createNamespace(W, [`n${written}`], {});
        await store.createObject(W, {
          kind: 'table',
          namespace: [`n${written}`],
          name: 't',
          metadataLocation: `s3://warehouse/n${written}/t/metadata/00000.metadata.json`,
          metadataJson: metadata(0),
        });
        written += 1;
      }
    })();
    try {
      for (let round = 0; round < 5; round++) {
        while (written < (round + 1) * 20) await new Promise((r) => setTimeout(r, 5));
        const file = join(dir, `busy-${round}.db`);
        await exportPostgresCatalog(url, file);
        const rows = sqliteRows(file);
        const namespaces = new Set(rows['namespaces']?.map((r) => r[1]));
        for (const o of rows['objects'] ?? []) expect(namespaces.has(o[1])).toBe(true);
      }
    } finally {
      stop = true;
      await writer;
      await store.close();
    }
  });

  it('import replaces every row, into a used database or an empty one', async () => {
    const source = await newDatabase('source');
    const store = await openCatalogStore(source);
    await populate(store);
    await store.close();
    const file = join(dir, 'source.db');
    await exportPostgresCatalog(source, file);
    const expected = await pgRows(source);

    // A database that changed since: a table dropped, another namespace added.
    const changed = await openCatalogStore(source);
    await changed.dropObject(W, 'table', ['sales'], 'orders');
    await changed.createNamespace(W, ['scratch'], {});
    await changed.close();
    expect(await importPostgresCatalog(file, source)).toEqual({
      namespaces: 2,
      objects: 2,
      functions: 1,
      idempotency_keys: 1,
      idempotency_requests: 1,
    });
    expect(await pgRows(source)).toEqual(expected);

    const empty = await newDatabase('empty');
    expect(await postgresCatalogHasData(empty)).toBe(false);
    await importPostgresCatalog(file, empty);
    expect(await postgresCatalogHasData(empty)).toBe(true);
    expect(await pgRows(empty)).toEqual(expected);
    const back = await openCatalogStore(empty);
    expect((await back.getObject(W, 'table', ['sales'], 'orders'))?.metadataLocation).toBe(
      's3://warehouse/sales/orders/metadata/00001.metadata.json',
    );
    await back.close();
  });

  it('copies a catalog of more rows than one batch both ways, every row exactly', async () => {
    const url = await newDatabase('large');
    const store = await openCatalogStore(url);
    await store.createNamespace(W, ['big'], {});
    // 1234 tables: two full batches of 500 and a partial one, each way.
    for (let i = 0; i < 1234; i++) {
      await store.createObject(W, {
        kind: 'table',
        namespace: ['big'],
        name: `t${String(i).padStart(4, '0')}`,
        metadataLocation: `s3://warehouse/big/t${i}/metadata/00000.metadata.json`,
        metadataJson: metadata(i),
      });
    }
    await store.close();
    const file = join(dir, 'large.db');
    expect(await exportPostgresCatalog(url, file)).toEqual({
      namespaces: 1,
      objects: 1234,
      functions: 0,
      idempotency_keys: 0,
      idempotency_requests: 0,
    });
    const expected = await pgRows(url);
    expect(sqliteRows(file)).toEqual(expected);

    const copy = await newDatabase('large_copy');
    expect(await importPostgresCatalog(file, copy)).toEqual({
      namespaces: 1,
      objects: 1234,
      functions: 0,
      idempotency_keys: 0,
      idempotency_requests: 0,
    });
    expect(await pgRows(copy)).toEqual(expected);
  });

  it('imports a file of an older schema: its responses stored without a binding are dropped', async () => {
    const url = await newDatabase('older');
    const store = await openCatalogStore(url);
    await populate(store);
    await store.close();
    const file = join(dir, 'older.db');
    await exportPostgresCatalog(url, file);
    // The file as a build before schema version 2 wrote it: a stored response, no bindings.
    const db = new Database(file);
    db.exec('DROP TABLE idempotency_requests; DELETE FROM schema_version WHERE version >= 2');
    db.close();

    const restored = await newDatabase('older_restored');
    expect(await importPostgresCatalog(file, restored)).toEqual({
      namespaces: 2,
      objects: 2,
      functions: 0,
      idempotency_keys: 0,
      idempotency_requests: 0,
    });
    const rows = await pgRows(restored);
    const original = await pgRows(url);
    expect(rows['namespaces']).toEqual(original['namespaces']);
    expect(rows['objects']).toEqual(original['objects']);

    const newer = join(dir, 'newer.db');
    await exportPostgresCatalog(url, newer);
    const n = new Database(newer);
    n.prepare(
      'INSERT INTO schema_version (version, description, applied_at) VALUES (99, ?, 0)',
    ).run('from the future');
    n.close();
    await expect(importPostgresCatalog(newer, restored)).rejects.toThrow(
      /schema version 99, newer than this build copies/,
    );
    expect(await pgRows(restored)).toEqual(rows);
  });

  it('a failing import leaves the database as it was', async () => {
    const url = await newDatabase('kept');
    const store = await openCatalogStore(url);
    await populate(store);
    await store.close();
    const before = await pgRows(url);

    // An object whose namespace is not in the file: PostgreSQL's foreign key refuses it.
    const file = join(dir, 'dangling.db');
    await exportPostgresCatalog(url, file);
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    db.prepare("UPDATE objects SET namespace = 'nowhere' WHERE name = 'orders'").run();
    db.close();
    await expect(importPostgresCatalog(file, url)).rejects.toThrow(/foreign key/);
    expect(await pgRows(url)).toEqual(before);
  });

  it('names the database it cannot reach, without its password', async () => {
    const port = Number(new URL(server.url).port) + 1;
    const url = `postgres://catalog:s3cret@127.0.0.1:${port}/catalog`;
    const err = await exportPostgresCatalog(url, join(dir, 'x.db')).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('cannot connect to the catalog database');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('s3cret');
  });
});
