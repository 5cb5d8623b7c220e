/**
 * Remote signing (the spec's signRequest) against real MinIO: pyiceberg holding no S3 keys
 * creates, appends to and reads a table with every S3 request signed by the catalog; signed
 * requests work only for what was signed; hostile sign requests are refused and change nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { build } from '../../support/catalog-app.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { PythonScript, pythonEnv } from '../../support/python.js';

const SCRIPT = fileURLToPath(new URL('./py/remote_signing.py', import.meta.url));
const BUCKET = 'lake-signing';
const OTHER_BUCKET = 'other-signing';
const NS = 'signed';
const LOCATION = `s3://${BUCKET}/wh/${NS}/events`;
const OTHER_LOCATION = `s3://${BUCKET}/wh/${NS}/other`;
const ROWS = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `row-${i + 1}` }));

let minio: MinioServer;
let catalog: CatalogProcess;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lakehouse-signing-'));
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  await minio.createBucket(OTHER_BUCKET);
  await minio.s3.send(
    new PutObjectCommand({ Bucket: OTHER_BUCKET, Key: 'secret.txt', Body: 'not for tables' }),
  );
  catalog = await spawnCatalog({
    warehouse: `s3://${BUCKET}/wh`,
    s3: {
      endpoint: minio.endpoint,
      region: minio.region,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    },
    extraArgs: ['--remote-signing'],
  });
});

afterAll(async () => {
  await catalog?.stop();
  await minio?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const tail = (text: string): string => text.split('\n').slice(-30).join('\n');

/** The catalog's per-request log lines for the sign route, with their status. */
function signLog(cat: CatalogProcess = catalog): number[] {
  return cat
    .logs()
    .split('\n')
    .filter((l) => l.includes('"route":"') && l.includes('/sign"'))
    .map((l) => (JSON.parse(l) as { status: number }).status);
}

interface SignResult {
  uri: string;
  headers: Record<string, string[]>;
}

async function sign(
  table: string,
  request: Record<string, unknown>,
): Promise<{ status: number; body: SignResult & { error?: { message: string; type: string } } }> {
  const res = await fetch(`${catalog.url}/v1/namespaces/${NS}/tables/${table}/sign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: minio.region, headers: {}, ...request }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

/** Sends a signed request to MinIO as a client would. */
async function send(signed: SignResult, method: string, body?: string): Promise<Response> {
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => [k, v.join(', ')]),
  );
  return fetch(signed.uri, { method, headers, body });
}

async function allKeys(): Promise<string[]> {
  return [...(await minio.listKeys(BUCKET)), ...(await minio.listKeys(OTHER_BUCKET))];
}

interface PyResult {
  rows: typeof ROWS;
  io: string;
  location: string;
  data_files: string[];
  signer: Record<string, string>;
}

/** Runs the pyiceberg script with only the catalog's URI (and token): no S3 settings at all. */
async function pyicebergWithoutKeys(
  cat: CatalogProcess,
  table: string,
  token?: string,
): Promise<PyResult> {
  const env = pythonEnv({
    catalogUri: cat.url,
    s3Endpoint: '',
    s3Region: '',
    accessKeyId: '',
    secretAccessKey: '',
    home,
  });
  for (const k of Object.keys(env)) if (k.startsWith('LH_S3_')) delete env[k];
  if (token) env['LH_CATALOG_TOKEN'] = token;
  const script = new PythonScript(inject('python'), SCRIPT, [], env, token ? [token] : []);
  script.send({ table, rows: ROWS });
  try {
    return await script.result<PyResult>();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- catalog log ---\n${tail(cat.logs())}`);
  }
}

describe('remote signing', () => {
  it('advertises the sign endpoint', async () => {
    const config = (await (await fetch(`${catalog.url}/v1/config`)).json()) as {
      endpoints: string[];
    };
    expect(config.endpoints).toContain(
      'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign',
    );
  });

  it('lets pyiceberg with no S3 keys create, append to and read a table', async () => {
    const result = await pyicebergWithoutKeys(catalog, `${NS}.events`);
    expect(result.rows).toEqual(ROWS);
    expect(result.io).toBe('pyiceberg.io.fsspec.FsspecFileIO');
    expect(result.location).toBe(LOCATION);
    expect(result.signer).toEqual({
      's3.remote-signing-enabled': 'true',
      's3.signer': 'S3V4RestSigner',
      's3.signer.uri': catalog.url,
      's3.signer.endpoint': `v1/default/namespaces/${NS}/tables/events/sign`,
      's3.endpoint': minio.endpoint,
      's3.path-style-access': 'true',
      'client.region': minio.region,
    });
    // The data file pyiceberg wrote through signed requests is in MinIO, under the table.
    expect(result.data_files).toHaveLength(1);
    const dataKey = result.data_files[0]!.replace(`s3://${BUCKET}/`, '');
    expect(await minio.listKeys(BUCKET, `wh/${NS}/events/data/`)).toEqual([dataKey]);
    const statuses = signLog();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('advertises the signer on loadTable only when the client asks for remote signing', async () => {
    const url = `${catalog.url}/v1/namespaces/${NS}/tables/events`;
    const plain = (await (await fetch(url)).json()) as { config: Record<string, string> };
    expect(plain.config).toEqual({});
    const asked = (await (
      await fetch(url, { headers: { 'x-iceberg-access-delegation': 'remote-signing' } })
    ).json()) as { config: Record<string, string> };
    expect(asked.config['s3.signer.endpoint']).toBe(
      `v1/default/namespaces/${NS}/tables/events/sign`,
    );
  });

  it('signs a request MinIO accepts, and the signature covers only that request', async () => {
    const [dataKey] = await minio.listKeys(BUCKET, `wh/${NS}/events/data/`);
    const uri = `${minio.endpoint}/${BUCKET}/${dataKey}`;
    const { status, body } = await sign('events', { method: 'GET', uri });
    expect(status).toBe(200);
    expect(body.uri).toBe(uri);
    const ok = await send(body, 'GET');
    expect(ok.status).toBe(200);
    expect(
      Buffer.from(await ok.arrayBuffer())
        .subarray(0, 4)
        .toString(),
    ).toBe('PAR1');

    // The same headers on another object: MinIO refuses the signature.
    const forged = await send(
      { ...body, uri: `${minio.endpoint}/${OTHER_BUCKET}/secret.txt` },
      'GET',
    );
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('SignatureDoesNotMatch');

    // A signed PUT under the table writes exactly there.
    const put = await sign('events', {
      method: 'PUT',
      uri: `${minio.endpoint}/${BUCKET}/wh/${NS}/events/data/extra.txt`,
    });
    expect(put.status).toBe(200);
    expect((await send(put.body, 'PUT', 'hello')).status).toBe(200);
    expect(await minio.listKeys(BUCKET, `wh/${NS}/events/data/extra`)).toEqual([
      `wh/${NS}/events/data/extra.txt`,
    ]);
  });

  it('refuses hostile sign requests with 403 and leaves MinIO unchanged', async () => {
    // A second table: its files are as foreign to the first table's client as another bucket.
    const created = await fetch(`${catalog.url}/v1/namespaces/${NS}/tables`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'other',
        schema: { type: 'struct', 'schema-id': 0, fields: [] },
      }),
    });
    expect(created.status).toBe(200);
    const before = await allKeys();
    const otherMetadata = before.find((k) => k.startsWith(`wh/${NS}/other/metadata/`));
    expect(otherMetadata).toBeDefined();

    const s3 = minio.endpoint;
    const port = new URL(s3).port;
    const allowed = `allowed: ${LOCATION}/`;
    const deleteBody = (key: string): string =>
      `<Delete><Object><Key>${key}</Key></Object></Delete>`;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [
        "another table's file",
        { method: 'GET', uri: `${s3}/${BUCKET}/${otherMetadata}` },
        `key ${OTHER_LOCATION}/metadata/`,
      ],
      [
        "a write to another table's prefix",
        { method: 'PUT', uri: `${s3}/${BUCKET}/wh/${NS}/other/data/evil.parquet` },
        allowed,
      ],
      ['another bucket', { method: 'GET', uri: `${s3}/${OTHER_BUCKET}/secret.txt` }, allowed],
      [
        'another host',
        { method: 'GET', uri: `http://localhost:${port}/${BUCKET}/wh/${NS}/events/data/x` },
        `not this catalog's S3 endpoint ${s3}`,
      ],
      [
        'a .. path',
        { method: 'DELETE', uri: `${s3}/${BUCKET}/wh/${NS}/events/../other/metadata/x` },
        'not in normal form',
      ],
      [
        'an encoded ../ path',
        { method: 'DELETE', uri: `${s3}/${BUCKET}/wh/${NS}/events/..%2Fother%2Fmetadata%2Fx` },
        '".."',
      ],
      [
        'a listing of a foreign prefix',
        { method: 'GET', uri: `${s3}/${BUCKET}?list-type=2&prefix=wh%2F${NS}%2Fother%2F` },
        `list prefix s3://${BUCKET}/wh/${NS}/other/`,
      ],
      [
        'a listing of the whole bucket',
        { method: 'GET', uri: `${s3}/${BUCKET}?list-type=2` },
        'needs a prefix',
      ],
      [
        'DeleteObjects with a foreign key',
        { method: 'POST', uri: `${s3}/${BUCKET}?delete`, body: deleteBody(otherMetadata!) },
        `DeleteObjects (bulk delete) cannot be confined`,
      ],
      [
        "DeleteObjects with only the table's own key",
        { method: 'POST', uri: `${s3}/${BUCKET}?delete`, body: deleteBody(`wh/${NS}/events/x`) },
        `delete each object under ${LOCATION}/ with DeleteObject`,
      ],
      [
        'a copy from another table',
        {
          method: 'PUT',
          uri: `${s3}/${BUCKET}/wh/${NS}/events/data/copy.parquet`,
          headers: { 'x-amz-copy-source': [`/${BUCKET}/${otherMetadata}`] },
        },
        'x-amz-copy-source',
      ],
      [
        'a bucket policy change',
        { method: 'PUT', uri: `${s3}/${BUCKET}?policy` },
        'not an operation table clients use',
      ],
    ];
    for (const [what, request, message] of cases) {
      const { status, body } = await sign('events', request);
      expect({ what, status, type: body.error?.type }).toEqual({
        what,
        status: 403,
        type: 'ForbiddenException',
      });
      expect(body.error?.message, what).toContain(message);
    }
    expect(await allKeys()).toEqual(before);
  });

  it('answers 404 for a table that does not exist and 400 for a malformed request', async () => {
    const missing = await sign('nope', { method: 'GET', uri: `${minio.endpoint}/${BUCKET}/x` });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.type).toBe('NoSuchTableException');
    const malformed = await sign('events', { method: 'GET' });
    expect(malformed.status).toBe(400);
  });
});

describe('a catalog started without --remote-signing', () => {
  it('neither advertises nor answers signRequest, and ignores the header on loadTable', async () => {
    const cat = await build({ store: 'sqlite' });
    try {
      const config = (await cat.inject({ method: 'GET', url: '/v1/config' })).json<{
        endpoints: string[];
      }>();
      expect(config.endpoints.filter((e) => e.endsWith('/sign'))).toEqual([]);
      await cat.inject({ method: 'POST', url: '/v1/namespaces', payload: { namespace: ['n'] } });
      const created = await cat.inject({
        method: 'POST',
        url: '/v1/namespaces/n/tables',
        headers: { 'x-iceberg-access-delegation': 'remote-signing' },
        payload: { name: 't', schema: { type: 'struct', 'schema-id': 0, fields: [] } },
      });
      expect(created.statusCode).toBe(200);
      expect(created.json<{ config: unknown }>().config).toEqual({});
      const signed = await cat.inject({
        method: 'POST',
        url: '/v1/namespaces/n/tables/t/sign',
        payload: { region: 'us-east-1', uri: 'http://127.0.0.1:9/b/k', method: 'GET', headers: {} },
      });
      expect(signed.statusCode).toBe(406);
      expect(signed.json<{ error: { message: string } }>().error.message).toBe(
        'This catalog does not sign requests: start it with S3 credentials and --remote-signing',
      );
    } finally {
      await cat.close();
    }
  });
});

describe('remote signing behind bearer tokens', () => {
  const TOKEN = 'signing-test-token-0123456789';
  let secured: CatalogProcess;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lakehouse-signing-auth-'));
    const authFile = join(dir, 'auth.yaml');
    await writeFile(authFile, `tokens:\n  - ${TOKEN}\n`, { mode: 0o600 });
    secured = await spawnCatalog({
      warehouse: `s3://${BUCKET}/wh-auth`,
      s3: {
        endpoint: minio.endpoint,
        region: minio.region,
        accessKeyId: minio.accessKeyId,
        secretAccessKey: minio.secretAccessKey,
      },
      extraArgs: ['--remote-signing', '--auth-tokens', authFile],
      token: TOKEN,
    });
  });

  afterAll(async () => {
    await secured?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs for pyiceberg sending its token, and refuses a sign request without one', async () => {
    const result = await pyicebergWithoutKeys(secured, `${NS}.events`, TOKEN);
    expect(result.rows).toEqual(ROWS);
    expect(signLog(secured).length).toBeGreaterThan(0);
    expect(signLog(secured).every((s) => s === 200)).toBe(true);

    const before = await minio.listKeys(BUCKET, 'wh-auth/');
    const res = await fetch(`${secured.url}/v1/namespaces/${NS}/tables/events/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        region: minio.region,
        method: 'PUT',
        uri: `${minio.endpoint}/${BUCKET}/wh-auth/${NS}/events/data/evil.parquet`,
        headers: {},
      }),
    });
    expect(res.status).toBe(401);
    expect(await minio.listKeys(BUCKET, 'wh-auth/')).toEqual(before);
  });
});
