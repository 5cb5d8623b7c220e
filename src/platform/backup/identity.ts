import type { PlatformIdentity } from '../../ops/backup/index.js';
import type { LakehouseValues } from '../config/index.js';
import { lakehouseVersion } from '../paths.js';

/** What a backup records about the platform it comes from, read from the values in effect. */
export async function platformIdentity(
  env: string,
  target: 'local' | 'kubernetes',
  v: LakehouseValues,
): Promise<PlatformIdentity> {
  return {
    env,
    target,
    bucket: v.minio.bucket,
    warehouse: v.icebergCatalog.warehouse,
    catalogDatabase: v.icebergCatalog.database.startsWith('postgres') ? 'postgres' : 'sqlite',
    versions: {
      lakehouse: await lakehouseVersion(),
      minio: v.minio.version,
      trino: v.trino.version,
      airflow: v.airflow.version,
      prometheus: v.observability.prometheus.version,
      alertmanager: v.observability.alertmanager.version,
    },
  };
}
