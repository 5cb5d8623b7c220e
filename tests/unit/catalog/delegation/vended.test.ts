import { describe, expect, it } from 'vitest';
import type { TableAccessRequest } from '../../../../src/catalog/delegation/index.js';
import type { assumeRole, TemporaryCredentials } from '../../../../src/catalog/delegation/sts.js';
import { StsError } from '../../../../src/catalog/delegation/sts.js';
import { VendedCredentialsProvider } from '../../../../src/catalog/delegation/vended.js';
import { ServiceUnavailableError } from '../../../../src/catalog/errors.js';

const sts = {
  endpoint: 'http://127.0.0.1:9000',
  region: 'us-east-1',
  accessKeyId: 'root',
  secretAccessKey: 'root-secret',
};

function request(location: string, access: 'read' | 'write' = 'write'): TableAccessRequest {
  return {
    warehouse: { name: 'default', location: 's3://bkt/wh' },
    namespace: ['ns'],
    table: 't',
    location,
    access,
    catalogUri: 'http://127.0.0.1:8181',
  };
}

/** A fake STS: numbered keys, valid for the duration asked from the fake clock's now. */
function fakeSts(clock: { now: number }) {
  const calls: Array<{ policy: string; duration: number }> = [];
  let fail: Error | undefined;
  const assume: typeof assumeRole = async (_sts, policy, duration) => {
    if (fail) throw fail;
    calls.push({ policy, duration });
    const n = calls.length;
    const creds: TemporaryCredentials = {
      accessKeyId: `AK${n}`,
      secretAccessKey: `SK${n}`,
      sessionToken: `TOK${n}`,
      expiresAtMs: clock.now + duration * 1000,
    };
    return creds;
  };
  return { assume, calls, failWith: (err: Error | undefined) => (fail = err) };
}

describe('VendedCredentialsProvider', () => {
  it('returns the keys in storage-credentials for the table prefix and in config', async () => {
    const clock = { now: 1_000_000 };
    const fake = fakeSts(clock);
    const provider = new VendedCredentialsProvider({
      sts,
      pathStyle: true,
      assume: fake.assume,
      now: () => clock.now,
    });
    const grant = await provider.grant(request('s3://bkt/wh/ns/t'));
    const config = {
      's3.access-key-id': 'AK1',
      's3.secret-access-key': 'SK1',
      's3.session-token': 'TOK1',
      's3.session-token-expires-at-ms': String(1_000_000 + 3600 * 1000),
      'client.region': 'us-east-1',
      's3.endpoint': 'http://127.0.0.1:9000',
      's3.path-style-access': 'true',
    };
    expect(grant).toEqual({ config, storageCredentials: [{ prefix: 's3://bkt/wh/ns/t', config }] });
    expect(fake.calls[0]!.duration).toBe(3600);
    expect(fake.calls[0]!.policy).toContain('arn:aws:s3:::bkt/wh/ns/t/*');
  });

  it('caches per (prefix, access) until five minutes before expiry', async () => {
    const clock = { now: 0 };
    const fake = fakeSts(clock);
    const provider = new VendedCredentialsProvider({
      sts,
      pathStyle: true,
      durationSeconds: 900,
      assume: fake.assume,
      now: () => clock.now,
    });
    const key = async (location: string, access: 'read' | 'write' = 'write') =>
      (await provider.grant(request(location, access))).config['s3.access-key-id'];
    expect(await key('s3://bkt/wh/ns/t')).toBe('AK1');
    expect(await key('s3://bkt/wh/ns/t')).toBe('AK1');
    expect(await key('s3://bkt/wh/ns/t', 'read')).toBe('AK2');
    expect(await key('s3://bkt/wh/ns/u')).toBe('AK3');
    clock.now = (900 - 301) * 1000;
    expect(await key('s3://bkt/wh/ns/t')).toBe('AK1');
    clock.now = (900 - 299) * 1000;
    expect(await key('s3://bkt/wh/ns/t')).toBe('AK4');
    expect(fake.calls).toHaveLength(4);
  });

  it('shares one STS call between concurrent loads of the same table', async () => {
    const clock = { now: 0 };
    const fake = fakeSts(clock);
    const provider = new VendedCredentialsProvider({
      sts,
      pathStyle: true,
      assume: fake.assume,
      now: () => clock.now,
    });
    await Promise.all([1, 2, 3].map(() => provider.grant(request('s3://bkt/wh/ns/t'))));
    expect(fake.calls).toHaveLength(1);
  });

  it('answers an STS failure with a 503 naming MinIO, and asks again next time', async () => {
    const clock = { now: 0 };
    const fake = fakeSts(clock);
    const provider = new VendedCredentialsProvider({ sts, pathStyle: true, assume: fake.assume });
    fake.failWith(new StsError('cannot reach http://127.0.0.1:9000: ECONNREFUSED', 'Unreachable'));
    const failed = provider.grant(request('s3://bkt/wh/ns/t'));
    await expect(failed).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(failed).rejects.toThrow(
      /MinIO's STS at http:\/\/127.0.0.1:9000 failed \(cannot reach/,
    );
    await expect(failed).rejects.toThrow(/lakehouse logs minio/);
    fake.failWith(undefined);
    const grant = await provider.grant(request('s3://bkt/wh/ns/t'));
    expect(grant.config['s3.access-key-id']).toBe('AK1');
  });

  it('refuses a location no policy can name, before calling STS', async () => {
    const fake = fakeSts({ now: 0 });
    const provider = new VendedCredentialsProvider({ sts, pathStyle: true, assume: fake.assume });
    await expect(provider.grant(request('s3://bkt/wh/*'))).rejects.toThrow(/policy cannot name/);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([899, 43_201, 1000.5])('refuses a duration of %s seconds', (durationSeconds) => {
    expect(() => new VendedCredentialsProvider({ sts, pathStyle: true, durationSeconds })).toThrow(
      /from 900 to 43200/,
    );
  });
});
