import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  RemoteSigner,
  RemoteSigningProvider,
  signEndpointPath,
  signingLocations,
} from '../../../../src/catalog/delegation/signing.js';
import type { TableAccessRequest } from '../../../../src/catalog/delegation/index.js';

const SECRET = 'catalog-secret-key-never-shown';
const signer = new RemoteSigner(
  {
    endpoint: 'http://127.0.0.1:9000',
    region: 'eu-west-1',
    pathStyle: true,
    accessKeyId: 'CATALOGKEY',
    secretAccessKey: SECRET,
  },
  () => new Date('2026-12-03T10:00:00Z'),
);
const SCOPE = { locations: signingLocations(['s3://lake/wh/ns/t']), access: 'write' as const };
const ACCESS: TableAccessRequest = {
  warehouse: { name: 'lake', location: 's3://lake/wh' },
  namespace: ['a', 'b c'],
  table: 'events',
  location: 's3://lake/wh/a/b c/events',
  access: 'write',
  catalogUri: 'http://127.0.0.1:8181/',
};

describe('RemoteSigner.sign', () => {
  it('signs with the catalog key and returns only headers the client lacks', async () => {
    const result = await signer.sign(
      {
        region: 'us-east-1',
        method: 'GET',
        uri: 'http://127.0.0.1:9000/lake/wh/ns/t/data/a%3Db.parquet',
        headers: { 'User-Agent': ['botocore'], 'x-amz-date': ['ignored'] },
      },
      SCOPE,
    );
    expect(result.uri).toBe('http://127.0.0.1:9000/lake/wh/ns/t/data/a%3Db.parquet');
    expect(Object.keys(result.headers).sort()).toEqual([
      'authorization',
      'x-amz-content-sha256',
      'x-amz-date',
    ]);
    expect(result.headers['x-amz-content-sha256']).toEqual(['UNSIGNED-PAYLOAD']);
    expect(result.headers['x-amz-date']).toEqual(['20261203T100000Z']);
    // Region is the catalog's: the client's guess does not decide where S3 checks the signature.
    expect(result.headers['authorization']?.[0]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=CATALOGKEY\/20261203\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("honours the client's payload hash and does not echo it back", async () => {
    const digest = createHash('sha256').update('x').digest('hex');
    const result = await signer.sign(
      {
        region: 'eu-west-1',
        method: 'PUT',
        uri: 'http://127.0.0.1:9000/lake/wh/ns/t/data/f',
        headers: { 'X-Amz-Content-SHA256': [digest], 'Content-MD5': ['abc'] },
      },
      SCOPE,
    );
    expect(result.headers['x-amz-content-sha256']).toBeUndefined();
    expect(result.headers['authorization']?.[0]).toContain(
      'SignedHeaders=content-md5;host;x-amz-content-sha256;x-amz-date',
    );
  });

  it("adds the catalog's session token and never signs one the client sent", async () => {
    const withToken = new RemoteSigner({
      endpoint: 'http://127.0.0.1:9000',
      accessKeyId: 'TEMPKEY',
      secretAccessKey: SECRET,
      sessionToken: 'catalog-session-token',
    });
    const result = await withToken.sign(
      {
        region: 'us-east-1',
        method: 'HEAD',
        uri: 'http://127.0.0.1:9000/lake/wh/ns/t/data/f',
        headers: { 'x-amz-security-token': ['client-token'] },
      },
      SCOPE,
    );
    expect(result.headers['x-amz-security-token']).toEqual(['catalog-session-token']);
    expect(result.headers['authorization']?.[0]).toContain(
      'SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token',
    );
  });

  it('refuses chunk-signed payloads, which need the secret per chunk', async () => {
    await expect(
      signer.sign(
        {
          region: 'eu-west-1',
          method: 'PUT',
          uri: 'http://127.0.0.1:9000/lake/wh/ns/t/data/f',
          headers: { 'x-amz-content-sha256': ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD'] },
        },
        SCOPE,
      ),
    ).rejects.toThrow(BadRequestError);
  });

  it('refuses other providers', async () => {
    await expect(
      signer.sign(
        { region: 'x', method: 'GET', uri: 'https://x/y', headers: {}, provider: 'gcs' },
        SCOPE,
      ),
    ).rejects.toThrow(/provider "gcs"/);
  });
});

describe('remote signing grant', () => {
  it('advertises the table sign endpoint relative to the catalog URI', async () => {
    expect(signEndpointPath(ACCESS)).toBe('v1/lake/namespaces/a%1Fb%20c/tables/events/sign');
    const grant = await new RemoteSigningProvider(signer).grant(ACCESS);
    expect(grant).toEqual({
      config: {
        's3.remote-signing-enabled': 'true',
        's3.signer': 'S3V4RestSigner',
        's3.signer.uri': 'http://127.0.0.1:8181',
        's3.signer.endpoint': 'v1/lake/namespaces/a%1Fb%20c/tables/events/sign',
        's3.endpoint': 'http://127.0.0.1:9000',
        's3.path-style-access': 'true',
        'client.region': 'eu-west-1',
      },
      storageCredentials: [],
    });
    expect(JSON.stringify(grant)).not.toContain(SECRET);
  });

  it('grants nothing for a table outside S3', async () => {
    const grant = await new RemoteSigningProvider(signer).grant({
      ...ACCESS,
      location: 'file:///data/t',
    });
    expect(grant).toEqual({ config: {}, storageCredentials: [] });
  });
});
