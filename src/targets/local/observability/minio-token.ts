import { createHmac } from 'node:crypto';

/** What `mc admin prometheus generate` uses: the token lives for 100 years. */
const EXPIRY_SECONDS = 100 * 365 * 24 * 3600;

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * MinIO's Prometheus bearer token, as `mc admin prometheus generate` makes it: a JWT signed with
 * HS512 by the secret key, whose subject is the access key and issuer `prometheus`. MinIO checks
 * the signature against the credentials of the subject. Pure (the clock is an argument).
 */
export function minioPrometheusToken(
  accessKey: string,
  secretKey: string,
  nowSeconds: number,
): string {
  const header = b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const claims = b64url(
    JSON.stringify({ exp: nowSeconds + EXPIRY_SECONDS, sub: accessKey, iss: 'prometheus' }),
  );
  const signature = createHmac('sha512', secretKey).update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${b64url(signature)}`;
}

/**
 * True when `token` is a MinIO Prometheus token for these credentials that is still valid for a
 * year: `up` keeps such a token instead of writing a new one every time.
 */
export function minioTokenValid(
  token: string,
  accessKey: string,
  secretKey: string,
  nowSeconds: number,
): boolean {
  const [header, claims, signature] = token.trim().split('.');
  if (!header || !claims || !signature) return false;
  const expected = createHmac('sha512', secretKey).update(`${header}.${claims}`).digest();
  if (b64url(expected) !== signature) return false;
  try {
    const c = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as {
      sub?: unknown;
      exp?: unknown;
    };
    return c.sub === accessKey && typeof c.exp === 'number' && c.exp > nowSeconds + 365 * 24 * 3600;
  } catch {
    return false;
  }
}
