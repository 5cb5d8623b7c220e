/**
 * What the local target's supervisor runs: one native process of a platform component, fully
 * described, so the supervisor needs to know nothing about MinIO, Trino or the catalog.
 */
/**
 * `console` is the platform's own web page: supervised like the others, but it ships with the
 * CLI and has no release history of its own (it is not an `ops` release component).
 */
export type ComponentName =
  'observability' | 'minio' | 'iceberg-catalog' | 'trino' | 'airflow' | 'console';

/** The runbook's order: observability, storage, catalog, query, orchestration. */
/** Other names the runbook and users give a component: `catalog` for the Iceberg catalog. */
export const COMPONENT_ALIASES: Readonly<Record<string, ComponentName>> = {
  catalog: 'iceberg-catalog',
  iceberg_catalog: 'iceberg-catalog',
};

export const COMPONENT_ORDER: readonly ComponentName[] = [
  'observability',
  'minio',
  'iceberg-catalog',
  'trino',
  'airflow',
  // Last: it shows the others, and a page that opens before they run only shows them starting.
  'console',
];

export interface HealthCheck {
  /** An HTTP GET that must answer with `expectStatus` (default 200). */
  url: string;
  expectStatus?: number;
}

export interface ProcessSpec {
  /** Unique process name, e.g. `minio`, `trino-coordinator`, `trino-worker-1`. */
  name: string;
  component: ComponentName;
  version: string;
  command: string;
  args: string[];
  /** Full environment of the process (the supervisor does not inherit its own into it). */
  env: Record<string, string>;
  cwd?: string;
  ports: number[];
  health: HealthCheck;
  /** Processes that must be healthy before this one starts (by process name). */
  dependsOn: string[];
  /** How long a graceful stop may take before SIGKILL (default 20 s). */
  stopTimeoutMs?: number;
  /** How long the process may take to become healthy after starting (default 120 s). */
  startTimeoutMs?: number;
}

export type ProcessStateName =
  'starting' | 'running' | 'crashloop' | 'backoff' | 'stopping' | 'stopped';

export interface ProcessStatus {
  name: string;
  component: ComponentName;
  version: string;
  state: ProcessStateName;
  pid: number | null;
  ports: number[];
  healthy: boolean;
  /** Epoch millis of the current process start, or null when not running. */
  startedAt: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: number } | null;
  logFile: string;
  /** Reconciliation paused: not restarted on exit, not changed by apply, until resumed. */
  paused: boolean;
}
