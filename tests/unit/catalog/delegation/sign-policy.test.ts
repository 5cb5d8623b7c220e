import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../../src/catalog/errors.js';
import {
  authoriseS3Request,
  type SigningScope,
} from '../../../../src/catalog/delegation/sign-policy.js';
import { parseEndpoint, parseS3Request } from '../../../../src/catalog/delegation/s3-request.js';

const EP = parseEndpoint('http://127.0.0.1:9000');
const WRITE: SigningScope = { locations: [{ bucket: 'lake', prefix: 'wh/ns/t' }], access: 'write' };
const READ: SigningScope = { ...WRITE, access: 'read' };
const S3 = 'http://127.0.0.1:9000';

function check(
  method: string,
  uri: string,
  scope: SigningScope = WRITE,
  opts: { headers?: Record<string, string> } = {},
): string | undefined {
  try {
    authoriseS3Request(parseS3Request(method, uri, EP), opts.headers ?? {}, scope);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ForbiddenError);
    return (err as Error).message;
  }
}

describe('authoriseS3Request', () => {
  it('allows reads and writes of keys under the table location', () => {
    expect(check('GET', `${S3}/lake/wh/ns/t/data/f.parquet`)).toBeUndefined();
    expect(check('PUT', `${S3}/lake/wh/ns/t/metadata/m.avro`)).toBeUndefined();
    expect(check('DELETE', `${S3}/lake/wh/ns/t/data/f.parquet`)).toBeUndefined();
    expect(check('GET', `${S3}/lake?list-type=2&prefix=wh%2Fns%2Ft%2Fdata%2F`)).toBeUndefined();
    expect(check('HEAD', `${S3}/lake`)).toBeUndefined();
  });

  it('refuses another table sharing the prefix text, naming the key and the allowed prefix', () => {
    expect(check('GET', `${S3}/lake/wh/ns/t2/data/f.parquet`)).toBe(
      "Refusing to sign: key s3://lake/wh/ns/t2/data/f.parquet is outside this table's location; allowed: s3://lake/wh/ns/t/",
    );
    expect(check('GET', `${S3}/lake/wh/ns/t`)).toContain('outside');
  });

  it('refuses another bucket', () => {
    expect(check('GET', `${S3}/other/wh/ns/t/data/f.parquet`)).toContain(
      's3://other/wh/ns/t/data/f.parquet',
    );
    expect(check('HEAD', `${S3}/other`)).toContain('bucket other holds no location');
  });

  it('refuses a key that escapes with an encoded slash and dot segments', () => {
    expect(check('GET', `${S3}/lake/wh/ns/t/..%2F..%2Fu/secret`)).toContain('".."');
  });

  it('refuses a listing without a prefix, with a foreign one, or one that decodes twice', () => {
    expect(check('GET', `${S3}/lake?list-type=2`)).toContain('needs a prefix');
    expect(check('GET', `${S3}/lake?list-type=2&prefix=wh%2Fns%2F`)).toContain(
      'list prefix s3://lake/wh/ns/',
    );
    expect(check('GET', `${S3}/lake?list-type=2&prefix=wh%2Fns%2Ft`)).toContain('outside');
    expect(check('GET', `${S3}/lake?list-type=2&prefix=wh%2Fns%2Ft%2F..%2Fu%2F`)).toContain('..');
  });

  it('refuses writes with read access', () => {
    expect(check('GET', `${S3}/lake/wh/ns/t/data/f`, READ)).toBeUndefined();
    expect(check('PUT', `${S3}/lake/wh/ns/t/data/f`, READ)).toContain(
      'PutObject needs write access',
    );
    expect(check('DELETE', `${S3}/lake/wh/ns/t/data/f`, READ)).toContain('write access');
    expect(check('POST', `${S3}/lake/wh/ns/t/data/f?uploads`, READ)).toContain('write access');
  });

  it('refuses copies and ACL headers', () => {
    const headers = { 'x-amz-copy-source': '/lake/wh/other/secret' };
    expect(check('PUT', `${S3}/lake/wh/ns/t/data/f`, WRITE, { headers })).toContain(
      'x-amz-copy-source',
    );
    expect(
      check('PUT', `${S3}/lake/wh/ns/t/data/f`, WRITE, {
        headers: { 'x-amz-acl': 'public-read' },
      }),
    ).toContain('x-amz-acl');
  });

  it('refuses DeleteObjects, whose body the signature does not bind on every store', () => {
    expect(check('POST', `${S3}/lake?delete`)).toBe(
      "Refusing to sign: DeleteObjects (bulk delete) cannot be confined to this table's location, as the signature does not bind its body on every S3 store; delete each object under s3://lake/wh/ns/t/ with DeleteObject",
    );
  });
});
