import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSecrets, secretsFile } from '../../../../../src/targets/local/secrets.js';

describe("ensureSecrets' airflow section", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates it with a valid fernet key on a new installation, stable on the next read', async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    const first = await ensureSecrets(dir);
    expect(Buffer.from(first.airflow.fernetKey, 'base64url')).toHaveLength(32);
    expect(first.airflow.fernetKey).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(first.airflow.adminPassword.length).toBeGreaterThanOrEqual(16);
    expect(await ensureSecrets(dir)).toEqual(first);
  });

  it('adds it to an installation from before Airflow, keeping the MinIO credentials', async () => {
    dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    const file = secretsFile(dir);
    await mkdir(join(dir, 'secrets'), { recursive: true });
    const minio = { rootUser: 'lakehouse-abcd', rootPassword: 'x'.repeat(32) };
    await writeFile(file, JSON.stringify({ minio }), { mode: 0o600 });
    const upgraded = await ensureSecrets(dir);
    expect(upgraded.minio).toEqual(minio);
    expect(upgraded.airflow.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(upgraded);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
