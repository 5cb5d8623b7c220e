/**
 * A credential rotation on the local platform: the new credentials go into the secrets file (what
 * every process spec and config file is rendered from), and the owner is asked whether it still
 * takes the previous ones.
 */
import { ListObjectsV2Command, S3ServiceException } from '@aws-sdk/client-s3';
import type { LakehouseValues } from '../../../platform/config/index.js';
import type { CredentialSet, RotatedCredentials, Verification } from '../../../ops/index.js';
import { AIRFLOW_ADMIN_USER } from '../airflow/index.js';
import { localMinioClient } from '../../../platform/minio/index.js';
import { AirflowApiError, AirflowClient } from '../airflow/client.js';
import {
  ensureSecrets,
  withNewCredentials,
  withoutPreviousFernetKeys,
  withRestoredCredentials,
  writeSecrets,
  type PlatformSecrets,
} from '../secrets.js';

/** Stores new credentials for `set`; the handle can put the previous ones back. */
export async function rotateStoredCredentials(
  stateDir: string,
  set: CredentialSet,
  values: () => LakehouseValues,
): Promise<RotatedCredentials> {
  const previous = await ensureSecrets(stateDir);
  const next = withNewCredentials(previous, set);
  await writeSecrets(stateDir, next);
  return {
    restore: () => writeSecrets(stateDir, withRestoredCredentials(previous, next)),
    ...(set === 'airflow'
      ? {
          // Every Airflow start re-encrypts its database with the newest key while older ones are
          // listed (prepareAirflowDatabase); after the restart they can go.
          retirePrevious: async () => {
            await writeSecrets(stateDir, withoutPreviousFernetKeys(await ensureSecrets(stateDir)));
            return 'database re-encrypted with the new fernet key; the previous key dropped';
          },
        }
      : {}),
    previousRefused: () =>
      set === 'minio'
        ? minioRefuses(values(), previous.minio)
        : airflowRefuses(values(), previous.airflow.adminPassword, next.airflow.adminPassword),
  };
}

async function minioRefuses(
  values: LakehouseValues,
  old: PlatformSecrets['minio'],
): Promise<Verification> {
  const s3 = localMinioClient(values.minio.ports.api, old, { maxAttempts: 1 });
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: values.minio.bucket, MaxKeys: 1 }));
    return { ok: false, detail: 'MinIO still accepts the previous access key' };
  } catch (err) {
    if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 403) {
      return { ok: true, detail: `MinIO refuses the previous access key (${err.name})` };
    }
    return {
      ok: false,
      detail: `asking MinIO with the previous access key failed otherwise: ${(err as Error).message}`,
    };
  } finally {
    s3.destroy();
  }
}

async function airflowRefuses(
  values: LakehouseValues,
  oldPassword: string,
  newPassword: string,
): Promise<Verification> {
  const baseUrl = `http://127.0.0.1:${values.airflow.port}`;
  const login = (password: string) =>
    new AirflowClient({ baseUrl, username: AIRFLOW_ADMIN_USER, password }).login();
  try {
    await login(newPassword);
  } catch (err) {
    return {
      ok: false,
      detail: `admin cannot sign in with the new password: ${(err as Error).message}`,
    };
  }
  try {
    await login(oldPassword);
    return { ok: false, detail: 'Airflow still accepts the previous admin password' };
  } catch (err) {
    if (err instanceof AirflowApiError && err.status === 401) {
      return {
        ok: true,
        detail: 'admin signs in with the new password; the previous one is refused (401)',
      };
    }
    return {
      ok: false,
      detail: `signing in with the previous password failed otherwise: ${(err as Error).message}`,
    };
  }
}
