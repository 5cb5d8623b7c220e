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
