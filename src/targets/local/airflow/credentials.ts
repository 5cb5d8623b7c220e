import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AIRFLOW_ADMIN_USER } from './config.js';

/**
 * Writes the admin password into SimpleAuthManager's passwords file (`{"admin": "…"}`), 0600 in
 * the 0700 secrets directory. Airflow generates and *prints* a password for any user missing from
 * that file, so the file must hold ours before the API server first starts. Rewritten only when
 * it differs, so a running API server never sees it change underneath.
 */
export async function writeAdminCredentials(file: string, password: string): Promise<void> {
  const text = `${JSON.stringify({ [AIRFLOW_ADMIN_USER]: password })}\n`;
  const current = await readFile(file, 'utf8').catch(() => undefined);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  if (current !== text) {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
  }
  await chmod(file, 0o600);
}

/** Reads the admin user and password back (for clients and tests); never logged. */
export async function readAdminCredentials(
  file: string,
): Promise<{ username: string; password: string }> {
  const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const password = parsed[AIRFLOW_ADMIN_USER];
  if (typeof password !== 'string')
    throw new Error(`${file} holds no password for ${AIRFLOW_ADMIN_USER}`);
  return { username: AIRFLOW_ADMIN_USER, password };
}
