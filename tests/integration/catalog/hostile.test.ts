/**
 * Hostile input against the real catalog server over a real socket (issue 11): locations that try
 * to leave the warehouse, names that try to form path segments, purges that try to take other
 * tables' files with them, misused idempotency keys, and unbounded bodies and slow clients.
 *
 * Runs on three setups: SQLite and PostgreSQL stores with a file:// warehouse, and SQLite with
 * an s3:// warehouse on a real MinIO. Canary files sit beside the warehouse (including a folder
 * that shares its string prefix, `wh-evil`); after every case the canaries must be byte-for-byte
 * unchanged and the server must still answer `GET /v1/config`. Every status the server sends is
 * recorded, and the last case of each setup asserts none was a 5xx.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startCatalogServer,
  type CatalogServerOptions,
  type RunningCatalog,
} from '../../../src/catalog/index.js';
import { freshDatabaseUrl, silentLogger, stopSharedPostgres } from '../../support/catalog-app.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import {
  diffSnapshots,
  snapshotBuckets,
  snapshotTree,
  storageProbe,
  type StorageProbe,
  type StorageSnapshot,
} from '../../support/storage-probe.js';
import { until } from '../../support/until.js';

// Response bodies are arbitrary JSON the tests walk into; restating every spec shape as a type
// here would duplicate the schemas under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

interface Res {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

/** The limits issue 11 adds to the server options; kept small so the cases stay cheap. */
const LIMITS = {
  bodyLimitBytes: 1024 * 1024,
  maxJsonDepth: 64,
  maxPropertyBytes: 4096,
  maxProperties: 50,
  requestTimeoutMs: 2000,
  headersTimeoutMs: 2000,
};

/**
 * How long a trickling client may hold a connection. Far above the 2 s timeouts on purpose: the
 * case proves the server has a bound at all, not how tight it is.
 */
const SLOW_CLIENT_BOUND_MS = 15_000;

type StorageKind = 'file' | 's3';

interface Variant {
  label: string;
  store: 'sqlite' | 'postgres';
  storage: StorageKind;
}

const VARIANTS: Variant[] = [
  { label: 'SQLite store, file:// warehouse', store: 'sqlite', storage: 'file' },
  { label: 'PostgreSQL store, file:// warehouse', store: 'postgres', storage: 'file' },
  { label: 'SQLite store, s3:// warehouse on MinIO', store: 'sqlite', storage: 's3' },
];

/** Where one setup keeps things; filled in by its beforeAll. */
interface Env {
  /** The local temp dir D: holds the file warehouse (D/wh) and the local canaries. */
  dir: string;
  /** The warehouse location, without a trailing slash. */
  warehouse: string;
  /** What the warehouse sits in: `file://D` or `s3://lake`. */
  root: string;
  /** D as a `file://` URL (the local canaries exist in every setup). */
  dirUrl: string;
}

interface HostileLocation {
  label: string;
  at: (e: Env, storage: StorageKind) => string;
  /** Unparseable locations only have to be refused; the rest must say why. */
  unparseable?: boolean;
  /** Local paths a naive implementation would write to (checked only if absent before). */
  strays?: (e: Env) => string[];
}

/** Locations a table or view must never get (item 1 of the contract). */
const OUTSIDE: HostileLocation[] = [
  { label: '<root>/canary/t', at: (e) => `${e.root}/canary/t` },
  { label: 'the bare path D/canary/t', at: (e) => join(e.dir, 'canary', 't') },
  { label: '<warehouse>/../canary/t', at: (e) => `${e.warehouse}/../canary/t` },
  { label: '<warehouse>/a/../../canary/t', at: (e) => `${e.warehouse}/a/../../canary/t` },
  { label: '<warehouse>/%2e%2e/canary/t', at: (e) => `${e.warehouse}/%2e%2e/canary/t` },
  { label: '<warehouse>/%2E%2E%2Fcanary', at: (e) => `${e.warehouse}/%2E%2E%2Fcanary` },
  {
    label: '<root>/wh-evil/t (shares the warehouse string prefix)',
    at: (e) => `${e.root}/wh-evil/t`,
  },
  { label: 'another bucket s3://other/t', at: () => 's3://other/t' },
  {
    label: 'the other scheme (s3://lake/wh/t on a file warehouse, file://D/canary/t on S3)',
    at: (e, storage) => (storage === 'file' ? 's3://lake/wh/t' : `${e.dirUrl}/canary/t`),
  },
  { label: 'file:///etc', at: () => 'file:///etc', strays: () => ['/etc/metadata'] },
  { label: 'the relative path wh/t', at: () => 'wh/t', strays: () => [resolve('wh')] },
  {
    label: 'the unparseable "::::"',
    at: () => '::::',
    unparseable: true,
    strays: () => [resolve('::::')],
  },
  {
    label: 'the non-storage URL http://x/y',
    at: () => 'http://x/y',
    unparseable: true,
    strays: () => [resolve('http:')],
  },
];

/** A representative few of OUTSIDE for the commit paths, which share one check. */
const OUTSIDE_FEW = OUTSIDE.filter((l) =>
  [
    '<root>/canary/t',
    '<warehouse>/a/../../canary/t',
    '<root>/wh-evil/t (shares the warehouse string prefix)',
    'another bucket s3://other/t',
  ].includes(l.label),
);

interface MetadataSource {
  label: string;
  at: (e: Env) => string;
  only?: StorageKind;
}

/** Where the canary metadata files sit, all outside the warehouse (item 4). */
function canaryMetadata(file: string): MetadataSource[] {
  return [
    { label: `<root>/canary/${file}`, at: (e) => `${e.root}/canary/${file}` },
    { label: `<warehouse>/../canary/${file}`, at: (e) => `${e.warehouse}/../canary/${file}` },
    {
      label: `<root>/wh-evil/t/metadata/${file}`,
      at: (e) => `${e.root}/wh-evil/t/metadata/${file}`,
    },
    { label: `the bare path D/canary/${file}`, at: (e) => join(e.dir, 'canary', file) },
    { label: `another bucket s3://other/${file}`, at: () => `s3://other/${file}`, only: 's3' },
    { label: `file://D/canary/${file} on S3`, at: (e) => `${e.dirUrl}/canary/${file}`, only: 's3' },
  ];
}

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'data', type: 'string', required: false },
  ],
};

const VIEW_SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'x', type: 'int', required: false }],
};

function viewVersion(versionId: number, ns: string[], sql: string) {
  return {
    'version-id': versionId,
    'timestamp-ms': 1_700_000_000_000 + versionId,
    'schema-id': 0,
    summary: { 'engine-name': 'spark', 'engine-version': '3.5.1' },
    representations: [{ type: 'sql', sql, dialect: 'spark' }],
    'default-namespace': ns,
  };
}

function snapshot(id: number, seq: number, manifestList: string, parent?: number) {
  return {
    'snapshot-id': id,
    ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
    'sequence-number': seq,
    'timestamp-ms': 1_700_000_000_000 + seq,
    'manifest-list': manifestList,
    summary: { operation: 'append' },
    'schema-id': 0,
  };
}

/** The spec's multi-level namespace in a path segment: levels joined by 0x1F, URL-encoded. */
const enc = (ns: string[]): string => encodeURIComponent(ns.join('\u001f'));
const tableUrl = (ns: string[], name: string): string =>
  `/v1/namespaces/${enc(ns)}/tables/${encodeURIComponent(name)}`;
const viewUrl = (ns: string[], name: string): string =>
  `/v1/namespaces/${enc(ns)}/views/${encodeURIComponent(name)}`;

interface Recorded {
  test: string;
  request: string;
  status: number;
}

afterAll(async () => {
  await stopSharedPostgres();
});

describe.each(VARIANTS)('hostile input: $label', (variant) => {
  const e: Env = { dir: '', warehouse: '', root: '', dirUrl: '' };
  let dbDir = '';
  let minio: MinioServer | undefined;
  let server: RunningCatalog | undefined;
  let probe: StorageProbe;
  let canaryBefore: StorageSnapshot;
  const statuses: Recorded[] = [];
  let counter = 0;
  const uniq = (prefix: string): string => `${prefix}_${++counter}`;

  async function req(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    if (!server) throw new Error('the catalog server is not running');
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...headers };
    }
    const res = await fetch(`${server.url}${path}`, init);
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let parsed: Json;
    if (type.startsWith('application/json') && text) parsed = JSON.parse(text);
    statuses.push({
      test: expect.getState().currentTestName ?? '(setup)',
      request: `${method} ${path.slice(0, 200)}`,
      status: res.status,
    });
    return { status: res.status, body: parsed, text, headers: res.headers };
  }

  function expectError(res: Res, status: number, type: string, message?: RegExp): void {
    expect({ status: res.status, body: res.body }, res.text.slice(0, 500)).toEqual({
      status,
      body: {
        error: {
          message: message ? expect.stringMatching(message) : expect.any(String),
          type,
          code: status,
        },
      },
    });
  }

  /**
   * 400 that says the location is outside the warehouse and names the warehouse. `quoted` are the
   * request's own locations: a message that only repeats them (they often start with the
   * warehouse location) does not count as naming the warehouse. The wording is checked softly: a
   * refusal in other words still fails the case, but the case goes on to prove nothing was written.
   */
  function expectOutside(res: Res, quoted: string[], unparseable = false): void {
    expectError(res, 400, 'BadRequestException');
    if (unparseable) return;
    const message = String(res.body.error.message);
    const rest = quoted.reduce((m, q) => m.replaceAll(q, ''), message);
    expect.soft(message, 'the message says why').toMatch(/outside the warehouse/);
    expect.soft(rest, 'the message names the warehouse').toContain(e.warehouse);
  }

  /** Refused like expectOutside, for one of the OUTSIDE locations. */
  function expectOutsideAt(res: Res, loc: HostileLocation): void {
    expectOutside(res, [loc.at(e, variant.storage)], loc.unparseable);
  }

  async function newNamespace(properties: Record<string, string> = {}): Promise<string[]> {
    const ns = [uniq('hx')];
    const res = await req('POST', '/v1/namespaces', { namespace: ns, properties });
    expect(res.status, res.text).toBe(200);
    return ns;
  }

  async function createTable(
    ns: string[],
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<Json> {
    const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
      name,
      schema: SCHEMA,
      ...extra,
    });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  const viewBody = (ns: string[], name: string, extra: Record<string, unknown> = {}) => ({
    name,
    schema: VIEW_SCHEMA,
    'view-version': viewVersion(1, ns, 'SELECT 1 AS x'),
    properties: {},
    ...extra,
  });

  async function createView(ns: string[], name: string): Promise<Json> {
    const res = await req('POST', `/v1/namespaces/${enc(ns)}/views`, viewBody(ns, name));
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function load(url: string): Promise<Json> {
    const res = await req('GET', url);
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function warehouseFiles(): Promise<string[]> {
    return probe.list(e.warehouse);
  }

  async function snapshotOutside(): Promise<StorageSnapshot> {
    const local = snapshotTree(e.dir, [join(e.dir, 'wh')]);
    if (!minio) return local;
    const remote = await snapshotBuckets(minio.s3, [e.warehouse]);
    return new Map([...local, ...remote]);
  }

  /** Runs a refused request and proves it left no file behind, inside or outside the warehouse. */
  async function refusedWithoutTrace(strays: string[], run: () => Promise<void>): Promise<void> {
    const absentBefore = strays.filter((p) => !existsSync(p));
    const filesBefore = await warehouseFiles();
    await run();
    expect(await warehouseFiles()).toEqual(filesBefore);
    expect(absentBefore.filter((p) => existsSync(p))).toEqual([]);
  }

  beforeAll(async () => {
    e.dir = mkdtempSync(join(tmpdir(), 'lakehouse-hostile-'));
    e.dirUrl = pathToFileURL(e.dir).href;
    dbDir = mkdtempSync(join(tmpdir(), 'lakehouse-hostile-db-'));
    let s3: CatalogServerOptions['s3'] = {};
    if (variant.storage === 's3') {
      minio = await startMinio();
      await minio.createBucket('lake');
      await minio.createBucket('other');
      s3 = {
        endpoint: minio.endpoint,
        region: minio.region,
        pathStyle: true,
        accessKeyId: minio.accessKeyId,
        secretAccessKey: minio.secretAccessKey,
      };
      e.root = 's3://lake';
      e.warehouse = 's3://lake/wh';
    } else {
      mkdirSync(join(e.dir, 'wh'));
      e.root = e.dirUrl;
      e.warehouse = `${e.dirUrl}/wh`;
    }
    probe = storageProbe(minio?.s3);
    const options = {
      host: '127.0.0.1',
      port: 0,
      db: await freshDatabaseUrl(variant.store, dbDir),
      warehouses: [{ name: 'wh', location: e.warehouse }],
      s3,
      logger: silentLogger,
      // Passed as a variable, not a literal, so this compiles before `limits` lands in
      // CatalogServerOptions and is type-checked structurally once it does.
      limits: LIMITS,
    };
    server = await startCatalogServer(options);

    // The canaries: copies of real metadata files, so that only a check of where they are (not
    // of what they say) can refuse them.
    const seed = ['seed'];
    expect((await req('POST', '/v1/namespaces', { namespace: seed })).status).toBe(200);
    const table = await createTable(seed, 'seed_t');
    const view = await createView(seed, 'seed_v');
    const tableJson = await probe.read(table['metadata-location']);
    const viewJson = await probe.read(view['metadata-location']);
    writeFileSync(join(e.dir, 'keep.txt'), 'beside the warehouse\n');
    const plant = async (base: string): Promise<void> => {
      await probe.write(`${base}/canary/v1.metadata.json`, tableJson);
      await probe.write(`${base}/canary/view.metadata.json`, viewJson);
      await probe.write(`${base}/canary/snap-1.avro`, randomBytes(256));
      await probe.write(`${base}/canary/data/00000-0-data.parquet`, randomBytes(512));
      await probe.write(`${base}/wh-evil/t/metadata/v1.metadata.json`, tableJson);
      await probe.write(`${base}/wh-evil/t/metadata/view.metadata.json`, viewJson);
      await probe.write(`${base}/wh-evil/snap-2.avro`, randomBytes(256));
    };
    await plant(e.dirUrl);
    if (minio) {
      await plant(e.root);
      await probe.write('s3://other/v1.metadata.json', tableJson);
      await probe.write('s3://other/view.metadata.json', viewJson);
      await probe.write('s3://other/snap-2.avro', randomBytes(256));
      await probe.write('s3://other/t/keep.bin', randomBytes(64));
    }
  });

  afterAll(async () => {
    await server?.close();
    await minio?.stop();
    if (e.dir) rmSync(e.dir, { recursive: true, force: true });
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    canaryBefore = await snapshotOutside();
  });

  afterEach(async () => {
    const diff = diffSnapshots(canaryBefore, await snapshotOutside());
    expect(diff, 'files outside the warehouse changed').toEqual({
      added: [],
      removed: [],
      changed: [],
    });
    expect((await req('GET', '/v1/config')).status, 'the server stayed up').toBe(200);
  });

  // ------------------------------------------------------------ 1. create outside the warehouse

  describe('1. tables and views are created only inside the warehouse', () => {
    it.each(OUTSIDE)('createTable at $label → 400, nothing written', async (loc) => {
      const ns = await newNamespace();
      await refusedWithoutTrace(loc.strays?.(e) ?? [], async () => {
        const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
          name: 't',
          schema: SCHEMA,
          location: loc.at(e, variant.storage),
        });
        expectOutsideAt(res, loc);
      });
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(404);
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/tables`)).body.identifiers).toEqual([]);
    });

    it.each(OUTSIDE)('createView at $label → 400, nothing written', async (loc) => {
      const ns = await newNamespace();
      await refusedWithoutTrace(loc.strays?.(e) ?? [], async () => {
        const res = await req(
          'POST',
          `/v1/namespaces/${enc(ns)}/views`,
          viewBody(ns, 'v', { location: loc.at(e, variant.storage) }),
        );
        expectOutsideAt(res, loc);
      });
      expect((await req('HEAD', viewUrl(ns, 'v'))).status).toBe(404);
      expect((await req('GET', `/v1/namespaces/${enc(ns)}/views`)).body.identifiers).toEqual([]);
    });

    it('createTable with write.metadata.path outside the warehouse → 400', async () => {
      const ns = await newNamespace();
      await refusedWithoutTrace([], async () => {
        const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
          name: 't',
          schema: SCHEMA,
          properties: { 'write.metadata.path': `${e.root}/canary/meta` },
        });
        expectOutside(res, [`${e.root}/canary/meta`]);
      });
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(404);
    });
  });

  // ------------------------------------------------------------------- 2. namespace locations

  describe('2. namespace locations stay inside the warehouse', () => {
    it.each(OUTSIDE)('createNamespace with location $label → 400', async (loc) => {
      const ns = [uniq('hx')];
      await refusedWithoutTrace(loc.strays?.(e) ?? [], async () => {
        const res = await req('POST', '/v1/namespaces', {
          namespace: ns,
          properties: { location: loc.at(e, variant.storage) },
        });
        expectOutsideAt(res, loc);
      });
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}`)).status).toBe(404);
    });

    it.each(OUTSIDE)('updateProperties setting location $label → 400, unchanged', async (loc) => {
      const ns = await newNamespace({ location: `${e.warehouse}/custom_${counter}` });
      const before = await load(`/v1/namespaces/${enc(ns)}`);
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/properties`, {
        removals: [],
        updates: { location: loc.at(e, variant.storage) },
      });
      expectOutsideAt(res, loc);
      expect(await load(`/v1/namespaces/${enc(ns)}`)).toEqual(before);
    });

    it('a namespace location inside the warehouse is accepted and its tables land under it', async () => {
      const nsLocation = `${e.warehouse}/custom/${uniq('nsloc')}`;
      const ns = await newNamespace({ location: nsLocation });
      expect((await load(`/v1/namespaces/${enc(ns)}`)).properties.location).toBe(nsLocation);
      const table = await createTable(ns, 't');
      expect(table.metadata.location.startsWith(`${nsLocation}/`), table.metadata.location).toBe(
        true,
      );
      expect(table['metadata-location'].startsWith(`${nsLocation}/`)).toBe(true);
      expect(await probe.exists(table['metadata-location'])).toBe(true);
    });
  });

  // --------------------------------------------------------------------------- 3. commits

  describe('3. commits cannot move a table or view outside the warehouse', () => {
    it.each(OUTSIDE_FEW)(
      'set-location $label on a table → 400, location unchanged',
      async (loc) => {
        const ns = await newNamespace();
        const created = await createTable(ns, 't');
        const res = await req('POST', tableUrl(ns, 't'), {
          requirements: [],
          updates: [{ action: 'set-location', location: loc.at(e, variant.storage) }],
        });
        expectOutsideAt(res, loc);
        const loaded = await load(tableUrl(ns, 't'));
        expect(loaded.metadata.location).toBe(created.metadata.location);
        expect(loaded['metadata-location']).toBe(created['metadata-location']);
      },
    );

    it.each(OUTSIDE_FEW)(
      'set-location $label inside a multi-table transaction → 400, neither table changed',
      async (loc) => {
        const ns = await newNamespace();
        const a = await createTable(ns, 'a');
        const b = await createTable(ns, 'b');
        const res = await req('POST', '/v1/transactions/commit', {
          'table-changes': [
            {
              identifier: { namespace: ns, name: 'a' },
              requirements: [],
              updates: [{ action: 'set-properties', updates: { touched: 'yes' } }],
            },
            {
              identifier: { namespace: ns, name: 'b' },
              requirements: [],
              updates: [{ action: 'set-location', location: loc.at(e, variant.storage) }],
            },
          ],
        });
        expectOutsideAt(res, loc);
        expect((await load(tableUrl(ns, 'a')))['metadata-location']).toBe(a['metadata-location']);
        const loadedB = await load(tableUrl(ns, 'b'));
        expect(loadedB['metadata-location']).toBe(b['metadata-location']);
        expect(loadedB.metadata.location).toBe(b.metadata.location);
      },
    );

    it.each(OUTSIDE_FEW)(
      'set-properties write.metadata.path = $label → 400, properties unchanged',
      async (loc) => {
        const ns = await newNamespace();
        const created = await createTable(ns, 't');
        const res = await req('POST', tableUrl(ns, 't'), {
          requirements: [],
          updates: [
            {
              action: 'set-properties',
              updates: { 'write.metadata.path': loc.at(e, variant.storage) },
            },
          ],
        });
        expectOutsideAt(res, loc);
        const loaded = await load(tableUrl(ns, 't'));
        expect(loaded['metadata-location']).toBe(created['metadata-location']);
        expect(loaded.metadata.properties).toEqual(created.metadata.properties);
      },
    );

    it.each(OUTSIDE_FEW)('view replace with set-location $label → 400, unchanged', async (loc) => {
      const ns = await newNamespace();
      const created = await createView(ns, 'v');
      const res = await req('POST', viewUrl(ns, 'v'), {
        requirements: [],
        updates: [{ action: 'set-location', location: loc.at(e, variant.storage) }],
      });
      expectOutsideAt(res, loc);
      const loaded = await load(viewUrl(ns, 'v'));
      expect(loaded.metadata.location).toBe(created.metadata.location);
      expect(loaded['metadata-location']).toBe(created['metadata-location']);
    });
  });

  // ------------------------------------------------------------------------- 4. register

  describe('4. register reads only metadata inside the warehouse', () => {
    const tableSources = canaryMetadata('v1.metadata.json').filter(
      (s) => !s.only || s.only === variant.storage,
    );
    const viewSources = canaryMetadata('view.metadata.json').filter(
      (s) => !s.only || s.only === variant.storage,
    );

    // The canary files are copies of real metadata whose own `location` is inside the warehouse:
    // only a check of where the file is, made before reading it, refuses them.
    it.each(tableSources)('registerTable of $label → 400, nothing stored', async (src) => {
      const ns = await newNamespace();
      await refusedWithoutTrace([], async () => {
        const res = await req('POST', `/v1/namespaces/${enc(ns)}/register`, {
          name: 'r',
          'metadata-location': src.at(e),
        });
        expectOutside(res, [src.at(e)]);
      });
      expect((await req('HEAD', tableUrl(ns, 'r'))).status).toBe(404);
    });

    it.each(viewSources)('registerView of $label → 400, nothing stored', async (src) => {
      const ns = await newNamespace();
      await refusedWithoutTrace([], async () => {
        const res = await req('POST', `/v1/namespaces/${enc(ns)}/register-view`, {
          name: 'r',
          'metadata-location': src.at(e),
        });
        expectOutside(res, [src.at(e)]);
      });
      expect((await req('HEAD', viewUrl(ns, 'r'))).status).toBe(404);
    });

    it('registerTable of a metadata file inside the warehouse whose location is outside → 400', async () => {
      const ns = await newNamespace();
      const seed = JSON.parse(await probe.read(`${e.root}/canary/v1.metadata.json`));
      const outside = `${e.root}/canary/t`;
      const file = `${e.warehouse}/${ns[0]}/evil/metadata/00000-${randomUUID()}.metadata.json`;
      await probe.write(
        file,
        JSON.stringify({ ...seed, 'table-uuid': randomUUID(), location: outside }),
      );
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/register`, {
        name: 'r',
        'metadata-location': file,
      });
      expectOutside(res, [file, outside]);
      expect((await req('HEAD', tableUrl(ns, 'r'))).status).toBe(404);
    });

    it('registerView of a metadata file inside the warehouse whose location is outside → 400', async () => {
      const ns = await newNamespace();
      const seed = JSON.parse(await probe.read(`${e.root}/canary/view.metadata.json`));
      const outside = `${e.root}/wh-evil/v`;
      const file = `${e.warehouse}/${ns[0]}/evil/metadata/00000-${randomUUID()}.metadata.json`;
      await probe.write(
        file,
        JSON.stringify({ ...seed, 'view-uuid': randomUUID(), location: outside }),
      );
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/register-view`, {
        name: 'r',
        'metadata-location': file,
      });
      expectOutside(res, [file, outside]);
      expect((await req('HEAD', viewUrl(ns, 'r'))).status).toBe(404);
    });
  });

  // ---------------------------------------------------------------------------- 5. names

  describe('5. names cannot form path segments', () => {
    const BAD_LEVELS = ['', '.', '..', 'a\u0000b', 'a\u0001b', 'a\u007fb'];
    const BAD_NAMES = ['', '.', '..', 'x\u0000', 'x\u001b'];

    it.each(BAD_LEVELS.map((level) => ({ level, shown: JSON.stringify(level) })))(
      'namespace level $shown → 400, alone or under a valid level',
      async ({ level }) => {
        await refusedWithoutTrace([], async () => {
          expectError(
            await req('POST', '/v1/namespaces', { namespace: [level] }),
            400,
            'BadRequestException',
          );
          const parent = await newNamespace();
          expectError(
            await req('POST', '/v1/namespaces', { namespace: [...parent, level] }),
            400,
            'BadRequestException',
          );
        });
        const listed = (await load('/v1/namespaces')).namespaces as string[][];
        expect(listed.filter((n) => n.includes(level))).toEqual([]);
      },
    );

    it.each(BAD_NAMES.map((name) => ({ name, shown: JSON.stringify(name) })))(
      'table name $shown → 400, nothing written',
      async ({ name }) => {
        const ns = await newNamespace();
        await refusedWithoutTrace([], async () => {
          expectError(
            await req('POST', `/v1/namespaces/${enc(ns)}/tables`, { name, schema: SCHEMA }),
            400,
            'BadRequestException',
          );
        });
        expect((await req('GET', `/v1/namespaces/${enc(ns)}/tables`)).body.identifiers).toEqual([]);
      },
    );

    it.each(BAD_NAMES.map((name) => ({ name, shown: JSON.stringify(name) })))(
      'view name $shown → 400, nothing written',
      async ({ name }) => {
        const ns = await newNamespace();
        await refusedWithoutTrace([], async () => {
          expectError(
            await req('POST', `/v1/namespaces/${enc(ns)}/views`, viewBody(ns, name)),
            400,
            'BadRequestException',
          );
        });
        expect((await req('GET', `/v1/namespaces/${enc(ns)}/views`)).body.identifiers).toEqual([]);
      },
    );

    it('a table named tab/le is accepted and its files stay in one folder inside the warehouse', async () => {
      const ns = await newNamespace();
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'tab/le',
        schema: SCHEMA,
      });
      expect(res.status, res.text).toBe(200);
      const { location } = res.body.metadata as { location: string };
      expect(location.startsWith(`${e.warehouse}/`), location).toBe(true);
      expect(res.body['metadata-location'].startsWith(`${e.warehouse}/`)).toBe(true);
      expect(await probe.exists(res.body['metadata-location'])).toBe(true);
      expect((await warehouseFiles()).filter((f) => f.includes('/tab/le/'))).toEqual([]);
      expect((await load(tableUrl(ns, 'tab/le')))['metadata-location']).toBe(
        res.body['metadata-location'],
      );
    });

    it('a namespace level a/b is accepted and its tables stay in one folder inside the warehouse', async () => {
      const level = `${uniq('a')}/b`;
      const created = await req('POST', '/v1/namespaces', { namespace: [level] });
      expect(created.status, created.text).toBe(200);
      const table = await createTable([level], 't');
      expect(table.metadata.location.startsWith(`${e.warehouse}/`), table.metadata.location).toBe(
        true,
      );
      expect(await probe.exists(table['metadata-location'])).toBe(true);
      expect((await warehouseFiles()).filter((f) => f.includes(`/${level}/`))).toEqual([]);
      expect((await load(tableUrl([level], 't')))['metadata-location']).toBe(
        table['metadata-location'],
      );
    });
  });

  // ---------------------------------------------------------------------------- 6. purge

  describe('6. purge deletes only what the table references, inside the warehouse', () => {
    /** A table with a snapshot whose manifest list and a data file exist in its folder. */
    async function tableWithData(ns: string[], name: string): Promise<Json> {
      const created = await createTable(ns, name);
      const loc = created.metadata.location as string;
      const manifestList = `${loc}/metadata/snap-1-${randomUUID()}.avro`;
      await probe.write(manifestList, randomBytes(128));
      await probe.write(`${loc}/data/00000-0-${randomUUID()}.parquet`, randomBytes(256));
      const res = await req('POST', tableUrl(ns, name), {
        requirements: [],
        updates: [
          { action: 'add-snapshot', snapshot: snapshot(1, 1, manifestList) },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
        ],
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    }

    async function expectIntact(ns: string[], name: string, files: string[]): Promise<void> {
      const loc = (await load(tableUrl(ns, name))) as Json;
      expect(await probe.list(loc.metadata.location)).toEqual(files);
      JSON.parse(await probe.read(loc['metadata-location']));
    }

    it("purging a table located at its namespace's folder leaves the other tables there intact", async () => {
      const ns = await newNamespace();
      const victim = await tableWithData(ns, 'victim');
      const victimFiles = await probe.list(victim.metadata.location);
      expect(victimFiles.length).toBeGreaterThanOrEqual(4);
      await createTable(ns, 'intruder', { location: `${e.warehouse}/${ns[0]}` });
      const purge = await req('DELETE', `${tableUrl(ns, 'intruder')}?purgeRequested=true`);
      expect(purge.status, purge.text).toBe(204);
      await expectIntact(ns, 'victim', victimFiles);
    });

    it('purging a table located at the warehouse root leaves every other table intact (or the root is refused)', async () => {
      const ns = await newNamespace();
      const victim = await tableWithData(ns, 'victim');
      const victimFiles = await probe.list(victim.metadata.location);
      const seedFiles = await probe.list(`${e.warehouse}/seed`);
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
        name: 'intruder',
        schema: SCHEMA,
        location: e.warehouse,
      });
      // A table at the root is inside the warehouse, so it may be accepted; refusing it is
      // another sound defence. Either way the other tables must survive.
      if (res.status === 200) {
        const purge = await req('DELETE', `${tableUrl(ns, 'intruder')}?purgeRequested=true`);
        expect(purge.status, purge.text).toBe(204);
      } else {
        expectError(res, 400, 'BadRequestException');
      }
      await expectIntact(ns, 'victim', victimFiles);
      expect(await probe.list(`${e.warehouse}/seed`)).toEqual(seedFiles);
      expect((await req('GET', tableUrl(['seed'], 'seed_t'))).status).toBe(200);
    });

    it('purging a registered table whose metadata log and manifest lists point at the canaries leaves them untouched', async () => {
      const ns = await newNamespace();
      const seed = JSON.parse(await probe.read(`${e.root}/canary/v1.metadata.json`));
      const location = `${e.warehouse}/${ns[0]}/reg`;
      const canaryMetadataFile = `${e.root}/canary/v1.metadata.json`;
      const canaryList1 = `${e.root}/canary/snap-1.avro`;
      const canaryList2 =
        variant.storage === 's3' ? 's3://other/snap-2.avro' : `${e.root}/wh-evil/snap-2.avro`;
      const metadata = {
        ...seed,
        'table-uuid': randomUUID(),
        location,
        'last-sequence-number': 2,
        'current-snapshot-id': 2,
        snapshots: [snapshot(1, 1, canaryList1), snapshot(2, 2, canaryList2, 1)],
        'snapshot-log': [
          { 'snapshot-id': 1, 'timestamp-ms': 1_700_000_000_001 },
          { 'snapshot-id': 2, 'timestamp-ms': 1_700_000_000_002 },
        ],
        refs: { main: { 'snapshot-id': 2, type: 'branch' } },
        'metadata-log': [
          { 'metadata-file': canaryMetadataFile, 'timestamp-ms': 1_700_000_000_000 },
        ],
      };
      const file = `${location}/metadata/00001-${randomUUID()}.metadata.json`;
      await probe.write(file, JSON.stringify(metadata));
      const registered = await req('POST', `/v1/namespaces/${enc(ns)}/register`, {
        name: 'reg',
        'metadata-location': file,
      });
      expect(registered.status, registered.text).toBe(200);
      const purge = await req('DELETE', `${tableUrl(ns, 'reg')}?purgeRequested=true`);
      expect(purge.status, purge.text).toBe(204);
      for (const canary of [canaryMetadataFile, canaryList1, canaryList2]) {
        expect(await probe.exists(canary), canary).toBe(true);
      }
    });

    it("a normal purge still deletes the table's own files", async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const props = await req('POST', tableUrl(ns, 't'), {
        requirements: [],
        updates: [{ action: 'set-properties', updates: { a: 'b' } }],
      });
      expect(props.status, props.text).toBe(200);
      expect(await probe.list(created.metadata.location)).toHaveLength(2);
      const purge = await req('DELETE', `${tableUrl(ns, 't')}?purgeRequested=true`);
      expect(purge.status, purge.text).toBe(204);
      expect(await probe.list(created.metadata.location)).toEqual([]);
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(404);
    });
  });

  // ---------------------------------------------------------------------- 7. idempotency

  describe('7. an Idempotency-Key belongs to one request', () => {
    it('the key of a createNamespace reused on a table DELETE → 422, and the table still exists', async () => {
      const key = randomUUID();
      const ns = [uniq('hx')];
      const first = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': key },
      );
      expect(first.status, first.text).toBe(200);
      await createTable(ns, 't');
      const res = await req('DELETE', tableUrl(ns, 't'), undefined, { 'idempotency-key': key });
      expectError(res, 422, 'UnprocessableEntityException', /Idempotency-Key/);
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(204);
    });

    it('the same createNamespace with the same key replays the 200', async () => {
      const key = randomUUID();
      const body = { namespace: [uniq('hx')], properties: { a: '1' } };
      const first = await req('POST', '/v1/namespaces', body, { 'idempotency-key': key });
      expect(first.status, first.text).toBe(200);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const again = await req('POST', '/v1/namespaces', body, { 'idempotency-key': key });
      expect({
        status: again.status,
        body: again.body,
        replayed: again.headers.get('idempotent-replayed'),
      }).toEqual({ status: 200, body: first.body, replayed: 'true' });
    });

    it('the same key on the same route with a different body → 422', async () => {
      const key = randomUUID();
      const ns = [uniq('hx')];
      const first = await req(
        'POST',
        '/v1/namespaces',
        { namespace: ns },
        { 'idempotency-key': key },
      );
      expect(first.status, first.text).toBe(200);
      const other = [uniq('hx')];
      const res = await req(
        'POST',
        '/v1/namespaces',
        { namespace: other },
        { 'idempotency-key': key },
      );
      expectError(res, 422, 'UnprocessableEntityException', /Idempotency-Key/);
      expect((await req('HEAD', `/v1/namespaces/${enc(other)}`)).status).toBe(404);
    });
  });

  // -------------------------------------------------------------------- 8. bounded input

  describe('8. input is bounded', () => {
    it('a body over bodyLimitBytes → 413', async () => {
      const ns = [uniq('hx')];
      const body = JSON.stringify({
        namespace: ns,
        properties: { big: 'x'.repeat(LIMITS.bodyLimitBytes + 1024) },
      });
      const res = await req('POST', '/v1/namespaces', body);
      expect({ status: res.status, code: res.body?.error?.code }, res.text.slice(0, 300)).toEqual({
        status: 413,
        code: 413,
      });
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}`)).status).toBe(404);
    });

    it.each([
      { shape: 'arrays', body: '['.repeat(100_000) + ']'.repeat(100_000) },
      { shape: 'objects', body: '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) },
    ])('a 100,000-deep JSON $shape body → 400 without a stack overflow', async ({ body }) => {
      const res = await req('POST', '/v1/namespaces', body);
      expectError(res, 400, 'BadRequestException');
      expect(res.body.error.message).not.toMatch(/call stack|stack overflow|RangeError/i);
    });

    it('createNamespace with maxProperties + 1 properties → 400', async () => {
      const ns = [uniq('hx')];
      const properties = Object.fromEntries(
        Array.from({ length: LIMITS.maxProperties + 1 }, (_, i) => [`p${i}`, 'v']),
      );
      expectError(
        await req('POST', '/v1/namespaces', { namespace: ns, properties }),
        400,
        'BadRequestException',
      );
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}`)).status).toBe(404);
    });

    it('createNamespace with a property value over maxPropertyBytes → 400 naming the key', async () => {
      const ns = [uniq('hx')];
      const res = await req('POST', '/v1/namespaces', {
        namespace: ns,
        properties: { ok: 'v', 'too.big.value': 'x'.repeat(LIMITS.maxPropertyBytes + 1) },
      });
      expectError(res, 400, 'BadRequestException', /too\.big\.value/);
      expect((await req('HEAD', `/v1/namespaces/${enc(ns)}`)).status).toBe(404);
    });

    it('updateProperties with a value over maxPropertyBytes → 400 naming the key, unchanged', async () => {
      const ns = await newNamespace({ a: '1' });
      const before = await load(`/v1/namespaces/${enc(ns)}`);
      const res = await req('POST', `/v1/namespaces/${enc(ns)}/properties`, {
        removals: [],
        updates: { 'too.big.value': 'x'.repeat(LIMITS.maxPropertyBytes + 1) },
      });
      expectError(res, 400, 'BadRequestException', /too\.big\.value/);
      expect(await load(`/v1/namespaces/${enc(ns)}`)).toEqual(before);
    });

    it('createTable with a property value over maxPropertyBytes → 400 naming the key', async () => {
      const ns = await newNamespace();
      await refusedWithoutTrace([], async () => {
        const res = await req('POST', `/v1/namespaces/${enc(ns)}/tables`, {
          name: 't',
          schema: SCHEMA,
          properties: { 'too.big.value': 'x'.repeat(LIMITS.maxPropertyBytes + 1) },
        });
        expectError(res, 400, 'BadRequestException', /too\.big\.value/);
      });
      expect((await req('HEAD', tableUrl(ns, 't'))).status).toBe(404);
    });

    it('set-properties with maxProperties + 1 properties → 400, table unchanged', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const updates = Object.fromEntries(
        Array.from({ length: LIMITS.maxProperties + 1 }, (_, i) => [`p${i}`, 'v']),
      );
      const res = await req('POST', tableUrl(ns, 't'), {
        requirements: [],
        updates: [{ action: 'set-properties', updates }],
      });
      expectError(res, 400, 'BadRequestException');
      expect((await load(tableUrl(ns, 't')))['metadata-location']).toBe(
        created['metadata-location'],
      );
    });

    it('set-properties with a value over maxPropertyBytes → 400 naming the key, table unchanged', async () => {
      const ns = await newNamespace();
      const created = await createTable(ns, 't');
      const res = await req('POST', tableUrl(ns, 't'), {
        requirements: [],
        updates: [
          {
            action: 'set-properties',
            updates: { 'too.big.value': 'x'.repeat(LIMITS.maxPropertyBytes + 1) },
          },
        ],
      });
      expectError(res, 400, 'BadRequestException', /too\.big\.value/);
      expect((await load(tableUrl(ns, 't')))['metadata-location']).toBe(
        created['metadata-location'],
      );
    });

    it('20 clients trickling a byte every 300 ms are all disconnected, and others are still served', async () => {
      if (!server) throw new Error('the catalog server is not running');
      const { hostname, port } = new URL(server.url);
      const started = Date.now();
      const closedAfter: Array<number | undefined> = [];
      const answers: string[] = [];
      const sockets: Socket[] = [];
      const timers: NodeJS.Timeout[] = [];
      const payload = (i: number): string =>
        i % 2 === 0
          ? // Headers that never end: the headers timeout's case.
            `GET /v1/config HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: ${'a'.repeat(1000)}`
          : // Complete headers, then a body that never ends: the request timeout's case.
            `POST /v1/namespaces HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"namespace":["slow"],"properties":{"p":"${'a'.repeat(1000)}`;
      try {
        for (let i = 0; i < 20; i++) {
          const socket = connect(Number(port), hostname);
          sockets.push(socket);
          closedAfter.push(undefined);
          let sent = 0;
          const text = payload(i);
          socket.on('data', (d: Buffer) => answers.push(d.toString('latin1')));
          socket.on('error', () => undefined);
          socket.on('close', () => {
            closedAfter[i] = Date.now() - started;
          });
          timers.push(
            setInterval(() => {
              if (socket.destroyed || socket.writableEnded || sent >= text.length) return;
              socket.write(text[sent++] ?? '');
            }, 300),
          );
        }
        // A fresh connection (no pooled keep-alive) is served while the tricklers hang on.
        await new Promise((r) => setTimeout(r, 1000));
        const status = await new Promise<number>((ok, fail) => {
          httpGet(`${server?.url}/v1/config`, { agent: false }, (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          }).on('error', fail);
        });
        statuses.push({ test: 'slow clients', request: 'GET /v1/config (fresh)', status });
        expect(status).toBe(200);
        await until(
          'the server to close every trickling connection',
          () => closedAfter.every((t) => t !== undefined),
          SLOW_CLIENT_BOUND_MS,
          200,
        ).catch(() => undefined);
        expect(
          closedAfter.map((t) => t !== undefined && t <= SLOW_CLIENT_BOUND_MS),
          `closed after (ms): ${JSON.stringify(closedAfter)}`,
        ).toEqual(Array(20).fill(true));
      } finally {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        for (const answer of answers) {
          const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
          if (m) statuses.push({ test: 'slow clients', request: 'trickle', status: Number(m[1]) });
        }
      }
    }, 60_000);
  });

  // ------------------------------------------------------------------------------ 9. no 5xx

  it('9. answered no 5xx to anything in this suite', () => {
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  });
});
