import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CredentialSet } from '../../ops/index.js';

const airflowSecrets = z.object({
  /** The `admin` user's password (SimpleAuthManager). */
  adminPassword: z.string().min(16),
  /** Signs the API server's JWTs, for users and for task workers alike. */
  jwtSecret: z.string().min(32),
  /** The API server's session secret. */
  apiSecretKey: z.string().min(32),
  /** Encrypts connection passwords and variables in the metadata database. */
  fernetKey: z.string().length(44),
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

function generateAirflow(): PlatformSecrets['airflow'] {
  return {
    adminPassword: randomBytes(18).toString('base64url'),
    jwtSecret: randomBytes(32).toString('base64url'),
    apiSecretKey: randomBytes(32).toString('base64url'),
    // Fernet wants exactly 32 bytes in URL-safe base64 with padding.
    fernetKey: randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
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
 * `secrets` with new credentials for one set. Airflow's fernet key stays: it encrypts the
 * connections and variables in Airflow's database, which a new key could no longer read.
 */
export function withNewCredentials(secrets: PlatformSecrets, set: CredentialSet): PlatformSecrets {
  if (set === 'minio') return { ...secrets, minio: generateMinio() };
  return { ...secrets, airflow: { ...generateAirflow(), fernetKey: secrets.airflow.fernetKey } };
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
