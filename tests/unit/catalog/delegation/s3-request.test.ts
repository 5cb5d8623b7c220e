import { describe, expect, it } from 'vitest';
import { BadRequestError, ForbiddenError } from '../../../../src/catalog/errors.js';
import {
  canonicalUri,
  normaliseKey,
  parseEndpoint,
  parseS3Request,
} from '../../../../src/catalog/delegation/s3-request.js';

const EP = parseEndpoint('http://127.0.0.1:9000');

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ForbiddenError);
    return (err as Error).message;
  }
  throw new Error('expected a ForbiddenError');
}

describe('normaliseKey', () => {
  it('decodes percent-encoding, including an encoded slash, as S3 does', () => {
    expect(normaliseKey('wh/ns/t/data/a%20b%2Fc.parquet')).toBe('wh/ns/t/data/a b/c.parquet');
  });

  it.each([
    ['wh/ns/t/../u/x', '..'],
    ['wh/ns/t/%2e%2e/u/x', '..'],
    ['wh/ns/t/..%2Fu/x', '..'],
    ['wh/ns/t/./x', '"."'],
    ['wh//ns/x', 'empty'],
    ['wh/ns/t%2F%2Fx', 'empty'],
    ['wh/ns/t/', 'empty'],
  ])('refuses %s', (raw, word) => {
    expect(refusal(() => normaliseKey(raw))).toContain(word);
  });

  it('refuses control characters, backslashes and bad encoding', () => {
    expect(refusal(() => normaliseKey('wh/t/a%00b'))).toContain('control characters');
    expect(refusal(() => normaliseKey('wh/t/a%0Ab'))).toContain('control characters');
    expect(refusal(() => normaliseKey('wh/t/a%5C..%5Cb'))).toContain('backslash');
    expect(refusal(() => normaliseKey('wh/t/%zz'))).toContain('percent-encoding');
  });

  it('allows a trailing slash only for a list prefix', () => {
    expect(normaliseKey('wh/ns/t/', { trailingSlash: true })).toBe('wh/ns/t/');
    expect(refusal(() => normaliseKey('wh/ns/t//', { trailingSlash: true }))).toContain('empty');
  });
});

describe('parseS3Request', () => {
  it('classifies the operations a table client uses', () => {
    const op = (method: string, uri: string) => parseS3Request(method, uri, EP).operation;
    const base = 'http://127.0.0.1:9000/lake/wh/ns/t/data/f.parquet';
    expect(op('GET', base)).toBe('GetObject');
    expect(op('HEAD', base)).toBe('HeadObject');
    expect(op('PUT', base)).toBe('PutObject');
    expect(op('POST', `${base}?uploads`)).toBe('CreateMultipartUpload');
    expect(op('PUT', `${base}?partNumber=1&uploadId=abc`)).toBe('UploadPart');
    expect(op('POST', `${base}?uploadId=abc`)).toBe('CompleteMultipartUpload');
    expect(op('DELETE', `${base}?uploadId=abc`)).toBe('AbortMultipartUpload');
    expect(op('DELETE', base)).toBe('DeleteObject');
    expect(op('GET', 'http://127.0.0.1:9000/lake?list-type=2&prefix=wh%2Fns%2Ft%2F')).toBe(
      'ListObjects',
    );
    expect(op('POST', 'http://127.0.0.1:9000/lake?delete')).toBe('DeleteObjects');
    expect(op('HEAD', 'http://127.0.0.1:9000/lake')).toBe('HeadBucket');
  });

  it('reads bucket and decoded key from path style and virtual-host style', () => {
    const path = parseS3Request('GET', 'http://127.0.0.1:9000/lake/wh/a%3Db', EP);
    expect(path).toMatchObject({ bucket: 'lake', key: 'wh/a=b', virtualHost: false });
    const vhost = parseS3Request(
      'GET',
      'https://lake.s3.example.com/wh/x',
      parseEndpoint('https://s3.example.com'),
    );
    expect(vhost).toMatchObject({ bucket: 'lake', key: 'wh/x', virtualHost: true });
  });

  it('refuses another host, port or scheme, naming the configured endpoint', () => {
    expect(refusal(() => parseS3Request('GET', 'http://evil.example:9000/lake/k', EP))).toContain(
      'http://127.0.0.1:9000',
    );
    expect(refusal(() => parseS3Request('GET', 'http://127.0.0.1:9001/lake/k', EP))).toContain(
      'not this catalog',
    );
    expect(refusal(() => parseS3Request('GET', 'https://127.0.0.1:9000/lake/k', EP))).toContain(
      'not this catalog',
    );
    expect(
      refusal(() => parseS3Request('GET', 'http://user:pw@127.0.0.1:9000/lake/k', EP)),
    ).toContain('user info');
  });

  it('refuses dot segments the URL parser would silently resolve', () => {
    expect(
      refusal(() => parseS3Request('GET', 'http://127.0.0.1:9000/lake/wh/ns/t/../u/k', EP)),
    ).toContain('normal form');
  });

  it('refuses methods and sub-resources table clients do not use', () => {
    const base = 'http://127.0.0.1:9000/lake/wh/ns/t/k';
    expect(refusal(() => parseS3Request('PATCH', base, EP))).toContain('method PATCH');
    expect(refusal(() => parseS3Request('PUT', `${base}?acl`, EP))).toContain('acl');
    expect(refusal(() => parseS3Request('GET', `${base}?tagging`, EP))).toContain('tagging');
    expect(refusal(() => parseS3Request('POST', `${base}?restore`, EP))).toContain('restore');
    expect(refusal(() => parseS3Request('PUT', 'http://127.0.0.1:9000/lake', EP))).toContain(
      'bucket lake',
    );
    expect(refusal(() => parseS3Request('GET', 'http://127.0.0.1:9000/lake?policy', EP))).toContain(
      'policy',
    );
    expect(refusal(() => parseS3Request('GET', `${base}?versionId=1&versionId=2`, EP))).toContain(
      'repeats',
    );
  });

  it('answers 400 for a uri that is not a URL', () => {
    expect(() => parseS3Request('GET', 'not a url', EP)).toThrow(BadRequestError);
  });
});

describe('canonicalUri', () => {
  it('re-encodes the checked key and query the way SigV4 canonicalises them', () => {
    const req = parseS3Request(
      'GET',
      "http://127.0.0.1:9000/lake/wh/a%20b(1)!*'.parquet?x-id=GetObject",
      EP,
    );
    expect(canonicalUri(req, EP)).toBe(
      'http://127.0.0.1:9000/lake/wh/a%20b%281%29%21%2A%27.parquet?x-id=GetObject',
    );
    const list = parseS3Request(
      'GET',
      'http://127.0.0.1:9000/lake?list-type=2&prefix=wh/t/&delimiter=/',
      EP,
    );
    expect(canonicalUri(list, EP)).toBe(
      'http://127.0.0.1:9000/lake?list-type=2&prefix=wh%2Ft%2F&delimiter=%2F',
    );
    const uploads = parseS3Request('POST', 'http://127.0.0.1:9000/lake/wh/k?uploads', EP);
    expect(canonicalUri(uploads, EP)).toBe('http://127.0.0.1:9000/lake/wh/k?uploads');
  });
});
