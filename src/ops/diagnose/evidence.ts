/**
 * What `diagnose` looks at, gathered by a target (`DiagnoseTarget`) and judged by the pure rules
 * in `rules.ts`. Every field is a plain observation — a state, a log line, a probe's answer — so
 * the rules can be tested on hand-written evidence and a Kubernetes target can fill the same shape
 * (pods for processes, events for install failures).
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
  /** The supervisor (or the cluster's control plane) answers. */
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
}
