/**
 * Vended credentials against a real MinIO: the catalog (started with --vended-credentials) gets
 * short-lived keys from MinIO's STS, scoped to one table's prefix, and hands them to clients that
 * send `X-Iceberg-Access-Delegation: vended-credentials`. pyiceberg with no S3 keys of its own
 * creates, appends and reads; the keys are then tried directly against MinIO, where everything
 * outside their table is AccessDenied.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { PythonScript } from '../../support/python.js';

const VENDED_PY = fileURLToPath(new URL('./py/vended.py', import.meta.url));
const BUCKET = 'lh-vend';
const OTHER_BUCKET = 'lh-vend-other';
const WAREHOUSE = `s3://${BUCKET}/warehouse`;
const NS = 'vend';
const DURATION_SECONDS = 900;
const DELEGATE = { 'x-iceberg-access-delegation': 'vended-credentials' };

interface StorageCredential {
  prefix: string;
  config: Record<string, string>;
}
interface LoadResult {
  'metadata-location': string;
  metadata: { location: string };
  config: Record<string, string>;
  'storage-credentials'?: StorageCredential[];
}

let minio: MinioServer;
let catalog: CatalogProcess;
let home: string;
const cleanups: Array<() => Promise<unknown>> = [];

function s3Options(server: MinioServer) {
  return {
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
  };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lakehouse-vended-'));
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  await minio.createBucket(OTHER_BUCKET);
  catalog = await spawnCatalog({
    warehouse: WAREHOUSE,
    s3: s3Options(minio),
    extraArgs: ['--vended-credentials', '--vended-credentials-duration', String(DURATION_SECONDS)],
  });
  await api(catalog.url, 'POST', '/v1/namespaces', { namespace: [NS] });
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await catalog?.stop();
  await minio?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', type: 'long', required: true }],
};

async function createTable(name: string, headers: Record<string, string> = {}) {
  const res = await api(
    catalog.url,
    'POST',
    `/v1/namespaces/${NS}/tables`,
    { name, schema },
    headers,
  );
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as LoadResult;
}

async function loadTable(name: string, headers: Record<string, string> = DELEGATE) {
  const res = await api(
    catalog.url,
    'GET',
    `/v1/namespaces/${NS}/tables/${name}`,
    undefined,
    headers,
  );
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return { body: res.json as LoadResult, etag: res.headers.get('etag') };
}

/** An S3 client holding only the vended keys, for trying them directly against MinIO. */
function clientFor(config: Record<string, string>): S3Client {
  const client = new S3Client({
    endpoint: config['s3.endpoint'],
    region: config['client.region'] ?? 'us-east-1',
    forcePathStyle: config['s3.path-style-access'] === 'true',
    credentials: {
      accessKeyId: config['s3.access-key-id'] ?? '',
      secretAccessKey: config['s3.secret-access-key'] ?? '',
      sessionToken: config['s3.session-token'] ?? '',
    },
    maxAttempts: 1,
  });
  cleanups.push(async () => client.destroy());
  return client;
}

/** The S3 error name of a call, or 'OK' when it succeeded. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (err) {
    if (err instanceof S3ServiceException) return err.name;
    throw err;
  }
}

const keyOf = (location: string, bucket = BUCKET) => location.slice(`s3://${bucket}/`.length);

describe('vended credentials', () => {
  it('advertises loadCredentials in /v1/config', async () => {
    const res = await api(catalog.url, 'GET', '/v1/config');
    expect((res.json as { endpoints: string[] }).endpoints).toContain(
      'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials',
    );
  });

  it('lets pyiceberg with no S3 keys create, append to and read a table', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: home,
      PYICEBERG_HOME: home,
      PYTHONUNBUFFERED: '1',
      LH_CATALOG_URI: catalog.url,
    };
    const script = new PythonScript(inject('python'), VENDED_PY, [], env, [minio.secretAccessKey]);
    const rows = [
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
      { id: 3, name: null },
    ];
    script.send({ namespace: NS, table: `${NS}.from_python`, rows });
    const result = await script.result<{
      location: string;
      created_io_keys: string[];
      rows: unknown[];
      data_files: string[];
    }>();
    expect(result.location).toBe(`${WAREHOUSE}/${NS}/from_python`);
    expect(result.created_io_keys).toEqual(
      expect.arrayContaining(['s3.access-key-id', 's3.secret-access-key', 's3.session-token']),
    );
    expect(result.rows).toEqual(rows);
    expect(result.data_files).toHaveLength(1);
    expect(result.data_files[0]).toMatch(new RegExp(`^${result.location}/data/.+\\.parquet$`));
    // The file is really in MinIO, where pyiceberg could only have put it with the vended keys.
    const keys = await minio.listKeys(BUCKET, `warehouse/${NS}/from_python/data/`);
    expect(keys).toEqual([keyOf(result.data_files[0]!)]);
  });

  it('returns credentials in storage-credentials and config, scoped to the table, with their expiry', async () => {
    const created = await createTable('scoped', DELEGATE);
    const before = Date.now();
    const { body, etag } = await loadTable('scoped');
    const location = `${WAREHOUSE}/${NS}/scoped`;
    expect(created['storage-credentials']?.[0]?.prefix).toBe(location);
    expect(body['storage-credentials']).toHaveLength(1);
    const [credential] = body['storage-credentials']!;
    expect(credential!.prefix).toBe(location);
    expect(Object.keys(credential!.config).sort()).toEqual([
      'client.region',
      's3.access-key-id',
      's3.endpoint',
      's3.path-style-access',
      's3.secret-access-key',
      's3.session-token',
      's3.session-token-expires-at-ms',
    ]);
    expect(credential!.config['s3.endpoint']).toBe(minio.endpoint);
    expect(credential!.config['s3.path-style-access']).toBe('true');
    expect(credential!.config['s3.access-key-id']).not.toBe(minio.accessKeyId);
    // Trino and older pyiceberg read `config`: the same keys are there.
    expect(body.config).toEqual(credential!.config);
    const expiresAt = Number(credential!.config['s3.session-token-expires-at-ms']);
    // MinIO's STS gives whole seconds; the catalog may hand out a cached key a little older.
    expect(expiresAt).toBeGreaterThan(before + (DURATION_SECONDS - 300) * 1000);
    expect(expiresAt).toBeLessThanOrEqual(before + (DURATION_SECONDS + 5) * 1000);
    // A client must not keep an old answer (and its credentials) on a 304.
    expect(etag).toBeNull();
  });

  it('reuses one credential per table prefix until near expiry instead of calling STS per load', async () => {
    const first = await loadTable('scoped');
    const second = await loadTable('scoped');
    expect(second.body.config['s3.access-key-id']).toBe(first.body.config['s3.access-key-id']);
  });

  it('gives a client that asks for nothing (or only for unknown mechanisms) no credentials', async () => {
    const plain = await loadTable('scoped', {});
    expect(plain.body.config).toEqual({});
    expect(plain.body['storage-credentials']).toBeUndefined();
    expect(plain.etag).toMatch(/^"[0-9a-f]+"$/);
    const unknown = await loadTable('scoped', { 'x-iceberg-access-delegation': 'carrier-pigeon' });
    expect(unknown.body['storage-credentials']).toBeUndefined();
  });

  it('vends keys that reach their own table and are refused everywhere else', async () => {
    await createTable('mine');
    // A table whose name extends the first's: its prefix starts with the first table's prefix.
    const sibling = await createTable('mine2');
    const other = await createTable('other');
    await minio.s3.send(
      new PutObjectCommand({ Bucket: OTHER_BUCKET, Key: 'secret.txt', Body: 'not yours' }),
    );
    const { body } = await loadTable('mine');
    const s3 = clientFor(body.config);
    const own = keyOf(body['metadata-location']);
    const prefix = keyOf(body.metadata.location);

    expect(await outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: own })))).toBe('OK');
    expect(
      await outcome(
        s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/data/x.parquet`, Body: 'x' }),
        ),
      ),
    ).toBe('OK');
    expect(
      await outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }))),
    ).toBe('OK');

    const denied = {
      readOther: () =>
        s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keyOf(other['metadata-location']) })),
      readSibling: () =>
        s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: keyOf(sibling['metadata-location']) })),
      writeOther: () =>
        s3.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: `${keyOf(other.metadata.location)}/x`,
            Body: 'x',
          }),
        ),
      writeSibling: () =>
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}2/x`, Body: 'x' })),
      listOther: () =>
        s3.send(
          new ListObjectsV2Command({
            Bucket: BUCKET,
            Prefix: `${keyOf(other.metadata.location)}/`,
          }),
        ),
      listWarehouse: () =>
        s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'warehouse/' })),
      readOtherBucket: () =>
        s3.send(new GetObjectCommand({ Bucket: OTHER_BUCKET, Key: 'secret.txt' })),
      writeOtherBucket: () =>
        s3.send(new PutObjectCommand({ Bucket: OTHER_BUCKET, Key: 'x', Body: 'x' })),
    };
    const results: Record<string, string> = {};
    for (const [name, call] of Object.entries(denied)) results[name] = await outcome(call());
    expect(results).toEqual(
      Object.fromEntries(Object.keys(denied).map((name) => [name, 'AccessDenied'])),
    );
  });

  it('loadCredentials returns fresh read-write credentials; for a scan plan, read-only ones', async () => {
    const path = `/v1/namespaces/${NS}/tables/mine/credentials`;
    const res = await api(catalog.url, 'GET', path);
    expect(res.status).toBe(200);
    const body = res.json as { 'storage-credentials': StorageCredential[] };
    expect(Object.keys(body)).toEqual(['storage-credentials']);
    const [credential] = body['storage-credentials'];
    expect(credential!.prefix).toBe(`${WAREHOUSE}/${NS}/mine`);
    const prefix = `warehouse/${NS}/mine`;
    const writer = clientFor(credential!.config);
    expect(
      await outcome(
        writer.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/w`, Body: 'w' })),
      ),
    ).toBe('OK');

    const planned = await api(catalog.url, 'GET', `${path}?planId=plan-1`);
    expect(planned.status).toBe(200);
    const readConfig = (planned.json as typeof body)['storage-credentials'][0]!.config;
    expect(readConfig['s3.access-key-id']).not.toBe(credential!.config['s3.access-key-id']);
    const reader = clientFor(readConfig);
    expect(
      await outcome(reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${prefix}/w` }))),
    ).toBe('OK');
    expect(
      await outcome(
        reader.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/r`, Body: 'r' })),
      ),
    ).toBe('AccessDenied');
    expect(
      await outcome(
        reader.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}/w`, Body: 'overwrite' }),
        ),
      ),
    ).toBe('AccessDenied');
  });

  it('loadCredentials answers 404 for a missing table and 400 for an empty planId', async () => {
    const missing = await api(catalog.url, 'GET', `/v1/namespaces/${NS}/tables/nope/credentials`);
    expect(missing.status).toBe(404);
    expect((missing.json as { error: { type: string } }).error.type).toBe('NoSuchTableException');
    const empty = await api(
      catalog.url,
      'GET',
      `/v1/namespaces/${NS}/tables/mine/credentials?planId=`,
    );
    expect(empty.status).toBe(400);
  });

  it('never logs the vended keys', async () => {
    const { body } = await loadTable('mine');
    const logs = catalog.logs();
    expect(logs).toContain('"route":"/v1/namespaces/:namespace/tables/:table"');
    expect(logs).not.toContain(body.config['s3.secret-access-key']);
    expect(logs).not.toContain(body.config['s3.session-token']);
  });
});

describe('catalog serve --vended-credentials', () => {
  const serve = async (args: string[], env: Record<string, string> = {}) => {
    const repo = fileURLToPath(new URL('../../..', import.meta.url));
    try {
      await promisify(execFile)(
        process.execPath,
        ['bin/lakehouse.js', 'catalog', 'serve', '--port', '0', ...args],
        { cwd: repo, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      );
      return 'started';
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
  };

  it('refuses to start without an S3 endpoint and key, or with too short a lifetime', async () => {
    const warehouse = `--warehouse=${pathToFileURL(join(home, 'wh')).href}`;
    expect(await serve([warehouse, '--vended-credentials'])).toMatch(
      /vended credentials need an S3 endpoint[\s\S]*pass --s3-endpoint/,
    );
    const keys = { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' };
    const short = [
      warehouse,
      '--s3-endpoint',
      minio.endpoint,
      '--vended-credentials-duration',
      '899',
    ];
    expect(await serve(short, keys)).toMatch(/duration 899s: give whole seconds from 900 to 43200/);
  });
});

describe('vended credentials with a file:// warehouse', () => {
  it('gives no credentials on load and a clear 400 from loadCredentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lakehouse-vended-file-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const fileCatalog = await spawnCatalog({
      warehouse: pathToFileURL(dir).href,
      s3: s3Options(minio),
      extraArgs: ['--vended-credentials'],
    });
    cleanups.push(() => fileCatalog.stop());
    await api(fileCatalog.url, 'POST', '/v1/namespaces', { namespace: [NS] });
    const created = await api(
      fileCatalog.url,
      'POST',
      `/v1/namespaces/${NS}/tables`,
      { name: 'local', schema },
      DELEGATE,
    );
    expect(created.status).toBe(200);
    expect((created.json as LoadResult)['storage-credentials']).toBeUndefined();
    const loaded = await api(
      fileCatalog.url,
      'GET',
      `/v1/namespaces/${NS}/tables/local`,
      undefined,
      DELEGATE,
    );
    expect((loaded.json as LoadResult).config).toEqual({});
    expect((loaded.json as LoadResult)['storage-credentials']).toBeUndefined();
    const creds = await api(
      fileCatalog.url,
      'GET',
      `/v1/namespaces/${NS}/tables/local/credentials`,
    );
    expect(creds.status).toBe(400);
    expect((creds.json as { error: { message: string } }).error.message).toMatch(
      /file:\/\/ warehouse.*no credentials to vend/,
    );
  }, 60_000);
});

describe('vended credentials when MinIO is gone', () => {
  it('answers 503 naming MinIO and where to look, and creates no table', async () => {
    const lonely = await startMinio();
    cleanups.push(() => lonely.stop());
    await lonely.createBucket(BUCKET);
    const orphan = await spawnCatalog({
      warehouse: WAREHOUSE,
      s3: s3Options(lonely),
      extraArgs: ['--vended-credentials'],
    });
    cleanups.push(() => orphan.stop());
    await api(orphan.url, 'POST', '/v1/namespaces', { namespace: [NS] });
    await api(orphan.url, 'POST', `/v1/namespaces/${NS}/tables`, { name: 'before', schema });
    await lonely.stop();

    const loaded = await api(
      orphan.url,
      'GET',
      `/v1/namespaces/${NS}/tables/before`,
      undefined,
      DELEGATE,
    );
    expect(loaded.status).toBe(503);
    const error = (loaded.json as { error: { type: string; message: string } }).error;
    expect(error.type).toBe('ServiceUnavailableException');
    expect(error.message).toContain('MinIO');
    expect(error.message).toContain('lakehouse logs minio');
    expect(error.message).not.toMatch(/\n\s+at /);

    const created = await api(
      orphan.url,
      'POST',
      `/v1/namespaces/${NS}/tables`,
      { name: 'during', schema },
      DELEGATE,
    );
    expect(created.status).toBe(503);
    const exists = await fetch(`${orphan.url}/v1/namespaces/${NS}/tables/during`, {
      method: 'HEAD',
    });
    expect(exists.status).toBe(404);
    // Without delegation the catalog still serves what it holds.
    const plain = await api(orphan.url, 'GET', `/v1/namespaces/${NS}/tables/before`);
    expect(plain.status).toBe(200);
  }, 90_000);
});
