/**
 * The console's HTTP API: what the server (src/console/server) answers and the page
 * (console/web) reads. Every credential (Trino, Prometheus, Airflow, the catalog's token) stays
 * on the server; these shapes carry none.
 */

/** GET /healthz */
export interface ConsoleHealth {
  status: 'ok';
  version: string;
}

export type ProcessState = 'running' | 'starting' | 'stopped' | 'failed' | 'unknown';

/** A port of a process, with a link when it serves a web UI or API a person can open. */
export interface ConsolePort {
  name: string;
  port: number;
  url?: string;
}

export interface ConsoleProcess {
  name: string;
  state: ProcessState;
  healthy: boolean;
  pid: number | null;
  uptimeSeconds: number | null;
  restarts: number;
  ports: ConsolePort[];
}

export interface ConsoleComponent {
  /** A component of the platform: minio, iceberg-catalog, trino, airflow, observability, console. */
  name: string;
  healthy: boolean;
  version: string;
  /** The deployed release's revision, when there is a release history. */
  revision: number | null;
  processes: ConsoleProcess[];
}

export interface ConsoleAlert {
  name: string;
  severity: string;
  summary: string;
  /** The alert's action text (its `action` or `runbook` annotation). */
  action: string;
  activeSince: string;
}

export interface ConsoleFinding {
  severity: 'critical' | 'warning' | 'info';
  title: string;
  evidence: string[];
  fix: string;
}

export interface ConsoleScrapeTarget {
  job: string;
  instance: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

/** GET /api/overview: a part that could not be read has its `errors` entry instead of data. */
export interface ConsoleOverview {
  env: string;
  generatedAt: string;
  components: ConsoleComponent[];
  alerts: ConsoleAlert[];
  findings: ConsoleFinding[];
  targets: ConsoleScrapeTarget[];
  errors: { part: 'components' | 'alerts' | 'findings' | 'targets'; message: string }[];
}

/** GET /api/dashboards */
export interface DashboardSummary {
  uid: string;
  title: string;
  description: string;
  panels: number;
}

export interface ChartQuery {
  refId: string;
  /** PromQL, with Grafana's variables ($__rate_interval, $__interval, $__range) left in. */
  expr: string;
  /** Grafana's legendFormat ("{{instance}}"); "" = the series' labels. */
  legend: string;
}

export interface ChartPanel {
  id: number;
  title: string;
  description: string;
  /** Grafana panel type mapped to how the console draws it. */
  kind: 'timeseries' | 'stat' | 'gauge' | 'table' | 'text';
  /** Grafana unit id (short, bytes, s, ms, percentunit, reqps, …). */
  unit: string;
  /** Grid position in Grafana's 24-column grid. */
  grid: { x: number; y: number; w: number; h: number };
  queries: ChartQuery[];
}

/** GET /api/dashboards/:uid: the dashboard JSON as a chart model. */
export interface ChartDashboard {
  uid: string;
  title: string;
  description: string;
  /** Grafana's default refresh ("30s") and time range ("now-6h"). */
  refresh: string;
  from: string;
  panels: ChartPanel[];
}

/**
 * GET /api/metrics/query_range?query=&start=&end=&step= (seconds since the epoch; step seconds):
 * Prometheus' own answer passed through; a failed query answers 4xx/5xx with `error` saying why.
 */
export interface MetricsRangeResult {
  status: 'success' | 'error';
  error?: string;
  data?: {
    resultType: 'matrix';
    result: { metric: Record<string, string>; values: [number, string][] }[];
  };
}

// ---------------------------------------------------------------------------------------------
// Catalog browser: read through the platform's Iceberg REST catalog as any client would, with
// the catalog's token (when it has one) held by the server. Snapshot ids are 64-bit: strings.
// ---------------------------------------------------------------------------------------------

/** GET /api/catalog/warehouses */
export interface CatalogWarehouse {
  /** The name a client passes as `warehouse` (the catalog's prefix). */
  name: string;
  location: string;
}

/**
 * A page of a listing. `nextPageToken` is the catalog's own token, passed back as `?pageToken=`;
 * null on the last page. `pageSize` (1..1000, default 100) bounds a page.
 */
export interface CatalogPage<T> {
  items: T[];
  nextPageToken: string | null;
}

/**
 * A namespace in a URL path: its levels joined by the unit separator (0x1F) and percent-encoded,
 * as the REST spec encodes it (`a%1Fb`).
 *
 * GET /api/catalog/:warehouse/namespaces?parent=&pageToken=&pageSize= → CatalogPage<string[]>
 * GET /api/catalog/:warehouse/namespaces/:namespace → CatalogNamespace
 * GET /api/catalog/:warehouse/namespaces/:namespace/tables?pageToken=&pageSize= → CatalogPage<string>
 * GET /api/catalog/:warehouse/namespaces/:namespace/views?pageToken=&pageSize= → CatalogPage<string>
 * GET /api/catalog/:warehouse/namespaces/:namespace/tables/:table → CatalogTable
 * GET /api/catalog/:warehouse/namespaces/:namespace/views/:view → CatalogView
 * A name the catalog does not have answers 404 with the catalog's own message; a malformed one 400.
 */
export interface CatalogNamespace {
  namespace: string[];
  properties: Record<string, string>;
}

/**
 * One field of a schema, flattened depth-first: a struct's fields, a list's element and a map's
 * key and value follow their parent with `depth` + 1. `path` is the dotted name (`a.element.b`).
 */
export interface CatalogField {
  id: number;
  name: string;
  path: string;
  depth: number;
  /** Iceberg's type as text: `long`, `decimal(12, 2)`, `struct`, `list<string>`, `map<string, long>`. */
  type: string;
  required: boolean;
  doc?: string;
}

export interface CatalogSchema {
  schemaId: number;
  identifierFieldIds: number[];
  fields: CatalogField[];
}

export interface CatalogPartitionField {
  fieldId: number;
  name: string;
  sourceId: number;
  /** The source column's name in the current schema ("" when it was dropped). */
  sourceName: string;
  transform: string;
}

export interface CatalogSortField {
  sourceId: number;
  sourceName: string;
  transform: string;
  direction: 'asc' | 'desc';
  nullOrder: 'nulls-first' | 'nulls-last';
}

export interface CatalogSnapshot {
  snapshotId: string;
  parentSnapshotId: string | null;
  sequenceNumber: number;
  timestampMs: number;
  /** The summary's `operation`: append, overwrite, replace, delete. */
  operation: string;
  schemaId: number | null;
  manifestList: string;
  /** The whole summary as the writer put it. */
  summary: Record<string, string>;
  /** From the summary; null when the writer did not record it. */
  addedFiles: number | null;
  deletedFiles: number | null;
  addedRecords: number | null;
  deletedRecords: number | null;
  addedBytes: number | null;
  removedBytes: number | null;
  totalRecords: number | null;
  totalFiles: number | null;
}

export interface CatalogRef {
  name: string;
  type: 'branch' | 'tag';
  snapshotId: string;
  maxRefAgeMs?: number;
  maxSnapshotAgeMs?: number;
  minSnapshotsToKeep?: number;
}

export interface CatalogTable {
  namespace: string[];
  name: string;
  metadataLocation: string | null;
  location: string;
  tableUuid: string;
  formatVersion: number;
  lastUpdatedMs: number;
  schema: CatalogSchema;
  /** How many schemas, specs and sort orders the table has had (the current one included). */
  schemaCount: number;
  partitionSpec: { specId: number; fields: CatalogPartitionField[] };
  specCount: number;
  sortOrder: { orderId: number; fields: CatalogSortField[] };
  properties: Record<string, string>;
  currentSnapshotId: string | null;
  /** Every snapshot the metadata keeps, newest first. */
  snapshots: CatalogSnapshot[];
  refs: CatalogRef[];
  /** Earlier metadata files, newest first. */
  metadataLog: { timestampMs: number; metadataFile: string }[];
  /** The snapshot log: which snapshot was current when, newest first. */
  snapshotLog: { timestampMs: number; snapshotId: string }[];
}

export interface CatalogViewVersion {
  versionId: number;
  timestampMs: number;
  schemaId: number;
  summary: Record<string, string>;
  defaultCatalog: string | null;
  defaultNamespace: string[];
  /** The view's SQL, one per dialect (trino, spark, …). */
  representations: { dialect: string; sql: string }[];
}

export interface CatalogView {
  namespace: string[];
  name: string;
  metadataLocation: string | null;
  location: string;
  viewUuid: string;
  formatVersion: number;
  currentVersionId: number;
  /** The current version's schema. */
  schema: CatalogSchema;
  properties: Record<string, string>;
  /** Every version, newest first. */
  versions: CatalogViewVersion[];
  versionLog: { timestampMs: number; versionId: number }[];
}

// ---------------------------------------------------------------------------------------------
// Releases and pipelines
// ---------------------------------------------------------------------------------------------

export interface ConsoleRelease {
  revision: number;
  status: 'pending' | 'deployed' | 'superseded' | 'failed' | 'rolled-back';
  version: string;
  action: 'install' | 'upgrade' | 'rollback' | 'scale';
  description: string;
  startedAt: string;
  finishedAt: string;
  replicas?: number;
}

/**
 * GET /api/releases: each component's history, newest revision first; a component whose history
 * cannot be read has `error` saying why (and no releases), the others still show.
 */
export interface ConsoleReleases {
  components: {
    component: string;
    deployedRevision: number | null;
    releases: ConsoleRelease[];
    error?: string;
  }[];
}

export interface ConsoleDagRun {
  runId: string;
  state: string;
  runType: string;
  logicalDate: string | null;
  startDate: string | null;
  endDate: string | null;
}

export interface ConsoleDag {
  dagId: string;
  paused: boolean;
  schedule: string | null;
  tags: string[];
  description: string | null;
  hasImportErrors: boolean;
  /** The last runs, newest first (at most 5). */
  lastRuns: ConsoleDagRun[];
}

/**
 * GET /api/pipelines: `available: false` with `reason` when Airflow is switched off or cannot be
 * reached (the page says why instead of an empty list).
 */
export interface ConsolePipelines {
  available: boolean;
  reason?: string;
  dags: ConsoleDag[];
  importErrors: { filename: string; timestamp: string; message: string }[];
}

export interface ConsoleTaskInstance {
  taskId: string;
  mapIndex: number;
  state: string | null;
  tryNumber: number;
  startDate: string | null;
  endDate: string | null;
}

/**
 * GET /api/pipelines/:dagId/runs/:runId: the run's tasks, and for each task that failed the tail
 * of its log (or why it could not be read). Otherwise `{error}`: 400 for an id Airflow would not
 * take (checked before Airflow is asked), 404 with Airflow's message for an unknown DAG or run,
 * 503 when Airflow is off, down or refuses the login, 502 for any other answer of Airflow's.
 */
export interface ConsoleDagRunDetail {
  run: ConsoleDagRun & { dagId: string };
  tasks: ConsoleTaskInstance[];
  failures: {
    taskId: string;
    mapIndex: number;
    tryNumber: number;
    logTail: string[];
    logError?: string;
  }[];
}

// ---------------------------------------------------------------------------------------------
// SQL: one statement on Trino through the server, read-only (Trino's access control makes the
// console's user read-only on every catalog), at most `maxRows` rows kept.
// ---------------------------------------------------------------------------------------------

/** POST /api/sql */
export interface SqlRequest {
  sql: string;
  /** Chosen by the page (a UUID); DELETE /api/sql/:clientQueryId cancels the query. */
  clientQueryId: string;
  /** 1..10 000, default 1 000: rows beyond it are not fetched and the query is cancelled. */
  maxRows?: number;
  /** Session catalog and schema (default iceberg). */
  catalog?: string;
  schema?: string;
}

/** A value as JSON can carry it: Trino's bigints beyond 2^53 become strings. */
export type SqlValue = string | number | boolean | null | SqlValue[] | { [key: string]: SqlValue };

/** 200 from POST /api/sql. */
export interface SqlResult {
  queryId: string;
  columns: { name: string; type: string }[];
  rows: SqlValue[][];
  /** True when the query had more rows than `maxRows`. */
  truncated: boolean;
  updateType?: string;
  updateCount?: number;
  elapsedMs: number;
}

/**
 * 4xx/5xx from POST /api/sql: `error` is Trino's message as Trino gives it when Trino failed the
 * query (with its errorName/errorType), or why the server refused or could not run it.
 * A cancelled query answers 409 with `cancelled: true`.
 *
 * Statuses: 400 a malformed body, or Trino failed the query as the user's error (syntax, a
 * missing table, Access Denied); 403 `ALTER TABLE … EXECUTE`, the one write Trino's access control
 * does not refuse the console's user (src/console/sql/guard.ts); 409 `cancelled`, or a query with that clientQueryId is running
 * already; 429 too many queries at once; 502 Trino failed otherwise or cannot be reached; 503
 * Trino is switched off.
 *
 * DELETE /api/sql/:clientQueryId answers 202 `{cancelled: true}`, 404 when no query with that id
 * is running (any more), 400 when the id is not a UUID.
 */
export interface SqlError {
  error: string;
  errorName?: string;
  errorType?: string;
  queryId?: string;
  cancelled?: boolean;
}
