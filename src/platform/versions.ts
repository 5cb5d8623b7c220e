/**
 * Every version the platform pins, in one place. Installers and charts read them from here.
 *
 * MinIO: the community edition is source-only and archived. The module proxy serves its final
 * commit of the archived repository (2026-02-12, after RELEASE.2025-10-15T17-29-55Z), so that is
 * the pseudo-version we build with `go install`.
 */
export const versions = {
  minio: {
    module: 'github.com/minio/minio',
    version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
  },
  mc: {
    module: 'github.com/minio/mc',
    version: 'v0.0.0-20250313080218-cf909e1063a9',
  },
  python: {
    pyiceberg: '0.12.0',
    pyarrow: '22.0.0',
    // pyiceberg computes the day/month/year/hour/bucket transforms of Arrow data with it when
    // writing to a partitioned table; 0.12.0 requires >=0.10.1,<0.11.
    pyicebergCore: '0.10.1',
  },
} as const;

export type Versions = typeof versions;
