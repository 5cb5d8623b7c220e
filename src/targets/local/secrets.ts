import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Credentials generated once per installation; never MinIO's defaults, never printed. */
const secretsSchema = z.object({
  minio: z.object({ rootUser: z.string().min(3), rootPassword: z.string().min(16) }),
});

export type PlatformSecrets = z.infer<typeof secretsSchema>;

export function secretsFile(stateDir: string): string {
  return join(stateDir, 'secrets', 'credentials.json');
}

function generate(): PlatformSecrets {
  return {
    minio: {
      rootUser: `lakehouse-${randomBytes(4).toString('hex')}`,
      rootPassword: randomBytes(24).toString('base64url'),
    },
  };
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
    const parsed = secretsSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(
        `${file} is not a valid credentials file; restore it from a backup (data written with the old credentials needs them)`,
      );
    }
    await chmod(file, 0o600);
    return parsed.data;
  }
  const secrets = generate();
  await mkdir(join(stateDir, 'secrets'), { recursive: true, mode: 0o700 });
  await chmod(join(stateDir, 'secrets'), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return secrets;
}
