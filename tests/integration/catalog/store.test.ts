/**
 * One contract suite for every CatalogStore implementation: SQLite on a temp file and a real
 * PostgreSQL server. Each test works in its own warehouse, so tests share a database but not
 * state (idempotency keys are global, so each test draws fresh ones).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  BadRequestError,
  CommitFailedError,
  NamespaceNotEmptyError,
  NoSuchFunctionError,
  NoSuchNamespaceError,
  NoSuchTableError,
  NoSuchViewError,
  ServiceUnavailableError,
} from '../../../src/catalog/errors.js';
import {
  IdempotencyKeyReplay,
  openCatalogStore,
  type CatalogStore,
  type ObjectKind,
  type ObjectSwap,
} from '../../../src/catalog/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION_DDL } from '../../../src/catalog/store/sql/migrations.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

/** Runs SQL on a catalog database directly, as an older build would have left it. */
async function rawExec(url: string, statements: string[]): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      for (const sql of statements) db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Backend {
  name: string;
  /** Starts what the backend needs; returns how to get fresh databases and how to clean up. */
  start(): Promise<{ freshUrl(): Promise<string>; stop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    start: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lakehouse-store-'));
      return {
        // A nested path also checks that parent directories are created.
        freshUrl: async () => `sqlite:${join(dir, randomUUID(), 'catalog.db')}`,
        stop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    start: async () => {
      const server: TestPostgres = await startPostgres();
      return {
        freshUrl: async () => {
          const db = `catalog_${randomUUID().replaceAll('-', '')}`;
          const admin = new pg.Client({ connectionString: server.url });
          await admin.connect();
          try {
            await admin.query(`CREATE DATABASE ${db}`);
          } finally {
            await admin.end();
          }
          return server.url.replace(/\/postgres$/, `/${db}`);
        },
        stop: () => server.stop(),
      };
    },
  },
];

type ErrorClass = abstract new (...args: never[]) => Error;

/** Asserts that `promise` rejects with exactly this class and message. */
async function expectError(
  promise: Promise<unknown>,
  cls: ErrorClass,
  message: string | RegExp,
): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(cls);
  if (typeof message === 'string') expect((err as Error).message).toBe(message);
  else expect((err as Error).message).toMatch(message);
}

function metadata(location: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ 'format-version': 2, location, ...extra });
}

describe.each(backends)('CatalogStore contract ($name)', ({ start }) => {
  let env: Awaited<ReturnType<Backend['start']>>;
  let store: CatalogStore;
  let wh: string;

  beforeAll(async () => {
    env = await start();
    store = await openCatalogStore(await env.freshUrl());
  });

  afterAll(async () => {
    await store?.close();
    await env?.stop();
  });

  beforeEach(() => {
    wh = `wh-${randomUUID()}`;
  });

  async function createTable(
    namespace: string[],
    name: string,
    kind: ObjectKind = 'table',
  ): Promise<string> {
    const location = `s3://bucket/${namespace.join('/')}/${name}/metadata/00000.json`;
    await store.createObject(wh, {
      kind,
      namespace,
      name,
      metadataLocation: location,
      metadataJson: metadata(location),
    });
    return location;
  }

  function swap(
    namespace: string[],
    name: string,
    expected: string,
    next: string,
    kind: ObjectKind = 'table',
  ): ObjectSwap {
    return {
      kind,
      namespace,
      name,
      expectedMetadataLocation: expected,
      metadataLocation: next,
      metadataJson: metadata(next, { previous: expected }),
    };
  }

  it('pings', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('migrates a fresh database, and reopening (twice at once) leaves it usable', async () => {
    const url = await env.freshUrl();
    const [a, b] = await Promise.all([openCatalogStore(url), openCatalogStore(url)]);
    try {
      await a.createNamespace(wh, ['n'], {});
      expect(await b.getNamespace(wh, ['n'])).toEqual({ namespace: ['n'], properties: {} });
    } finally {
      await a.close();
      await b.close();
    }
    const again = await openCatalogStore(url);
    try {
      expect(await again.getNamespace(wh, ['n'])).toBeDefined();
    } finally {
      await again.close();
    }
  });

  it('migrates a version 1 database: rows kept, responses stored without a binding dropped', async () => {
    const url = await env.freshUrl();
    const dialect = store.dialect;
    const v1 = MIGRATIONS.filter((m) => m.version === 1);
    await rawExec(url, [
      SCHEMA_VERSION_DDL,
      ...v1.flatMap((m) => m.statements(dialect)),
      "INSERT INTO schema_version (version, description, applied_at) VALUES (1, 'v1', 0)",
      `INSERT INTO namespaces (warehouse, path, parent, depth, properties, created_at, updated_at)
       VALUES ('${wh}', 'old', '', 1, '{"a":"1"}', 0, 0)`,
      "INSERT INTO idempotency_keys (key, status, body, created_at) VALUES ('old-key', 200, '{}', 0)",
    ]);
    const migrated = await openCatalogStore(url);
    try {
      expect(await migrated.getNamespace(wh, ['old'])).toEqual({
        namespace: ['old'],
        properties: { a: '1' },
      });
      expect(await migrated.getIdempotentResponse('old-key')).toBeUndefined();
      const request = { method: 'POST', path: '/p', bodySha256: 'x', querySha256: 'y' };
      expect(await migrated.bindIdempotencyKey('old-key', request)).toEqual(request);
    } finally {
      await migrated.close();
    }
  });

  describe('namespaces', () => {
    it('creates, reads, refuses duplicates and drops', async () => {
      await store.createNamespace(wh, ['sales'], { owner: 'ana' });
      expect(await store.getNamespace(wh, ['sales'])).toEqual({
        namespace: ['sales'],
        properties: { owner: 'ana' },
      });
      expect(await store.getNamespace(wh, ['missing'])).toBeUndefined();
      // Warehouses are disjoint.
      expect(await store.getNamespace(`${wh}-other`, ['sales'])).toBeUndefined();

      await expectError(
        store.createNamespace(wh, ['sales'], {}),
        AlreadyExistsError,
        'Namespace already exists: sales',
      );

      await store.dropNamespace(wh, ['sales']);
      expect(await store.getNamespace(wh, ['sales'])).toBeUndefined();
      await expectError(
        store.dropNamespace(wh, ['sales']),
        NoSuchNamespaceError,
        'Namespace does not exist: sales',
      );
    });

    it('rejects invalid namespaces', async () => {
      await expectError(store.createNamespace(wh, [], {}), BadRequestError, /at least one level/);
      await expectError(store.createNamespace(wh, ['a', ''], {}), BadRequestError, /empty level/);
      await expectError(
        store.createNamespace(wh, ['a\u001fb'], {}),
        BadRequestError,
        /cannot contain U\+001F/,
      );
    });

    it('lists direct children of a parent, with full paths', async () => {
      for (const ns of [['a'], ['a', 'b'], ['a', 'c'], ['a', 'b', 'd'], ['x'], ['y', 'z']]) {
        await store.createNamespace(wh, ns, {});
      }
      expect(await store.listNamespaces(wh, undefined, {})).toEqual({
        items: [['a'], ['x']],
        nextPageToken: null,
      });
      expect((await store.listNamespaces(wh, ['a'], {})).items).toEqual([
        ['a', 'b'],
        ['a', 'c'],
      ]);
      expect((await store.listNamespaces(wh, ['a', 'b'], {})).items).toEqual([['a', 'b', 'd']]);
      expect((await store.listNamespaces(wh, ['a', 'c'], {})).items).toEqual([]);
      // `y` was never created, but `y.z` lies beneath it: `y` exists implicitly.
      expect((await store.listNamespaces(wh, ['y'], {})).items).toEqual([['y', 'z']]);

      await expectError(
        store.listNamespaces(wh, ['nope'], {}),
        NoSuchNamespaceError,
        'Namespace does not exist: nope',
      );
      await expectError(
        store.listNamespaces(wh, ['a', 'b', 'd', 'e'], {}),
        NoSuchNamespaceError,
        'Namespace does not exist: a.b.d.e',
      );
    });

    it('orders level by level ("a.b" before "a!")', async () => {
      for (const ns of [['a!'], ['a', 'b'], ['a']]) await store.createNamespace(wh, ns, {});
      expect((await store.listNamespaces(wh, undefined, {})).items).toEqual([['a'], ['a!']]);
    });

    it('paginates: 5 items in pages of 2, last token null', async () => {
      for (const n of ['n3', 'n1', 'n5', 'n2', 'n4']) await store.createNamespace(wh, [n], {});
      const first = await store.listNamespaces(wh, undefined, { pageSize: 2 });
      expect(first.items).toEqual([['n1'], ['n2']]);
      expect(first.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);
      const second = await store.listNamespaces(wh, undefined, {
        pageSize: 2,
        pageToken: first.nextPageToken ?? undefined,
      });
      expect(second.items).toEqual([['n3'], ['n4']]);
      const third = await store.listNamespaces(wh, undefined, {
        pageSize: 2,
        pageToken: second.nextPageToken ?? undefined,
      });
      expect(third).toEqual({ items: [['n5']], nextPageToken: null });

      // Exactly full last page: no token pointing at an empty page.
      await store.dropNamespace(wh, ['n5']);
      const full = await store.listNamespaces(wh, undefined, {
        pageSize: 2,
        pageToken: first.nextPageToken ?? undefined,
      });
      expect(full).toEqual({ items: [['n3'], ['n4']], nextPageToken: null });

      // A token without a page size continues to the end.
      expect(
        (await store.listNamespaces(wh, undefined, { pageToken: first.nextPageToken ?? undefined }))
          .items,
      ).toEqual([['n3'], ['n4']]);
    });

    it('rejects malformed page tokens and sizes', async () => {
      await store.createNamespace(wh, ['n'], {});
      const invalid = 'Invalid pageToken: not a token returned by this catalog';
      for (const pageToken of ['not base64!', 'Zm9v', Buffer.from('v1:x').toString('base64')]) {
        await expectError(
          store.listNamespaces(wh, undefined, { pageToken }),
          BadRequestError,
          invalid,
        );
      }
      await expectError(
        store.listObjects(wh, 'table', ['n'], { pageToken: 'garbage' }),
        BadRequestError,
        invalid,
      );
      await expectError(
        store.listNamespaces(wh, undefined, { pageSize: 0 }),
        BadRequestError,
        'Invalid pageSize 0: must be a positive integer',
      );
    });

    it('updates properties: updated, removed and missing exactly', async () => {
      await store.createNamespace(wh, ['p'], { a: '1', b: '2', c: '3' });
      const result = await store.updateNamespaceProperties(wh, ['p'], ['b', 'zz'], {
        a: '10',
        d: '4',
      });
      expect(result).toEqual({ updated: ['a', 'd'], removed: ['b'], missing: ['zz'] });
      expect((await store.getNamespace(wh, ['p']))?.properties).toEqual({
        a: '10',
        c: '3',
        d: '4',
      });
      await expectError(
        store.updateNamespaceProperties(wh, ['nope'], [], { a: '1' }),
        NoSuchNamespaceError,
        'Namespace does not exist: nope',
      );
    });

    it('refuses to drop a namespace holding a table, a view or a child namespace', async () => {
      await store.createNamespace(wh, ['t'], {});
      await createTable(['t'], 'orders');
      await expectError(
        store.dropNamespace(wh, ['t']),
        NamespaceNotEmptyError,
        'Namespace is not empty: t contains tables or views',
      );

      await store.createNamespace(wh, ['v'], {});
      await createTable(['v'], 'recent', 'view');
      await expectError(
        store.dropNamespace(wh, ['v']),
        NamespaceNotEmptyError,
        'Namespace is not empty: v contains tables or views',
      );

      await store.createNamespace(wh, ['c'], {});
      await store.createNamespace(wh, ['c', 'child'], {});
      await expectError(
        store.dropNamespace(wh, ['c']),
        NamespaceNotEmptyError,
        'Namespace is not empty: c contains child namespaces',
      );
      // A grandchild whose parent was never created also counts.
      await store.createNamespace(wh, ['g'], {});
      await store.createNamespace(wh, ['g', 'x', 'y'], {});
      await expectError(
        store.dropNamespace(wh, ['g']),
        NamespaceNotEmptyError,
        'Namespace is not empty: g contains child namespaces',
      );

      expect(await store.getNamespace(wh, ['t'])).toBeDefined();
      await store.dropObject(wh, 'table', ['t'], 'orders');
      await store.dropNamespace(wh, ['t']);
      expect(await store.getNamespace(wh, ['t'])).toBeUndefined();
    });
  });

  describe('tables and views', () => {
    beforeEach(async () => {
      await store.createNamespace(wh, ['db'], {});
    });

    it('creates, loads, lists by kind and drops', async () => {
      const location = await createTable(['db'], 'orders');
      await createTable(['db'], 'recent', 'view');
      expect(await store.getObject(wh, 'table', ['db'], 'orders')).toEqual({
        kind: 'table',
        namespace: ['db'],
        name: 'orders',
        metadataLocation: location,
        metadataJson: metadata(location),
        version: 1,
      });
      expect(await store.getObject(wh, 'table', ['db'], 'missing')).toBeUndefined();
      expect((await store.listObjects(wh, 'table', ['db'], {})).items).toEqual(['orders']);
      expect((await store.listObjects(wh, 'view', ['db'], {})).items).toEqual(['recent']);
      await expectError(
        store.listObjects(wh, 'table', ['nope'], {}),
        NoSuchNamespaceError,
        'Namespace does not exist: nope',
      );
      await expectError(
        createTable(['nope'], 'x'),
        NoSuchNamespaceError,
        'Namespace does not exist: nope',
      );

      const dropped = await store.dropObject(wh, 'table', ['db'], 'orders');
      expect(dropped.metadataLocation).toBe(location);
      expect(await store.getObject(wh, 'table', ['db'], 'orders')).toBeUndefined();
      await expectError(
        store.dropObject(wh, 'table', ['db'], 'orders'),
        NoSuchTableError,
        'Table does not exist: db.orders',
      );
    });

    it('paginates tables: 5 in pages of 2', async () => {
      for (const n of ['e', 'c', 'a', 'd', 'b']) await createTable(['db'], n);
      await createTable(['db'], 'aa_view', 'view');
      const seen: string[][] = [];
      let token: string | null | undefined;
      do {
        const page = await store.listObjects(wh, 'table', ['db'], {
          pageSize: 2,
          pageToken: token ?? undefined,
        });
        seen.push(page.items);
        token = page.nextPageToken;
      } while (token !== null);
      expect(seen).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    });

    it('keeps tables and views in one set of names', async () => {
      await createTable(['db'], 'orders');
      await expectError(
        createTable(['db'], 'orders', 'view'),
        AlreadyExistsError,
        'Table with same name already exists: db.orders',
      );
      await expectError(
        createTable(['db'], 'orders'),
        AlreadyExistsError,
        'Table with same name already exists: db.orders',
      );
      await createTable(['db'], 'recent', 'view');
      await expectError(
        createTable(['db'], 'recent'),
        AlreadyExistsError,
        'View with same name already exists: db.recent',
      );
      // A table is not found as a view, and vice versa.
      expect(await store.getObject(wh, 'view', ['db'], 'orders')).toBeUndefined();
      expect((await store.listObjects(wh, 'view', ['db'], {})).items).toEqual(['recent']);
      await expectError(
        store.dropObject(wh, 'view', ['db'], 'orders'),
        NoSuchViewError,
        'View does not exist: db.orders',
      );
      expect(await store.getObject(wh, 'table', ['db'], 'orders')).toBeDefined();
    });

    it('renames across namespaces', async () => {
      await store.createNamespace(wh, ['other'], {});
      const location = await createTable(['db'], 'orders');
      await createTable(['other'], 'taken');
      await createTable(['other'], 'taken_view', 'view');

      await expectError(
        store.renameObject(
          wh,
          'table',
          { namespace: ['db'], name: 'orders' },
          { namespace: ['missing'], name: 'orders' },
        ),
        NoSuchNamespaceError,
        'Namespace does not exist: missing',
      );
      await expectError(
        store.renameObject(
          wh,
          'table',
          { namespace: ['db'], name: 'orders' },
          { namespace: ['other'], name: 'taken' },
        ),
        AlreadyExistsError,
        'Table with same name already exists: other.taken',
      );
      await expectError(
        store.renameObject(
          wh,
          'table',
          { namespace: ['db'], name: 'orders' },
          { namespace: ['other'], name: 'taken_view' },
        ),
        AlreadyExistsError,
        'View with same name already exists: other.taken_view',
      );
      await expectError(
        store.renameObject(
          wh,
          'table',
          { namespace: ['db'], name: 'ghost' },
          { namespace: ['other'], name: 'x' },
        ),
        NoSuchTableError,
        'Table does not exist: db.ghost',
      );
      await expectError(
        store.renameObject(
          wh,
          'view',
          { namespace: ['db'], name: 'orders' },
          { namespace: ['other'], name: 'x' },
        ),
        NoSuchViewError,
        'View does not exist: db.orders',
      );
      // Nothing moved.
      expect(await store.getObject(wh, 'table', ['db'], 'orders')).toBeDefined();

      await store.commitObjects(wh, [swap(['db'], 'orders', location, `${location}.v2`)]);
      await store.renameObject(
        wh,
        'table',
        { namespace: ['db'], name: 'orders' },
        { namespace: ['other'], name: 'orders_v2' },
      );
      expect(await store.getObject(wh, 'table', ['db'], 'orders')).toBeUndefined();
      expect(await store.getObject(wh, 'table', ['other'], 'orders_v2')).toMatchObject({
        namespace: ['other'],
        name: 'orders_v2',
        metadataLocation: `${location}.v2`,
        version: 2,
      });
      // The source namespace is empty again.
      await store.dropNamespace(wh, ['db']);
    });
  });

  describe('commitObjects', () => {
    beforeEach(async () => {
      await store.createNamespace(wh, ['db'], {});
    });

    it('swaps the metadata location and increments the version', async () => {
      const v1 = await createTable(['db'], 't');
      await store.commitObjects(wh, [swap(['db'], 't', v1, 's3://b/t/v2.json')]);
      expect(await store.getObject(wh, 'table', ['db'], 't')).toEqual({
        kind: 'table',
        namespace: ['db'],
        name: 't',
        metadataLocation: 's3://b/t/v2.json',
        metadataJson: metadata('s3://b/t/v2.json', { previous: v1 }),
        version: 2,
      });
    });

    it('fails on a stale expected location and changes nothing', async () => {
      const v1 = await createTable(['db'], 't');
      await store.commitObjects(wh, [swap(['db'], 't', v1, 's3://b/t/v2.json')]);
      await expectError(
        store.commitObjects(wh, [swap(['db'], 't', v1, 's3://b/t/v3.json')]),
        CommitFailedError,
        `Commit failed: table db.t metadata location is s3://b/t/v2.json, expected ${v1}`,
      );
      expect(await store.getObject(wh, 'table', ['db'], 't')).toMatchObject({
        metadataLocation: 's3://b/t/v2.json',
        version: 2,
      });
      await expectError(
        store.commitObjects(wh, [swap(['db'], 'gone', v1, 's3://b/x.json')]),
        CommitFailedError,
        'Commit failed: table db.gone no longer exists',
      );
      // Committing a view's name as a table is not a swap of that view.
      const view = await createTable(['db'], 'v', 'view');
      await expectError(
        store.commitObjects(wh, [swap(['db'], 'v', view, 's3://b/v2.json')]),
        CommitFailedError,
        'Commit failed: table db.v no longer exists',
      );
      await store.commitObjects(wh, [swap(['db'], 'v', view, 's3://b/v2.json', 'view')]);
      expect((await store.getObject(wh, 'view', ['db'], 'v'))?.version).toBe(2);
    });

    it('applies a multi-object commit entirely or not at all', async () => {
      const a = await createTable(['db'], 'a');
      const b = await createTable(['db'], 'b');
      const c = await createTable(['db'], 'c');
      await store.commitObjects(wh, [swap(['db'], 'b', b, 's3://b/b2.json')]);

      await expectError(
        store.commitObjects(wh, [
          swap(['db'], 'a', a, 's3://b/a2.json'),
          swap(['db'], 'b', b, 's3://b/b3.json'), // stale
          swap(['db'], 'c', c, 's3://b/c2.json'),
        ]),
        CommitFailedError,
        /^Commit failed: table db\.b metadata location is s3:\/\/b\/b2\.json/,
      );
      expect(await store.getObject(wh, 'table', ['db'], 'a')).toMatchObject({
        metadataLocation: a,
        version: 1,
      });
      expect(await store.getObject(wh, 'table', ['db'], 'c')).toMatchObject({
        metadataLocation: c,
        version: 1,
      });

      await store.commitObjects(wh, [
        swap(['db'], 'c', c, 's3://b/c2.json'),
        swap(['db'], 'a', a, 's3://b/a2.json'),
        swap(['db'], 'b', 's3://b/b2.json', 's3://b/b3.json'),
      ]);
      for (const [name, version] of [
        ['a', 2],
        ['b', 3],
        ['c', 2],
      ] as const) {
        expect((await store.getObject(wh, 'table', ['db'], name))?.version).toBe(version);
      }
      await expectError(
        store.commitObjects(wh, [
          swap(['db'], 'a', 's3://b/a2.json', 's3://b/a3.json'),
          swap(['db'], 'a', 's3://b/a3.json', 's3://b/a4.json'),
        ]),
        BadRequestError,
        'Invalid commit: db.a appears more than once',
      );
    });

    it('20 concurrent commits on the same base: exactly one succeeds', async () => {
      const base = await createTable(['db'], 't');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.commitObjects(wh, [swap(['db'], 't', base, `s3://b/t/c${i}.json`)]),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(CommitFailedError);
      }
      expect(await store.getObject(wh, 'table', ['db'], 't')).toMatchObject({
        metadataLocation: `s3://b/t/c${won[0]}.json`,
        version: 2,
      });
    });

    it('50 commits from 8 parallel retrying writers form one chain; none is lost', async () => {
      const initial = await createTable(['db'], 't');
      const total = 50;
      let tickets = 0;
      let conflicts = 0;
      const applied: { from: string; to: string }[] = [];

      async function writer(id: number): Promise<void> {
        while (tickets < total) {
          const ticket = tickets++;
          for (let attempt = 0; ; attempt++) {
            const current = await store.getObject(wh, 'table', ['db'], 't');
            if (!current) throw new Error('table vanished');
            const next = `s3://b/t/w${id}-t${ticket}-a${attempt}.json`;
            try {
              await store.commitObjects(wh, [swap(['db'], 't', current.metadataLocation, next)]);
              applied.push({ from: current.metadataLocation, to: next });
              break;
            } catch (err) {
              if (!(err instanceof CommitFailedError)) throw err;
              conflicts++;
            }
          }
        }
      }
      await Promise.all(Array.from({ length: 8 }, (_, id) => writer(id)));

      expect(applied).toHaveLength(total);
      const final = await store.getObject(wh, 'table', ['db'], 't');
      expect(final?.version).toBe(1 + applied.length);
      // Walk the chain from the initial location: every acknowledged commit is on it, in order.
      const byFrom = new Map(applied.map((c) => [c.from, c.to]));
      expect(byFrom.size).toBe(total); // no two commits applied on the same base
      let at = initial;
      for (let i = 0; i < total; i++) at = byFrom.get(at) ?? 'broken chain';
      expect(at).toBe(final?.metadataLocation);
      expect(JSON.parse(final?.metadataJson ?? '{}')).toMatchObject({ location: at });
      // The writers really raced (all 8 start from the same base).
      expect(conflicts).toBeGreaterThan(0);
    });
  });

  describe('idempotency', () => {
    it('applies a key once: a replay throws IdempotencyKeyReplay and has no effect', async () => {
      const key = randomUUID();
      const response = { status: 200, body: { namespace: ['a'], properties: {} } };
      await store.createNamespace(wh, ['a'], {}, { key, response });
      expect(await store.getIdempotentResponse(key)).toEqual(response);

      await expectError(
        store.createNamespace(wh, ['b'], {}, { key, response }),
        IdempotencyKeyReplay,
        `Idempotency-Key ${key} was already used`,
      );
      expect(await store.getNamespace(wh, ['b'])).toBeUndefined();
      expect(await store.getIdempotentResponse(key)).toEqual(response);
    });

    it('commits once under a key, even when the duplicate races the original', async () => {
      await store.createNamespace(wh, ['db'], {});
      const v1 = await createTable(['db'], 't');
      const key = randomUUID();
      const response = { status: 200, body: { 'metadata-location': 's3://b/t/v2.json' } };
      const results = await Promise.allSettled([
        store.commitObjects(wh, [swap(['db'], 't', v1, 's3://b/t/v2.json')], { key, response }),
        store.commitObjects(wh, [swap(['db'], 't', v1, 's3://b/t/v2.json')], { key, response }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(IdempotencyKeyReplay);
      expect((await store.getObject(wh, 'table', ['db'], 't'))?.version).toBe(2);
      expect(await store.getIdempotentResponse(key)).toEqual(response);
    });

    it('stores no key when the mutation fails; records error responses insert-or-ignore', async () => {
      const key = randomUUID();
      await store.createNamespace(wh, ['a'], {});
      await expectError(
        store.createNamespace(wh, ['a'], {}, { key, response: { status: 200, body: {} } }),
        AlreadyExistsError,
        'Namespace already exists: a',
      );
      expect(await store.getIdempotentResponse(key)).toBeUndefined();

      const first = { status: 409, body: { error: { message: 'Namespace already exists: a' } } };
      await store.recordIdempotentResponse(key, first);
      await store.recordIdempotentResponse(key, { status: 500, body: null });
      expect(await store.getIdempotentResponse(key)).toEqual(first);
      expect(await store.getIdempotentResponse(randomUUID())).toBeUndefined();
    });

    it('binds a key to the first request; another request gets the first back, unchanged', async () => {
      const key = randomUUID();
      const first = {
        method: 'POST',
        path: '/v1/namespaces',
        bodySha256: 'a'.repeat(64),
        querySha256: 'b'.repeat(64),
      };
      expect(await store.bindIdempotencyKey(key, first)).toEqual(first);
      expect(await store.bindIdempotencyKey(key, first)).toEqual(first);
      const other = { ...first, method: 'DELETE', path: '/v1/namespaces/x/tables/t' };
      expect(await store.bindIdempotencyKey(key, other)).toEqual(first);
      const fresh = randomUUID();
      expect(await store.bindIdempotencyKey(fresh, other)).toEqual(other);
    });

    it('binds once under racing requests: every racer sees the same winner', async () => {
      const key = randomUUID();
      const requests = Array.from({ length: 8 }, (_, i) => ({
        method: 'POST',
        path: `/v1/namespaces/n${i}/properties`,
        bodySha256: String(i).repeat(64),
        querySha256: '0'.repeat(64),
      }));
      const bound = await Promise.all(requests.map((r) => store.bindIdempotencyKey(key, r)));
      expect(new Set(bound.map((b) => b.path)).size).toBe(1);
      expect(requests).toContainEqual(bound[0]);
    });

    it('expires a binding together with its stored response', async () => {
      const key = randomUUID();
      const request = {
        method: 'POST',
        path: '/v1/namespaces',
        bodySha256: 'c'.repeat(64),
        querySha256: 'd'.repeat(64),
      };
      await store.bindIdempotencyKey(key, request);
      const cutoff = Date.now() + 1;
      await new Promise((r) => setTimeout(r, 5));
      // Stored after the cutoff, yet it goes with its binding: it must never answer a request
      // that binds the key afresh.
      await store.recordIdempotentResponse(key, { status: 200, body: { ok: true } });
      expect(await store.expireIdempotencyKeys(cutoff)).toBeGreaterThanOrEqual(1);
      expect(await store.getIdempotentResponse(key)).toBeUndefined();
      const other = { ...request, bodySha256: 'e'.repeat(64) };
      expect(await store.bindIdempotencyKey(key, other)).toEqual(other);
    });

    it('expires keys stored before a time', async () => {
      const key = randomUUID();
      await store.recordIdempotentResponse(key, { status: 204, body: null });
      expect(await store.expireIdempotencyKeys(Date.now() - 3_600_000)).toBe(0);
      expect(await store.getIdempotentResponse(key)).toEqual({ status: 204, body: null });
      expect(await store.expireIdempotencyKeys(Date.now() + 1)).toBeGreaterThanOrEqual(1);
      expect(await store.getIdempotentResponse(key)).toBeUndefined();
    });
  });

  describe('functions', () => {
    const fn = (n: number) => `{"format-version":1,"n":${n}}`;

    it('creates, reads, lists in pages, replaces by compare-and-swap and drops', async () => {
      await store.createNamespace(wh, ['udf'], {});
      expect(await store.listFunctions(wh, ['udf'], {})).toEqual({
        items: [],
        nextPageToken: null,
      });
      for (const name of ['c', 'a', 'b']) {
        await store.createFunction(wh, { namespace: ['udf'], name, metadataJson: fn(0) });
      }
      expect(await store.getFunction(wh, ['udf'], 'a')).toEqual({
        namespace: ['udf'],
        name: 'a',
        metadataJson: fn(0),
        version: 1,
      });
      expect(await store.getFunction(wh, ['udf'], 'zz')).toBeUndefined();
      expect(await store.getFunction(`${wh}-other`, ['udf'], 'a')).toBeUndefined();
      const first = await store.listFunctions(wh, ['udf'], { pageSize: 2 });
      expect(first.items).toEqual(['a', 'b']);
      const second = await store.listFunctions(wh, ['udf'], {
        pageSize: 2,
        pageToken: first.nextPageToken ?? '',
      });
      expect(second).toEqual({ items: ['c'], nextPageToken: null });

      await expectError(
        store.createFunction(wh, { namespace: ['udf'], name: 'a', metadataJson: fn(9) }),
        AlreadyExistsError,
        'Function already exists: udf.a',
      );
      await store.replaceFunction(wh, ['udf'], 'a', 1, fn(1));
      await expectError(
        store.replaceFunction(wh, ['udf'], 'a', 1, fn(2)),
        CommitFailedError,
        'Commit failed: function udf.a changed since version 1 was read; reload it and retry',
      );
      expect(await store.getFunction(wh, ['udf'], 'a')).toMatchObject({
        metadataJson: fn(1),
        version: 2,
      });

      await store.dropFunction(wh, ['udf'], 'a');
      expect(await store.getFunction(wh, ['udf'], 'a')).toBeUndefined();
      await expectError(
        store.dropFunction(wh, ['udf'], 'a'),
        NoSuchFunctionError,
        'Function does not exist: udf.a',
      );
      await expectError(
        store.replaceFunction(wh, ['udf'], 'a', 2, fn(3)),
        NoSuchFunctionError,
        'Function does not exist: udf.a',
      );
    });

    it('needs its namespace, shares no names with tables, and keeps its namespace from being dropped', async () => {
      await expectError(
        store.createFunction(wh, { namespace: ['none'], name: 'f', metadataJson: fn(0) }),
        NoSuchNamespaceError,
        'Namespace does not exist: none',
      );
      await expectError(
        store.listFunctions(wh, ['none'], {}),
        NoSuchNamespaceError,
        'Namespace does not exist: none',
      );
      await store.createNamespace(wh, ['n'], {});
      await createTable(['n'], 'same');
      await store.createFunction(wh, { namespace: ['n'], name: 'same', metadataJson: fn(0) });
      expect(await store.listObjects(wh, 'table', ['n'], {})).toEqual({
        items: ['same'],
        nextPageToken: null,
      });
      expect(await store.listFunctions(wh, ['n'], {})).toEqual({
        items: ['same'],
        nextPageToken: null,
      });
      await store.dropObject(wh, 'table', ['n'], 'same');
      await expectError(
        store.dropNamespace(wh, ['n']),
        NamespaceNotEmptyError,
        'Namespace is not empty: n contains functions',
      );
      await store.dropFunction(wh, ['n'], 'same');
      await store.dropNamespace(wh, ['n']);
      expect(await store.getNamespace(wh, ['n'])).toBeUndefined();
    });

    it('concurrent replaces from one version: exactly one wins', async () => {
      await store.createNamespace(wh, ['race'], {});
      await store.createFunction(wh, { namespace: ['race'], name: 'f', metadataJson: fn(0) });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.replaceFunction(wh, ['race'], 'f', 1, fn(i + 1))),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(CommitFailedError);
      }
      expect((await store.getFunction(wh, ['race'], 'f'))?.version).toBe(2);
    });

    it('migrates a version 2 database: its rows kept, functions can be created', async () => {
      const url = await env.freshUrl();
      const older = MIGRATIONS.filter((m) => m.version <= 2);
      await rawExec(url, [
        SCHEMA_VERSION_DDL,
        ...older.flatMap((m) => m.statements(store.dialect)),
        ...older.map(
          (m) =>
            `INSERT INTO schema_version (version, description, applied_at) VALUES (${m.version}, 'v${m.version}', 0)`,
        ),
        `INSERT INTO namespaces (warehouse, path, parent, depth, properties, created_at, updated_at)
         VALUES ('${wh}', 'old', '', 1, '{}', 0, 0)`,
      ]);
      const migrated = await openCatalogStore(url);
      try {
        expect(await migrated.getNamespace(wh, ['old'])).toEqual({
          namespace: ['old'],
          properties: {},
        });
        await migrated.createFunction(wh, { namespace: ['old'], name: 'f', metadataJson: fn(0) });
        expect((await migrated.getFunction(wh, ['old'], 'f'))?.version).toBe(1);
      } finally {
        await migrated.close();
      }
    });
  });
});

describe('openCatalogStore', () => {
  it('rejects malformed and unknown URLs with a clear message', async () => {
    await expect(openCatalogStore('mysql://localhost/x')).rejects.toThrow(
      /^malformed database URL "mysql:\/\/localhost\/x": expected sqlite:<path>/,
    );
    await expect(openCatalogStore('sqlite:')).rejects.toThrow(/no file path/);
    await expect(openCatalogStore('postgres://user:secret@[bad/db')).rejects.toThrow(
      /^malformed database URL "postgres:\/\/user:\*\*\*@/,
    );
  });

  it('opens an in-memory SQLite store', async () => {
    const store = await openCatalogStore('sqlite::memory:');
    await store.createNamespace('w', ['a'], {});
    expect(await store.getNamespace('w', ['a'])).toBeDefined();
    await store.close();
  });

  it('fails fast naming host:port when PostgreSQL is unreachable', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const address = s.address();
        s.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const started = Date.now();
    await expect(openCatalogStore(`postgres://u:p@127.0.0.1:${port}/db`)).rejects.toThrow(
      `cannot connect to PostgreSQL at 127.0.0.1:${port} (connection refused): is the server running? check --db`,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('PostgresCatalogStore when the server goes away', () => {
  it('reports reads as ServiceUnavailableError naming host:port', async () => {
    const server = await startPostgres();
    const store = await openCatalogStore(server.url);
    try {
      await store.createNamespace('w', ['a'], {});
      await server.stop();
      const port = new URL(server.url).port;
      await expectError(
        store.getNamespace('w', ['a']),
        ServiceUnavailableError,
        new RegExp(
          `^cannot reach the catalog database \\(PostgreSQL at 127\\.0\\.0\\.1:${port}\\): `,
        ),
      );
      // A write that could not even connect is known not to have applied: also retryable.
      await expectError(
        store.createNamespace(
          'w',
          ['b'],
          {},
          { key: randomUUID(), response: { status: 200, body: {} } },
        ),
        ServiceUnavailableError,
        /connection refused; is the server running\? check --db$/,
      );
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
