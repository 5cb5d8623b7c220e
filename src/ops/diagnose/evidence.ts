/**
 * What `diagnose` looks at, gathered by a target (`DiagnoseTarget`) and judged by the pure rules
 * in `rules.ts`. Every field is a plain observation — a state, a log line, a probe's answer — so
 * the rules can be tested on hand-written evidence. The local target fills the process, port, disk
 * and install fields; the Kubernetes target the cluster's (pods, claims, services, ArgoCD
 * Applications, events), and the rules of each judge what is there.
 */
import type { ObservedRotation } from '../secrets/index.js';

/** A process as the supervisor (or the cluster) reports it, plus what we saw of it ourselves. */
export interface ProcessEvidence {
  name: string;
  component: string;
  /** The supervisor's state, or `not running` when nothing supervises it (platform down). */
  state: 'starting' | 'running' | 'crashloop' | 'backoff' | 'stopping' | 'stopped' | 'not running';
  pid: number | null;
  healthy: boolean;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  paused: boolean;
  /** Epoch millis of the current start, when running. */
  startedAt: number | null;
  /** The operating system's view of the pid: `R`, `S`, `T` (stopped by a signal), `Z`, … */
  osState?: string;
  /** The health endpoint and what one probe of it answered just now (only for a live pid). */
  health?: { url: string; ok: boolean; detail: string };
  /** The last lines of its log (oldest first). */
  logTail: string[];
}

/** Who listens on a port the configuration gives a component. */
export interface PortEvidence {
  /** Values key, e.g. `icebergCatalog.port`. */
  key: string;
  port: number;
  /** The component that should listen there, as `configuredPorts` names it. */
  owner: string;
  /** Nobody (free), one of the platform's own processes, or another program. */
  heldBy: 'free' | 'platform' | 'other';
  /** The listener, when `heldBy` is not `free` and /proc showed it. */
  holder?: { pid: number; command: string };
}

/** A JVM heap the values configure, and the one the running process was started with. */
export interface HeapEvidence {
  process: string;
  configuredBytes: number;
  /** Null when the process does not run. */
  runningBytes: number | null;
}

export interface DiskEvidence {
  /** What the directory holds: `state directory`, `MinIO data directory`. */
  what: string;
  component: string;
  path: string;
  freeBytes: number;
  totalBytes: number;
}

/** A component's runtime as the install cache has it, and the last failed install, if any. */
export interface InstallEvidence {
  component: string;
  /** What is installed, e.g. `Trino 476 server`. */
  label: string;
  /** The values key that picks the version, e.g. `trino.version`. */
  versionKey: string;
  version: string;
  installed: boolean;
}

/** One failed install step recorded by `up` (cleared when the step succeeds). */
export interface InstallFailure {
  component: string;
  step: string;
  error: string;
  /** ISO time. */
  at: string;
}

/** A Trino query that failed recently (from `system.runtime.queries`). */
export interface FailedQuery {
  queryId: string;
  errorCode: string;
  errorType: string;
  query: string;
  created: string;
}

/** The answer of one active check; `error` is the message when it failed. */
export type ProbeResult<T = object> = ({ ok: true } & T) | { ok: false; error: string };

export interface Probes {
  /** `SHOW CATALOGS` on the coordinator. */
  trinoCatalogs?: ProbeResult<{ catalogs: string[] }>;
  /**
   * A read of an existing Iceberg table (`SELECT * … LIMIT 1`): reaches MinIO with Trino's own
   * credentials. `table` null when the catalog has no table to read.
   */
  trinoTableRead?:
    { ok: true; table: string | null } | { ok: false; table: string | null; error: string };
  /** Failed queries of the last minutes (our own probes left out). */
  trinoFailedQueries?: ProbeResult<{ queries: FailedQuery[] }>;
  /** The catalog's `/readyz`: status code and its checks (`database`, `warehouse:<name>`). */
  catalogReady?: ProbeResult<{ status: number; checks: Record<string, string> }>;
  /** Put, read back and delete a tiny object in the warehouse bucket. */
  minioWrite?:
    { ok: true; bucket: string } | { ok: false; bucket: string; error: string; code?: string };
}

export interface Evidence {
  /** When it was gathered (epoch millis). */
  at: number;
  env: string;
  /** The supervisor (or the cluster's API server) answers. */
  platformRunning: boolean;
  /** The component the user asked about, if any (the rules report on it alone). */
  scope?: string;
  processes: ProcessEvidence[];
  ports: PortEvidence[];
  memory?: { availableBytes: number; totalBytes: number; heaps: HeapEvidence[] };
  disks: DiskEvidence[];
  installs: InstallEvidence[];
  installFailures: InstallFailure[];
  /** A credential rotation that has not ended; `running` while its command is alive. */
  rotation?: ObservedRotation;
  probes: Probes;
  /** Settings the fixes quote, e.g. `trino.queryMaxMemory` → `1GB`. */
  settings: Record<string, string>;
  // A cluster's observations (the Kubernetes target); absent for the local target.
  cluster?: ClusterEvidence;
  pods?: PodEvidence[];
  claims?: ClaimEvidence[];
  services?: ServiceEvidence[];
  applications?: ApplicationEvidence[];
  /** Warning events of the namespace, newest last. */
  events?: EventEvidence[];
}

// --- a cluster (the Kubernetes target) -------------------------------------------------------

/** The cluster itself: whether it answered, and whether the platform's namespace exists. */
export interface ClusterEvidence {
  /** The API server's URL and the kubeconfig context that selects it. */
  server: string;
  context: string;
  /** Why the API server did not answer; nothing else was read then. */
  unreachable?: string;
  /** The platform's namespace (`global.namespace`). */
  namespace: string;
  namespaceExists: boolean;
  /** Where ArgoCD's Applications live; `installed` false when its Application CRD is not. */
  argocd: { namespace: string; installed: boolean };
  /** The components the values enable: each should have pods. */
  expectedComponents: string[];
  /** What could not be read (forbidden, failed), one line each: the findings may miss something. */
  unreadable: string[];
}

/** Resource amounts as the pod spec writes them (`500m`, `3Gi`). */
export interface ResourceAmounts {
  cpu?: string;
  memory?: string;
}

/** One container of a pod, from its spec and `status.(init)containerStatuses`. */
export interface ContainerEvidence {
  name: string;
  /** An init container: it runs to completion before the others start. */
  init: boolean;
  image: string;
  /** The values key that picks the image's tag (`trino.image.tag`, or `trino.version` when the
   * tag is "" and the component's version is the tag). */
  imageKey?: string;
  ready: boolean;
  restarts: number;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** The state's reason (CrashLoopBackOff, ImagePullBackOff, ContainerCreating, OOMKilled, …). */
  reason?: string;
  message?: string;
  /** Exit code, when `state` is terminated. */
  exitCode?: number;
  /** The previous run's end (`lastState.terminated`). */
  lastTermination?: { reason?: string; exitCode: number; finishedAt?: string; message?: string };
  requests: ResourceAmounts;
  limits: ResourceAmounts;
  /** The last lines of the log of its previous run (crashed containers only), oldest first. */
  logTail?: string[];
  /** Why its log could not be read, when it was asked for. */
  logError?: string;
}

/** A pod of the platform's namespace. */
export interface PodEvidence {
  name: string;
  namespace: string;
  /** Its `app.kubernetes.io/instance` label: the component (release) it belongs to; "" for none. */
  component: string;
  /** Its `app.kubernetes.io/component` label inside the release: coordinator, worker, database… */
  role?: string;
  /** Who made it: `Deployment/trino-worker`, `StatefulSet/minio`, `Job/minio-bucket`. */
  owner?: string;
  /** The values key of its resources (`trino.workers.resources`), when the values set them. */
  resourcesKey?: string;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  phase: string;
  /** Pod-level reason and message (e.g. Evicted, and why). */
  reason?: string;
  message?: string;
  ready: boolean;
  nodeName?: string;
  /** Epoch millis of its creation. */
  createdAt: number;
  deleting: boolean;
  /** The PodScheduled condition when it is False: the scheduler's reason and message. */
  unschedulable?: { reason: string; message: string };
  /** The PersistentVolumeClaims it mounts. */
  claims: string[];
  imagePullSecrets: string[];
  containers: ContainerEvidence[];
}

/** A PersistentVolumeClaim of the namespace. */
export interface ClaimEvidence {
  name: string;
  component: string;
  /** Pending, Bound or Lost. */
  phase: string;
  storageClass?: string;
  requested?: string;
}

/** A Service and the endpoints its EndpointSlices hold. */
export interface ServiceEvidence {
  name: string;
  component: string;
  type: string;
  /** Its selector as `k=v,k=v`; absent for a Service whose endpoints are managed by hand. */
  selector?: string;
  /** `8080/TCP`, … */
  ports: string[];
  readyEndpoints: number;
  notReadyEndpoints: number;
  /** The pods its selector matches (names). */
  matchingPods: string[];
}

/** An ArgoCD Application that deploys into the platform's namespace. */
export interface ApplicationEvidence {
  name: string;
  /** ArgoCD's namespace. */
  namespace: string;
  component: string;
  /** Synced, OutOfSync or Unknown. */
  sync: string;
  /** Healthy, Progressing, Degraded, Suspended, Missing or Unknown. */
  health: string;
  healthMessage?: string;
  /** The git revision it is synced to (or compared with). */
  revision?: string;
  /** Whether automated sync is on (an emergency rollback switches it off). */
  automated: boolean;
  /** The last sync operation: Running, Succeeded, Failed, Error, Terminating. */
  operation?: { phase: string; message?: string; finishedAt?: string };
  /** Its resources that are not Synced or not Healthy. */
  resources: {
    kind: string;
    name: string;
    namespace?: string;
    sync?: string;
    health?: string;
    message?: string;
  }[];
  /** ArgoCD's conditions on it (ComparisonError, SyncError, …). */
  conditions: { type: string; message: string }[];
}

/** A Warning event of the namespace (scheduler, kubelet, controllers). */
export interface EventEvidence {
  /** The object it is about. */
  kind: string;
  name: string;
  reason: string;
  message: string;
  count: number;
  /** Epoch millis it was last seen, when the event says. */
  lastSeen?: number;
}
