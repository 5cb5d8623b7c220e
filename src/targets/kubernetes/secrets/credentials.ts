/**
 * New credentials for the Secrets the charts generate, as pure transformations of a Secret's
 * `data` (base64 values, as the API holds them). The shapes follow the charts' generators
 * (platform/minio/templates/secret.yaml, platform/airflow/templates/secret.yaml), from a
 * cryptographic source; the rotation semantics follow the local target's (src/targets/local/secrets.ts).
 */
import { randomBytes } from 'node:crypto';

/** A Secret's `data`: key → base64 value. */
export type SecretData = Record<string, string>;

export const MINIO_SECRET = 'minio-credentials';
export const AIRFLOW_SECRET = 'airflow-secrets';

export const MINIO_KEYS = { user: 'root-user', password: 'root-password' } as const;
export const AIRFLOW_KEYS = {
  fernet: 'fernet-key',
  apiSecret: 'api-secret-key',
  jwtSecret: 'jwt-secret',
  adminPassword: 'admin-password',
  passwordsFile: 'passwords.json',
} as const;

/** The admin user of SimpleAuthManager (AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS). */
export const AIRFLOW_ADMIN_USER = 'admin';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
export function randomString(length: number, alphabet: string = ALNUM): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

export const encode = (value: string): string => Buffer.from(value, 'utf8').toString('base64');
export const decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8');

/** Fernet wants 32 bytes in URL-safe base64 with padding (44 characters). */
export function generateFernetKey(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The keys a Secret must hold before it can be rotated; names the missing ones (never values). */
export function missingKeys(data: SecretData, keys: readonly string[]): string[] {
  return keys.filter((k) => typeof data[k] !== 'string' || data[k] === '');
}

/**
 * New MinIO root credentials: a new user and a new password, as the local target rotates both
 * (the previous access key then stops existing). Other keys stay.
 */
export function rotatedMinioData(current: SecretData): SecretData {
  return {
    ...current,
    [MINIO_KEYS.user]: encode(`lakehouse-${randomString(8, LOWER_ALNUM)}`),
    [MINIO_KEYS.password]: encode(randomString(40)),
  };
}

/** The fernet keys of an Airflow Secret's data, newest first. */
export const fernetKeys = (data: SecretData): string[] =>
  decode(data[AIRFLOW_KEYS.fernet] ?? '')
    .split(',')
    .filter((k) => k !== '');

/** SimpleAuthManager's passwords file for the admin password. */
const passwordsFile = (password: string): string =>
  encode(JSON.stringify({ [AIRFLOW_ADMIN_USER]: password }));

/**
 * New Airflow secrets: admin password (and its passwords file), API secret key and JWT secret;
 * a new fernet key goes in front of the previous ones, so Airflow still decrypts what the
 * previous key encrypted until the database is re-encrypted and `retiredAirflowData` drops them.
 */
export function rotatedAirflowData(current: SecretData): SecretData {
  const password = randomString(32);
  return {
    ...current,
    [AIRFLOW_KEYS.fernet]: encode([generateFernetKey(), ...fernetKeys(current)].join(',')),
    [AIRFLOW_KEYS.apiSecret]: encode(randomString(48)),
    [AIRFLOW_KEYS.jwtSecret]: encode(randomString(48)),
    [AIRFLOW_KEYS.adminPassword]: encode(password),
    [AIRFLOW_KEYS.passwordsFile]: passwordsFile(password),
  };
}

/**
 * What a failed Airflow rotation puts back: the previous data, but keeping the rotation's fernet
 * key after the previous ones, since the database may already be re-encrypted with it.
 */
export function restoredAirflowData(previous: SecretData, rotated: SecretData): SecretData {
  const newKey = fernetKeys(rotated)[0];
  const keys = fernetKeys(previous);
  if (newKey === undefined || keys.includes(newKey)) return previous;
  return { ...previous, [AIRFLOW_KEYS.fernet]: encode([...keys, newKey].join(',')) };
}

/** Only the newest fernet key: once the database was re-encrypted with it. */
export function retiredAirflowData(current: SecretData): SecretData {
  const newest = fernetKeys(current)[0];
  if (newest === undefined) return current;
  return { ...current, [AIRFLOW_KEYS.fernet]: encode(newest) };
}
