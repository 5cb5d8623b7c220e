/**
 * A small client for Airflow 3's REST API (v2) behind SimpleAuthManager: a JWT from
 * `POST /auth/token` ({username, password} as JSON, answered 201 {access_token}), then bearer
 * requests. Only the calls the CLI and the console need; responses are narrowed to the fields they read.
 */

export interface AirflowClientOptions {
  /** E.g. `http://127.0.0.1:8085`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Injected by tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Give up on a request after this long (a server must not hang on a stuck Airflow); none by default. */
  timeoutMs?: number;
}

export interface AirflowDag {
  dagId: string;
  isPaused: boolean;
  tags: string[];
  /** Human summary of the schedule, e.g. `@daily`, `0 3 * * *`, `Asset`; null when unscheduled. */
  schedule: string | null;
  hasImportErrors: boolean;
  description: string | null;
}

export type DagRunState = 'queued' | 'running' | 'success' | 'failed' | (string & {});

export interface AirflowDagRun {
  dagId: string;
  runId: string;
  state: DagRunState;
  runType: string;
  logicalDate: string | null;
  runAfter: string;
  startDate: string | null;
  endDate: string | null;
  conf: Record<string, unknown> | null;
}

export interface AirflowTaskInstance {
  taskId: string;
  /** -1 for a task that is not mapped. */
  mapIndex: number;
  state: string | null;
  tryNumber: number;
  startDate: string | null;
  endDate: string | null;
}

export interface AirflowImportError {
  filename: string;
  timestamp: string;
  stackTrace: string;
}

/** The API answered with an error status; `detail` is its explanation (FastAPI's `detail`). */
export class AirflowApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`Airflow API ${method} ${path} failed with ${status}: ${detail}`);
    this.name = 'AirflowApiError';
  }
}

/** Nothing answered at the base URL (Airflow down, wrong port). */
export class AirflowUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`Airflow's API server at ${baseUrl} is not reachable: ${unreachableReason(cause)}`, {
      cause,
    });
    this.name = 'AirflowUnreachableError';
  }
}

/** fetch's own message is "fetch failed"; its cause's code (ECONNREFUSED) says what happened. */
function unreachableReason(cause: unknown): string {
  if (cause instanceof Error && cause.name === 'TimeoutError') return 'no answer in time';
  const code =
    cause instanceof Error ? (cause.cause as { code?: unknown } | undefined)?.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' ? `${message} (${code})` : message;
}

type Json = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];

/** FastAPI's `detail` is a string, or a list of validation problems ({loc, msg}). */
export function apiErrorDetail(body: unknown, fallback: string): string {
  if (typeof body !== 'object' || body === null) return fallback;
  const detail = (body as Json)['detail'];
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    const parts = list(detail).map((d) => {
      const loc = Array.isArray(d['loc']) ? d['loc'].join('.') : '';
      return loc ? `${loc}: ${str(d['msg'])}` : str(d['msg']);
    });
    if (parts.length > 0) return parts.join('; ');
  }
  if (detail !== undefined) return JSON.stringify(detail);
  return fallback;
}

export function toDag(d: Json): AirflowDag {
  return {
    dagId: str(d['dag_id']),
    isPaused: d['is_paused'] === true,
    tags: list(d['tags'])
      .map((t) => str(t['name']))
      .sort(),
    schedule: strOrNull(d['timetable_summary']),
    hasImportErrors: d['has_import_errors'] === true,
    description: strOrNull(d['description']),
  };
}

export function toDagRun(r: Json): AirflowDagRun {
  const conf = r['conf'];
  return {
    dagId: str(r['dag_id']),
    runId: str(r['dag_run_id']),
    state: str(r['state']),
    runType: str(r['run_type']),
    logicalDate: strOrNull(r['logical_date']),
    runAfter: str(r['run_after']),
    startDate: strOrNull(r['start_date']),
    endDate: strOrNull(r['end_date']),
    conf: typeof conf === 'object' && conf !== null ? (conf as Record<string, unknown>) : null,
  };
}

export function toTaskInstance(t: Json): AirflowTaskInstance {
  return {
    taskId: str(t['task_id']),
    mapIndex: num(t['map_index'], -1),
    state: strOrNull(t['state']),
    tryNumber: num(t['try_number'], 0),
    startDate: strOrNull(t['start_date']),
    endDate: strOrNull(t['end_date']),
  };
}

/**
 * The log endpoint's JSON: `content` is a list of structured events ({timestamp, level, event,
 * error_detail?}) or, when Airflow could not parse the file, plain lines. Flattened to text lines.
 */
export function logLines(body: unknown): string[] {
  const content = typeof body === 'object' && body !== null ? (body as Json)['content'] : undefined;
  if (!Array.isArray(content)) return [];
  const lines: string[] = [];
  for (const item of content) {
    if (typeof item === 'string') {
      lines.push(...item.split('\n'));
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    const e = item as Json;
    const prefix = [str(e['timestamp']), str(e['level']).toUpperCase()].filter(Boolean).join(' ');
    const event = str(e['event']);
    lines.push(...`${prefix ? `${prefix} ` : ''}${event}`.split('\n'));
    // A task's exception arrives as structured error_detail, not as text in the event.
    for (const err of list(e['error_detail'])) {
      lines.push(`${str(err['exc_type'])}: ${str(err['exc_value'])}`);
    }
  }
  return lines;
}

const enc = encodeURIComponent;

export class AirflowClient {
  private token: Promise<string> | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(private readonly opts: AirflowClientOptions) {
    this.fetchImpl = opts.fetch ?? fetch;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  private async send(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers['authorization'] = `Bearer ${await this.login()}`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        ...(this.opts.timeoutMs !== undefined
          ? { signal: AbortSignal.timeout(this.opts.timeoutMs) }
          : {}),
      });
    } catch (err) {
      throw new AirflowUnreachableError(this.baseUrl, err);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      // The answer stopped half-way (the timeout, or the server went away).
      throw new AirflowUnreachableError(this.baseUrl, err);
    }
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      throw new AirflowApiError(
        res.status,
        method,
        path,
        apiErrorDetail(parsed, text.slice(0, 200) || res.statusText),
      );
    }
    return parsed;
  }

  private async json(method: string, path: string, body?: unknown): Promise<Json> {
    const result = await this.send(method, path, body);
    return typeof result === 'object' && result !== null ? (result as Json) : {};
  }

  /**
   * Gets (once per client) a JWT; its lifetime (24 h by default) outlasts any CLI command.
   * Calls made side by side share one login; a failed login is tried again by the next call.
   */
  login(): Promise<string> {
    this.token ??= this.requestToken().catch((err: unknown) => {
      this.token = undefined;
      throw err;
    });
    return this.token;
  }

  private async requestToken(): Promise<string> {
    const res = await this.send(
      'POST',
      '/auth/token',
      { username: this.opts.username, password: this.opts.password },
      false,
    );
    const token = typeof res === 'object' && res !== null ? (res as Json)['access_token'] : null;
    if (typeof token !== 'string')
      throw new AirflowApiError(500, 'POST', '/auth/token', 'no access_token in the response');
    return token;
  }

  async listDags(): Promise<AirflowDag[]> {
    const body = await this.json('GET', '/api/v2/dags?limit=100&order_by=dag_id');
    return list(body['dags']).map(toDag);
  }

  async getDag(dagId: string): Promise<AirflowDag> {
    return toDag(await this.json('GET', `/api/v2/dags/${enc(dagId)}`));
  }

  async setPaused(dagId: string, paused: boolean): Promise<AirflowDag> {
    return toDag(await this.json('PATCH', `/api/v2/dags/${enc(dagId)}`, { is_paused: paused }));
  }

  /** Newest first (by run_after: manual and asset-triggered runs may have no logical date). */
  async listDagRuns(dagId: string, limit = 25): Promise<AirflowDagRun[]> {
    const body = await this.json(
      'GET',
      `/api/v2/dags/${enc(dagId)}/dagRuns?order_by=-run_after&limit=${limit}`,
    );
    return list(body['dag_runs']).map(toDagRun);
  }

  async getDagRun(dagId: string, runId: string): Promise<AirflowDagRun> {
    return toDagRun(await this.json('GET', `/api/v2/dags/${enc(dagId)}/dagRuns/${enc(runId)}`));
  }

  /**
   * Airflow 3 requires the `logical_date` field (null is allowed, but then templates have no
   * `ds`); callers pass one, normally now.
   */
  async triggerDagRun(
    dagId: string,
    opts: { logicalDate: string | null; conf?: Record<string, unknown> },
  ): Promise<AirflowDagRun> {
    return toDagRun(
      await this.json('POST', `/api/v2/dags/${enc(dagId)}/dagRuns`, {
        logical_date: opts.logicalDate,
        conf: opts.conf ?? {},
      }),
    );
  }

  async listTaskInstances(dagId: string, runId: string): Promise<AirflowTaskInstance[]> {
    const body = await this.json(
      'GET',
      `/api/v2/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances?limit=100`,
    );
    return list(body['task_instances']).map(toTaskInstance);
  }

  async taskLog(
    dagId: string,
    runId: string,
    taskId: string,
    tryNumber: number,
    mapIndex = -1,
  ): Promise<string[]> {
    const body = await this.send(
      'GET',
      `/api/v2/dags/${enc(dagId)}/dagRuns/${enc(runId)}/taskInstances/${enc(taskId)}/logs/${tryNumber}?full_content=true&map_index=${mapIndex}`,
    );
    return logLines(body);
  }

  async listImportErrors(): Promise<AirflowImportError[]> {
    const body = await this.json('GET', '/api/v2/importErrors?limit=100');
    return list(body['import_errors']).map((e) => ({
      filename: str(e['filename']),
      timestamp: str(e['timestamp']),
      stackTrace: str(e['stack_trace']),
    }));
  }
}
