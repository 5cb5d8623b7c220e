import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CredentialSet } from '../../ops/index.js';

/** One Fernet key: 32 bytes in URL-safe base64 with padding; or several, comma-separated. */
const FERNET_KEYS = /^[A-Za-z0-9_-]{43}=(,[A-Za-z0-9_-]{43}=)*$/;

/** The key Airflow encrypts with: the first of the list. */
export const primaryFernetKey = (keys: string): string => keys.split(',')[0] ?? keys;

/** The list holds older keys that data may still be encrypted with. */
export const hasPreviousFernetKeys = (keys: string): boolean => keys.includes(',');

const airflowSecrets = z.object({
  /** The `admin` user's password (SimpleAuthManager). */
  adminPassword: z.string().min(16),
  /** Signs the API server's JWTs, for users and for task workers alike. */
  jwtSecret: z.string().min(32),
  /** The API server's session secret. */
  apiSecretKey: z.string().min(32),
  /**
   * Encrypts connection passwords and variables in the metadata database. During a rotation a
   * comma-separated list, newest first, as Airflow takes it: it encrypts with the first key and
   * decrypts with any (see `withNewCredentials`).
   */
  fernetKey: z
    .string()
    .regex(FERNET_KEYS, 'one fernet key (44 characters of URL-safe base64), or a comma list'),
});

/** Credentials generated once per installation; never MinIO's defaults, never printed. */
const secretsSchema = z.object({
  minio: z.object({ rootUser: z.string().min(3), rootPassword: z.string().min(16) }),
  airflow: airflowSecrets,
});

/**
 * What may be on disk: installations older than a section lack it, and get it generated on their
 * next read (never regenerated once written: Airflow's database is encrypted with its fernet key).
 */
const storedSchema = secretsSchema.extend({ airflow: airflowSecrets.optional() });

export type PlatformSecrets = z.infer<typeof secretsSchema>;

export function secretsFile(stateDir: string): string {
  return join(stateDir, 'secrets', 'credentials.json');
}

/** Fernet wants exactly 32 bytes in URL-safe base64 with padding. */
function generateFernetKey(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function generateAirflow(): PlatformSecrets['airflow'] {
  return {
    adminPassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(32).toString('base64url'),
    apiSecretKey: randomBytes(32).toString('base64url'),
    fernetKey: generateFernetKey(),
  };
}

function generateMinio(): PlatformSecrets['minio'] {
  return {
    rootUser: `lakehouse-${randomBytes(4).toString('hex')}`,
    rootPassword: randomBytes(24).toString('base64url'),
  };
}

function generate(): PlatformSecrets {
  return { minio: generateMinio(), airflow: generateAirflow() };
}

/**
 * `secrets` with new credentials for one set. Airflow's new fernet key goes in front of the
 * current ones (Airflow's own rotation procedure): its database stays readable while
 * `airflow rotate-fernet-key` re-encrypts it with the new key, and `withoutPreviousFernetKeys`
 * drops the old ones after that.
 */
export function withNewCredentials(secrets: PlatformSecrets, set: CredentialSet): PlatformSecrets {
  if (set === 'minio') return { ...secrets, minio: generateMinio() };
  return {
    ...secrets,
    airflow: {
      ...generateAirflow(),
      fernetKey: `${generateFernetKey()},${secrets.airflow.fernetKey}`,
    },
  };
}

/** `secrets` with only the newest fernet key: once the database was re-encrypted with it. */
export function withoutPreviousFernetKeys(secrets: PlatformSecrets): PlatformSecrets {
  return {
    ...secrets,
    airflow: { ...secrets.airflow, fernetKey: primaryFernetKey(secrets.airflow.fernetKey) },
  };
}

/**
 * The credentials a failed rotation puts back: `previous`, but keeping the rotation's fernet key
 * after the previous ones, since Airflow's database may already be re-encrypted with it (the next
 * start re-encrypts it with the previous key again).
 */
export function withRestoredCredentials(
  previous: PlatformSecrets,
  rotated: PlatformSecrets,
): PlatformSecrets {
  const newKey = primaryFernetKey(rotated.airflow.fernetKey);
  const keys = previous.airflow.fernetKey.split(',');
  if (keys.includes(newKey)) return previous;
  return { ...previous, airflow: { ...previous.airflow, fernetKey: [...keys, newKey].join(',') } };
}

/**
 * Reads the installation's credentials, creating them on first use. The directory is 0700 and the
 * file 0600, written to a temporary name first so a crash never leaves a half-written file.
 */
export async function ensureSecrets(stateDir: string): Promise<PlatformSecrets> {
  const file = secretsFile(stateDir);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text !== undefined) {
    const parsed = storedSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(
        `${file} is not a valid credentials file; restore it from a backup (data written with the old credentials needs them)`,
      );
    }
    await chmod(file, 0o600);
    if (parsed.data.airflow) return { ...parsed.data, airflow: parsed.data.airflow };
    // An installation from before Airflow: keep every existing secret, add the new section.
    const upgraded: PlatformSecrets = { ...parsed.data, airflow: generateAirflow() };
    await writeSecrets(stateDir, upgraded);
    return upgraded;
  }
  const secrets = generate();
  await writeSecrets(stateDir, secrets);
  return secrets;
}

/** Replaces the credentials file (0600 in a 0700 directory), atomically. */
export async function writeSecrets(stateDir: string, secrets: PlatformSecrets): Promise<void> {
  const file = secretsFile(stateDir);
  await mkdir(join(stateDir, 'secrets'), { recursive: true, mode: 0o700 });
  await chmod(join(stateDir, 'secrets'), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/**
 * The console's bearer token: in its own file beside the credentials, so the console process
 * reads only what it needs. Nothing is encrypted with it, so a lost file is simply regenerated.
 */
export function consoleTokenFile(stateDir: string): string {
  return join(stateDir, 'secrets', 'console-token');
}

/** Reads the console's token, creating it (0600 in the 0700 secrets directory) on first use. */
export async function ensureConsoleToken(stateDir: string): Promise<string> {
  const file = consoleTokenFile(stateDir);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const existing = text?.trim();
  if (existing && /^[A-Za-z0-9_-]{32,}$/.test(existing)) {
    await chmod(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  await mkdir(join(stateDir, 'secrets'), { recursive: true, mode: 0o700 });
  await chmod(join(stateDir, 'secrets'), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${token}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return token;
}
