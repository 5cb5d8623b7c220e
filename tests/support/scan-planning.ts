/**
 * A client of the REST catalog's server-side scan planning, written from the Iceberg REST spec
 * alone (planTableScan, fetchPlanningResult, fetchScanTasks): it plans a scan and follows whatever
 * the server answers — `completed` with file scan tasks and/or plan tasks, or `submitted` with a
 * plan id to poll — until it holds every file scan task, each with the paths of its delete files.
 * Shared by the scan comparison test and the planning benchmark.
 */

/** What planTableScan takes (PlanTableScanRequest); the filter is the spec's Expression JSON. */
export interface PlanTableScanRequest {
  'snapshot-id'?: number | bigint;
  select?: string[];
  filter?: unknown;
  'case-sensitive'?: boolean;
  'use-snapshot-schema'?: boolean;
}

/** A file scan task reduced to what the comparison needs: paths. */
export interface PlannedTask {
  dataFile: string;
  deleteFiles: string[];
}

export interface PlanResult {
  tasks: PlannedTask[];
  /** HTTP requests it took: the plan, the polls and the fetchScanTasks calls. */
  requests: number;
  /** Whether the server answered `submitted` first (asynchronous planning). */
  async: boolean;
}

export interface PlanOptions {
  /** Catalog root, e.g. http://127.0.0.1:8181 (the REST API is under /v1). */
  baseUrl: string;
  /** The `prefix` from GET /v1/config's overrides, if the catalog gives one. */
  prefix?: string;
  namespace: string[];
  table: string;
  /** Give up polling a submitted plan, or waiting for one answer, after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Pause between polls of a submitted plan: from `firstMs`, doubling up to `maxMs` (default 5 and
   * 500). A benchmark measuring the server rather than the client's back-off polls at a fixed pace.
   */
  poll?: { firstMs: number; maxMs: number };
}

interface ContentFileJson {
  'file-path': string;
}

interface ScanTasksJson {
  'delete-files'?: ContentFileJson[];
  'file-scan-tasks'?: Array<{ 'data-file': ContentFileJson; 'delete-file-references'?: number[] }>;
  'plan-tasks'?: string[];
}

interface PlanningJson extends ScanTasksJson {
  status?: string;
  'plan-id'?: string;
  error?: { message?: string; type?: string; code?: number };
  message?: string;
}

export class ScanPlanningError extends Error {}

/**
 * The request body as JSON text. 64-bit snapshot ids exceed a double's exact range, so a bigint is
 * written as its digits rather than through JSON.stringify (which would reject it).
 */
function bodyText(body: unknown): string {
  const marked = JSON.stringify(body, (_k, v: unknown) =>
    typeof v === 'bigint' ? `__bigint__${v.toString()}` : v,
  );
  return marked.replace(/"__bigint__(-?\d+)"/g, '$1');
}

/** Expands the file scan tasks of one ScanTasks object; delete references index its own list. */
function tasksOf(json: ScanTasksJson, where: string): PlannedTask[] {
  const deletes = json['delete-files'] ?? [];
  return (json['file-scan-tasks'] ?? []).map((t) => ({
    dataFile: t['data-file']['file-path'],
    deleteFiles: (t['delete-file-references'] ?? []).map((i) => {
      const d = deletes[i];
      if (!d) {
        throw new ScanPlanningError(
          `${where}: delete-file-references index ${i} outside delete-files (${deletes.length} entries)`,
        );
      }
      return d['file-path'];
    }),
  }));
}

export async function planScan(
  opts: PlanOptions,
  request: PlanTableScanRequest,
): Promise<PlanResult> {
  const prefix = opts.prefix ? `/${encodeURIComponent(opts.prefix)}` : '';
  // Multi-level namespaces are joined with the unit separator (the spec's default).
  const ns = encodeURIComponent(opts.namespace.join('\u001f'));
  const tableUrl = `${opts.baseUrl}/v1${prefix}/namespaces/${ns}/tables/${encodeURIComponent(opts.table)}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let requests = 0;

  const call = async (method: string, url: string, body?: unknown): Promise<PlanningJson> => {
    requests++;
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : bodyText(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new ScanPlanningError(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
    }
    return JSON.parse(text) as PlanningJson;
  };

  const failed = (json: PlanningJson, what: string): ScanPlanningError =>
    new ScanPlanningError(
      `${what}: planning ${json.status}: ${json.error?.message ?? json.message ?? JSON.stringify(json).slice(0, 300)}`,
    );

  let result = await call('POST', `${tableUrl}/plan`, request);
  const async = result.status === 'submitted';
  if (async) {
    const planId = result['plan-id'];
    if (!planId) throw new ScanPlanningError('planTableScan answered submitted without a plan-id');
    const deadline = Date.now() + timeoutMs;
    const { firstMs, maxMs } = opts.poll ?? { firstMs: 5, maxMs: 500 };
    let pause = firstMs;
    for (;;) {
      result = await call('GET', `${tableUrl}/plan/${encodeURIComponent(planId)}`);
      if (result.status !== 'submitted') break;
      if (Date.now() > deadline) {
        throw new ScanPlanningError(`plan ${planId} still submitted after ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, maxMs);
    }
  }
  if (result.status !== 'completed') throw failed(result, 'planTableScan');

  const tasks = tasksOf(result, 'planTableScan');
  // Plan tasks may themselves answer with more plan tasks: a queue, not a single round.
  const queue = [...(result['plan-tasks'] ?? [])];
  for (let planTask = queue.shift(); planTask !== undefined; planTask = queue.shift()) {
    const page = await call('POST', `${tableUrl}/tasks`, { 'plan-task': planTask });
    tasks.push(...tasksOf(page, 'fetchScanTasks'));
    queue.push(...(page['plan-tasks'] ?? []));
  }
  return { tasks, requests, async };
}
