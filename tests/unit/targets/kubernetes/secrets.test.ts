import { describe, expect, it } from 'vitest';
import type { RotationJournal } from '../../../../src/ops/index.js';
// The pure parts, imported past the index (which also loads the API client).
import {
  AIRFLOW_KEYS,
  decode,
  encode,
  fernetKeys,
  MINIO_KEYS,
  missingKeys,
  randomString,
  restoredAirflowData,
  retiredAirflowData,
  rotatedAirflowData,
  rotatedMinioData,
  type SecretData,
} from '../../../../src/targets/kubernetes/secrets/credentials.js';
import {
  parseJournal,
  runnerAlive,
  serializeJournal,
} from '../../../../src/targets/kubernetes/secrets/journal.js';
import { serviceProxyUrl } from '../../../../src/targets/kubernetes/secrets/proxy.js';
import { presignedQuery, uriEncode } from '../../../../src/targets/kubernetes/secrets/sigv4.js';

const FERNET = /^[A-Za-z0-9_-]{43}=$/;

/** Airflow's Secret as the chart generates it (the fernet key from 32 alphanumerics). */
function chartAirflowData(): SecretData {
  const password = randomString(32);
  return {
    [AIRFLOW_KEYS.fernet]: encode(Buffer.from(randomString(32)).toString('base64')),
    [AIRFLOW_KEYS.apiSecret]: encode(randomString(48)),
    [AIRFLOW_KEYS.jwtSecret]: encode(randomString(48)),
    [AIRFLOW_KEYS.adminPassword]: encode(password),
    [AIRFLOW_KEYS.passwordsFile]: encode(JSON.stringify({ admin: password })),
  };
}

describe('randomString', () => {
  it('draws the requested length from the alphabet only', () => {
    const s = randomString(4000, 'ab');
    expect(s).toHaveLength(4000);
    expect(s).toMatch(/^[ab]+$/);
    // Both letters appear about equally (rejection sampling, no modulo bias).
    const as = [...s].filter((c) => c === 'a').length;
    expect(as).toBeGreaterThan(1700);
    expect(as).toBeLessThan(2300);
  });

  it('differs between calls', () => {
    expect(randomString(40)).not.toBe(randomString(40));
  });
});

describe("MinIO's root credentials", () => {
  const current: SecretData = {
    [MINIO_KEYS.user]: encode('lakehouse-abcd1234'),
    [MINIO_KEYS.password]: encode('x'.repeat(40)),
    other: encode('kept'),
  };

  it("get a new user and password in the chart's shapes, other keys kept", () => {
    const next = rotatedMinioData(current);
    expect(decode(next[MINIO_KEYS.user] ?? '')).toMatch(/^lakehouse-[a-z0-9]{8}$/);
    expect(decode(next[MINIO_KEYS.password] ?? '')).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(next[MINIO_KEYS.user]).not.toBe(current[MINIO_KEYS.user]);
    expect(next[MINIO_KEYS.password]).not.toBe(current[MINIO_KEYS.password]);
    expect(next.other).toBe(current.other);
    // The input is not changed.
    expect(decode(current[MINIO_KEYS.user] ?? '')).toBe('lakehouse-abcd1234');
  });

  it('names missing keys (never values)', () => {
    expect(missingKeys({ [MINIO_KEYS.user]: encode('u') }, Object.values(MINIO_KEYS))).toEqual([
      MINIO_KEYS.password,
    ]);
    expect(missingKeys(current, Object.values(MINIO_KEYS))).toEqual([]);
  });
});

describe("Airflow's secrets", () => {
  it('get a new password (and passwords file), API secrets, and a new fernet key in front', () => {
    const previous = chartAirflowData();
    const next = rotatedAirflowData(previous);
    for (const key of [
      AIRFLOW_KEYS.apiSecret,
      AIRFLOW_KEYS.jwtSecret,
      AIRFLOW_KEYS.adminPassword,
      AIRFLOW_KEYS.passwordsFile,
    ]) {
      expect(next[key], key).not.toBe(previous[key]);
    }
    const password = decode(next[AIRFLOW_KEYS.adminPassword] ?? '');
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(JSON.parse(decode(next[AIRFLOW_KEYS.passwordsFile] ?? ''))).toEqual({
      admin: password,
    });
    expect(decode(next[AIRFLOW_KEYS.apiSecret] ?? '')).toMatch(/^[A-Za-z0-9]{48}$/);
    const keys = fernetKeys(next);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(FERNET);
    expect(Buffer.from(keys[0] ?? '', 'base64url')).toHaveLength(32);
    expect(keys[1]).toBe(fernetKeys(previous)[0]);
  });

  it('a restore puts the previous data back, keeping the new fernet key last', () => {
    const previous = chartAirflowData();
    const next = rotatedAirflowData(previous);
    const restored = restoredAirflowData(previous, next);
    expect({ ...restored, [AIRFLOW_KEYS.fernet]: '' }).toEqual({
      ...previous,
      [AIRFLOW_KEYS.fernet]: '',
    });
    expect(fernetKeys(restored)).toEqual([fernetKeys(previous)[0], fernetKeys(next)[0]]);
    // Restoring twice changes nothing more.
    expect(restoredAirflowData(restored, next)).toEqual(restored);
  });

  it('retiring keeps only the newest fernet key', () => {
    const next = rotatedAirflowData(chartAirflowData());
    const retired = retiredAirflowData(next);
    expect(fernetKeys(retired)).toEqual([fernetKeys(next)[0]]);
    expect({ ...retired, [AIRFLOW_KEYS.fernet]: '' }).toEqual({
      ...next,
      [AIRFLOW_KEYS.fernet]: '',
    });
    expect(retiredAirflowData(retired)).toEqual(retired);
  });
});

describe('SigV4 presigning', () => {
  it("matches AWS's documented presigned URL example", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const query = presignedQuery({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      date: new Date('2013-05-24T00:00:00Z'),
      expiresSeconds: 86400,
    });
    expect(query).toBe(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });

  it('signs the host: another host gives another signature', () => {
    const sign = (host: string): string =>
      presignedQuery({
        method: 'GET',
        host,
        path: '/',
        region: 'us-east-1',
        accessKeyId: 'a',
        secretAccessKey: 'b',
        date: new Date('2026-01-01T00:00:00Z'),
        expiresSeconds: 60,
      });
    expect(sign('127.0.0.1:6443')).not.toBe(sign('10.0.0.1:9000'));
  });

  it('encodes as RFC 3986 wants', () => {
    expect(uriEncode("a b/c!'()*~")).toBe('a%20b%2Fc%21%27%28%29%2A~');
  });
});

describe('the service proxy URL', () => {
  it('addresses a Service port under the API server, keeping a path prefix of the server', () => {
    expect(
      serviceProxyUrl('https://10.0.0.1:6443/', 'lakehouse-platform', 'minio:9000', '', 'a=1').href,
    ).toBe(
      'https://10.0.0.1:6443/api/v1/namespaces/lakehouse-platform/services/minio%3A9000/proxy/?a=1',
    );
    expect(
      serviceProxyUrl(
        'https://rancher/k8s/clusters/c-1',
        'ns',
        'airflow-webserver:8080',
        'auth/token',
      ).pathname,
    ).toBe(
      '/k8s/clusters/c-1/api/v1/namespaces/ns/services/airflow-webserver%3A8080/proxy/auth/token',
    );
  });
});

describe('the rotation journal', () => {
  const journal: RotationJournal = {
    set: 'minio',
    startedAt: '2026-01-01T00:00:00.000Z',
    holders: ['minio', 'iceberg-catalog', 'trino', 'observability'],
    restarted: ['minio'],
  };

  it('round-trips with who runs it', () => {
    const text = serializeJournal(journal, { host: 'laptop', pid: 42 });
    expect(JSON.parse(text)).toMatchObject({ version: 1, host: 'laptop', pid: 42 });
    expect(parseJournal(text, 'key rotation', () => false)).toEqual({ ...journal, running: false });
    expect(parseJournal(text, 'key rotation', (r) => r.pid === 42)).toEqual({
      ...journal,
      running: true,
    });
  });

  it('refuses what is not a journal, naming where it is', () => {
    expect(() => parseJournal('{"set":"nope"}', 'key rotation of X', () => true)).toThrow(
      /key rotation of X is not a rotation journal/,
    );
    expect(() => parseJournal('not json', 'key rotation', () => true)).toThrow(/not a rotation/);
    const bad = JSON.parse(serializeJournal(journal, { host: 'h', pid: 1 })) as object;
    expect(() =>
      parseJournal(JSON.stringify({ ...bad, holders: ['mysql'] }), 'k', () => true),
    ).toThrow();
  });

  it('a runner is alive when it is this process, or on another machine (unknowable there)', () => {
    const self = { host: 'here', pid: process.pid };
    expect(runnerAlive({ host: 'here', pid: process.pid }, self)).toBe(true);
    expect(runnerAlive({ host: 'elsewhere', pid: 999_999_999 }, self)).toBe(true);
    // A pid no process has on this machine: the command died.
    expect(runnerAlive({ host: 'here', pid: 999_999_999 }, self)).toBe(false);
  });
});
