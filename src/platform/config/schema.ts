import { z } from 'zod';
import { versions } from '../versions.js';

/**
 * The schema of `env/<env>/helm-values.yaml`: one shape for every environment, read by the local
 * target and (later) by the Helm charts under `platform/<component>/`, so a key means the same
 * thing everywhere. Every field except `global.target` has a default, so an environment file only
 * states what differs.
 *
 * Each constraint's error message is the "allowed" text a user sees ("an integer from 0 to 64"):
 * `load.ts` turns zod's issues into problems that name the file, the key, that text and a fix.
 */

// --- field helpers: each one's message says what is allowed, in the user's words -------------

function intIn(min: number, max: number, what = 'an integer'): z.ZodInt {
  const allowed = `${what} from ${min} to ${max}`;
  return z.int({ error: allowed }).min(min, { error: allowed }).max(max, { error: allowed });
}

const port = (): z.ZodInt => intIn(1024, 65535, 'a TCP port: an integer');

function pattern(re: RegExp, allowed: string): z.ZodString {
  return z.string({ error: allowed }).regex(re, { error: allowed });
}

/** A JVM heap size as `-Xmx` takes it. */
const heap = (): z.ZodString =>
  pattern(
    /^[1-9]\d*[MG]$/,
    'a JVM heap size: a whole number of megabytes or gigabytes, like 512M or 2G',
  );

/** A Trino data size (`query.max-memory`). */
const dataSize = (): z.ZodString =>
  pattern(/^\d+(\.\d+)?(B|kB|MB|GB|TB)$/, 'a Trino data size, like 512MB or 4GB');

/** A Prometheus duration: one or more `<number><unit>` parts. */
const duration = (): z.ZodString =>
  pattern(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a duration like 30s, 15m, 12h, 7d or 2w');

/** Kubernetes resource quantities, validated so a typo fails here and not in the API server. */
const cpu = (): z.ZodString =>
  pattern(/^(\d+(\.\d+)?|\d+m)$/, 'a Kubernetes CPU quantity, like 500m or 2');
const memory = (): z.ZodString =>
  pattern(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'a Kubernetes memory quantity, like 512Mi or 4Gi');

function strict<T extends z.ZodRawShape>(shape: T): z.ZodObject<T, z.core.$strict> {
  return z.strictObject(shape, { error: 'a map of the keys listed in the schema' });
}

const resourceList = strict({ cpu: cpu().optional(), memory: memory().optional() });

/** Kubernetes `resources:` (requests and limits). Ignored by the local target. */
const resources = strict({
  requests: resourceList.optional(),
  limits: resourceList.optional(),
}).prefault({});

/** Kubernetes volume claim. Ignored by the local target, which keeps data under the state dir. */
function persistence(size: string) {
  return strict({
    size: memory().default(size),
    storageClass: z.string({ error: 'a StorageClass name' }).optional(),
  }).prefault({});
}

const bool = (): z.ZodBoolean => z.boolean({ error: 'true or false' });

/**
 * A container image for the Kubernetes target (ignored locally). References carry no registry
 * host: `global.imageRegistry` prefixes every image, so a mirror is one setting.
 */
function image(repository: string, tag: string) {
  return strict({
    // The registry of this image alone; "" takes global.imageRegistry (Docker Hub when both are "").
    registry: pattern(
      /^([a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*)?$/,
      'a registry host[:port][/path], or "" for global.imageRegistry',
    ).default(''),
    repository: pattern(
      /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
      'an image repository without a registry host, like trinodb/trino',
    ).default(repository),
    // "" means the component's own version (trino.version, airflow.version).
    tag: pattern(/^([\w][\w.-]{0,127})?$/, 'an image tag like 476, or "" for the version').default(
      tag,
    ),
    // Pins the image to exact bytes; the tag is then only informative.
    digest: pattern(/^(sha256:[a-f0-9]{64})?$/, '"" or sha256:<64 hex digits>').default(''),
    pullPolicy: z
      .enum(['IfNotPresent', 'Always', 'Never'], { error: 'IfNotPresent, Always or Never' })
      .default('IfNotPresent'),
  }).prefault({});
}

// --- the values file ----------------------------------------------------------------------

const global = strict({
  namespace: pattern(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'a Kubernetes namespace name: lower-case letters, digits and "-", at most 63 characters',
  ).default('lakehouse-platform'),
  target: z.enum(['local', 'kubernetes'], { error: '"local" or "kubernetes"' }),
  // --- Kubernetes only (ignored by the local target) ---
  // The environment's own name, its folder under env/: a chart sees only the merged values, not
  // the file they came from, yet ArgoCD's Applications must name `env/<environment>/
  // helm-values.yaml` and Prometheus labels every series `lakehouse_env`. "" until the
  // environment file sets it (platform/argocd then refuses to render).
  environment: pattern(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$/,
    'an environment name like dev (its folder under env/), or ""',
  ).default(''),
  // Prefixed to every image, e.g. a registry mirror `registry.example.com:5000`; "" for none.
  imageRegistry: pattern(
    /^([a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*)?$/,
    'a registry host[:port][/path], or "" for none',
  ).default(''),
  imagePullSecrets: z
    .array(pattern(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Secret name'), {
      error: 'a list of Secret names',
    })
    .default([]),
  // StorageClass of every volume claim that does not name its own; unset: the cluster default.
  storageClass: z.string({ error: 'a StorageClass name' }).optional(),
  // NetworkPolicies that let each component take traffic only from those that need it.
  networkPolicy: strict({ enabled: bool().default(true) }).prefault({}),
  // How far a release's health gate goes: `traffic` = rollouts done, Services with ready
  // endpoints, and the runbook's HTTP check of each component through the API server's service
  // proxy; `rollout` stops before the HTTP check, for clusters whose pods run no containers (kwok).
  verify: z.enum(['traffic', 'rollout'], { error: '"traffic" or "rollout"' }).default('traffic'),
});

const minio = strict({
  enabled: bool().default(true),
  version: pattern(/^\S+$/, 'a Go module version of github.com/minio/minio').default(
    versions.minio.version,
  ),
  ports: strict({ api: port().default(9000), console: port().default(9001) }).prefault({}),
  bucket: pattern(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'an S3 bucket name: 3 to 63 lower-case letters, digits, "." or "-"',
  ).default('warehouse'),
  resources,
  persistence: persistence('50Gi'),
  image: image('minio/minio', 'RELEASE.2025-10-15T17-29-55Z'),
});

const icebergCatalog = strict({
  enabled: bool().default(true),
  port: port().default(8181),
  warehouse: pattern(
    /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?|file:\/\/\/\S*)$/,
    'an s3://<bucket>/<prefix> or file:///<absolute path> location',
  ).default('s3://warehouse/lakehouse'),
  database: pattern(
    /^(sqlite(:\S+)?|postgres(ql)?:\/\/\S+)$/,
    '"sqlite" (a file under the state directory), "sqlite:<path>" or a postgres://user@host:port/db URL',
  ).default('sqlite'),
  replicas: intIn(1, 10).default(1),
  resources,
  // SQLite lives on this volume in Kubernetes (one replica); PostgreSQL needs none.
  persistence: persistence('5Gi'),
  image: image('lakehouse/iceberg-catalog', '0.1.0'),
});

// The platform's own PostgreSQL in Kubernetes (a StatefulSet, Service `postgresql:5432`) for
// Airflow's database and for the catalog when icebergCatalog.database names it. Locally the
// catalog and Airflow use SQLite unless a postgres:// URL is given.
const postgresql = strict({
  enabled: bool().default(true),
  image: image('postgres', '15'),
  resources,
  persistence: persistence('20Gi'),
});

const trino = strict({
  enabled: bool().default(true),
  version: pattern(/^\d{3}$/, 'a Trino release number, like 476').default(versions.trino.version),
  coordinator: strict({
    port: port().default(8080),
    heap: heap().default('2G'),
    resources,
  }).prefault({}),
  workers: strict({
    count: intIn(0, 64).default(1),
    heap: heap().default('2G'),
    // Locally worker i listens on basePort + i; in Kubernetes every pod uses basePort.
    basePort: port().default(8090),
    resources,
  }).prefault({}),
  queryMaxMemory: dataSize().default('1GB'),
  image: image('trinodb/trino', ''),
});

const prometheus = strict({
  enabled: bool().default(true),
  version: pattern(/^\d+\.\d+$/, 'a release series like 2.42').default(versions.prometheus.version),
  port: port().default(9090),
  retention: duration().default('15d'),
  scrapeInterval: duration().default('15s'),
  resources,
  persistence: persistence('20Gi'),
  image: image('prom/prometheus', 'v2.42.0'),
});

const webhook = z.union([z.literal(''), z.url({ protocol: /^https?$/ })], {
  error: 'an http(s):// URL, or "" for none',
});

const alertmanager = strict({
  enabled: bool().default(true),
  version: pattern(/^\d+\.\d+$/, 'a release series like 0.25').default(
    versions.alertmanager.version,
  ),
  port: port().default(9093),
  // Where alerts of each severity are posted; "" keeps them in Alertmanager (UI and API) only.
  webhooks: strict({ critical: webhook.default(''), warning: webhook.default('') }).prefault({}),
  resources,
  image: image('prom/alertmanager', 'v0.25.0'),
});

// Host metrics (CPU, memory, disk) from Debian's prometheus-node-exporter; scrape job `node`.
const nodeExporter = strict({
  enabled: bool().default(true),
  port: port().default(9100),
  image: image('prom/node-exporter', 'v1.5.0'),
});

// Airflow sends StatsD (UDP) to statsd_exporter, which Prometheus scrapes (job `airflow`). It
// runs when Airflow does.
const statsdExporter = strict({
  port: port().default(9102),
  statsdPort: port().default(9125),
  image: image('prom/statsd-exporter', 'v0.28.0'),
});

// Grafana with the dashboards of platform/observability/dashboards (Kubernetes only: there is no
// package of it here; locally the console renders the same dashboards).
const grafana = strict({
  enabled: bool().default(true),
  port: port().default(3000),
  image: image('grafana/grafana', '12.3.0'),
  resources,
});

// The local supervisor's process metrics (`lakehouse_process_*`, job `supervisor`) and the local
// alert receiver (Alertmanager posts to it; it appends to <state>/observability/alerts.log).
const supervisorMetrics = strict({
  port: port().default(9099),
});

const observability = strict({
  prometheus: prometheus.prefault({}),
  alertmanager: alertmanager.prefault({}),
  nodeExporter: nodeExporter.prefault({}),
  statsdExporter: statsdExporter.prefault({}),
  supervisorMetrics: supervisorMetrics.prefault({}),
  grafana: grafana.prefault({}),
});

const airflow = strict({
  enabled: bool().default(false),
  // The API server (UI, REST API, and the execution API the task workers call).
  port: port().default(8085),
  // The scheduler's own liveness endpoint (Airflow's default port); the supervisor probes it.
  schedulerHealthPort: port().default(8974),
  // Where the scheduler's and the triggerer's log servers listen (Airflow's defaults): set
  // them per instance, or two platforms on one machine collide.
  workerLogServerPort: port().default(8793),
  triggererLogServerPort: port().default(8794),
  // Must equal the version pipelines/requirements-airflow.txt pins: that file is what installs.
  version: pattern(/^\d+\.\d+\.\d+$/, 'a release like 3.3.2').default(versions.airflow.version),
  // Where the DAGs are: a path relative to the repository, or absolute.
  dagsFolder: pattern(/^\S.*$/, 'a directory path').default('pipelines/dags'),
  // Task instances run at once; each is a Python process, so this bounds Airflow's memory.
  parallelism: intIn(1, 64).default(4),
  // --- Kubernetes only ---
  image: image('apache/airflow', ''),
  resources,
  // DAGs come from this repository through git-sync; "" takes argocd.repoURL.
  gitSync: strict({
    repo: z.string({ error: 'a git URL, or "" for argocd.repoURL' }).default(''),
    branch: pattern(/^\S+$/, 'a branch name').default('main'),
    // The folder of the repository that holds the DAGs.
    subPath: pattern(/^\S+$/, 'a path inside the repository').default('pipelines/dags'),
    // The Kubernetes project publishes git-sync on its own registry, not Docker Hub: name that
    // registry (or a mirror) in image.registry.
    image: image('git-sync/git-sync', 'v4.4.0'),
  }).prefault({}),
});

// GitOps (Kubernetes only): ArgoCD syncs one Application per component from this repository.
const argocd = strict({
  enabled: bool().default(true),
  // ArgoCD's release; its install manifest is fetched at install time, never copied here.
  version: pattern(/^v\d+\.\d+\.\d+$/, 'an ArgoCD release like v3.6.1').default('v3.6.1'),
  // The git repository ArgoCD and git-sync read (this one); "" until the environment sets it.
  repoURL: z.string({ error: 'a git URL' }).default(''),
  targetRevision: pattern(/^\S+$/, 'a branch, tag or commit').default('main'),
  // The cluster the Applications deploy to, as Argo CD knows it: the cluster Argo CD runs in,
  // or a cluster registered with it (Argo CD's controller run outside the cluster).
  destinationServer: z
    .string({ error: 'an API server URL' })
    .regex(/^https:\/\/\S+$/, 'an API server URL like https://kubernetes.default.svc')
    .default('https://kubernetes.default.svc'),
});

// The Lakehouse console (local target): the web page that shows the platform's processes, alerts,
// diagnose findings and dashboards. Its default port is the runbook's Grafana port: locally the
// console renders the dashboards Grafana renders on Kubernetes.
const consoleSection = strict({
  enabled: bool().default(true),
  // Loopback by default; any other address makes the console require its generated token.
  host: pattern(
    /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|localhost)$/,
    'an IP address to bind, like 127.0.0.1, 0.0.0.0 or ::1',
  ).default('127.0.0.1'),
  port: port().default(3000),
});

const retention = strict({
  snapshots: duration().default('7d'),
  minSnapshotsToKeep: intIn(1, 1000).default(1),
  orphanFiles: duration().default('3d'),
  backups: duration().default('30d'),
});

export const valuesSchema = strict({
  global,
  minio: minio.prefault({}),
  icebergCatalog: icebergCatalog.prefault({}),
  trino: trino.prefault({}),
  observability: observability.prefault({}),
  airflow: airflow.prefault({}),
  console: consoleSection.prefault({}),
  retention: retention.prefault({}),
  postgresql: postgresql.prefault({}),
  argocd: argocd.prefault({}),
});

/** The validated configuration of one environment, every default filled in. */
export type LakehouseValues = z.output<typeof valuesSchema>;
/** What a values file may contain (everything optional except `global.target`). */
export type LakehouseValuesInput = z.input<typeof valuesSchema>;
