import { setTimeout as sleep } from 'node:timers/promises';
import { parseJson } from '../../lib/index.js';

/**
 * A small client for Trino's REST protocol: POST the statement to `/v1/statement`, then GET each
 * `nextUri` until there is none, collecting columns and rows. Values arrive as Trino's JSON
 * encoding (bigint beyond 2^53 as bigint, decimals and timestamps as strings).
 */

export interface TrinoColumn {
  name: string;
  /** Trino's type signature, e.g. `bigint`, `varchar(25)`, `decimal(12,2)`. */
  type: string;
}

export interface TrinoResult {
  queryId: string;
  columns: TrinoColumn[];
  rows: unknown[][];
  /** For statements other than SELECT, e.g. `CREATE TABLE`, `INSERT`. */
  updateType?: string;
  updateCount?: number;
  /** With `maxRows`: more rows than that arrived, the rest were not fetched (`rows` holds `maxRows`). */
  truncated?: boolean;
}

export interface QueryOptions {
  /** Aborting it cancels the query on the server too. */
  signal?: AbortSignal;
  /**
   * Keep at most this many rows: once more arrive, the query is cancelled on the server (DELETE
   * of its next URI) instead of being read to the end, and the result says `truncated`.
   */
  maxRows?: number;
}

/** Trino ran the query and reports that it failed (syntax, missing table, runtime error...). */
export class TrinoQueryError extends Error {
  constructor(
    /** Trino's message, as it would show it. */
    message: string,
    /** E.g. `SYNTAX_ERROR`, `TABLE_NOT_FOUND`, `DIVISION_BY_ZERO`. */
    readonly errorName: string,
    readonly errorCode: number,
    /** `USER_ERROR`, `INTERNAL_ERROR`, `INSUFFICIENT_RESOURCES` or `EXTERNAL`. */
    readonly errorType: string,
    readonly queryId: string,
  ) {
    super(message);
    this.name = 'TrinoQueryError';
  }
}

/** The server could not be reached or answered outside the protocol (not a query failure). */
export class TrinoHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TrinoHttpError';
  }
}

export interface TrinoClientOptions {
  /** The coordinator, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** `X-Trino-User` (default `lakehouse`); without authentication it is only a label. */
  user?: string;
  catalog?: string;
  schema?: string;
  /** `X-Trino-Source`, shown in Trino's query list. */
  source?: string;
  /** Per HTTP request (default 60 s); Trino answers long polls within ~1 s. */
  requestTimeoutMs?: number;
}

export interface TrinoInfo {
  nodeVersion: { version: string };
  environment: string;
  coordinator: boolean;
  starting: boolean;
  uptime?: string;
}

/** The parts of a `QueryResults` document this client reads. */
interface QueryResults {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  updateType?: string;
  updateCount?: number;
  error?: {
    message?: string;
    errorName?: string;
    errorCode?: number;
    errorType?: string;
  };
}

/**
 * `work`'s value, or `signal`'s abort reason as soon as it aborts; `onLate` gets the value when
 * it arrives after the abort, so what it started can be undone.
 */
function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onLate: (value: T) => void,
): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.then(onLate, () => {});
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted) resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted) reject(err);
      },
    );
  });
}

/** Statuses the protocol says to retry the same request after a pause. */
const RETRY_STATUSES = new Set([502, 503, 504]);

export class TrinoClient {
  readonly baseUrl: string;

  constructor(private readonly opts: TrinoClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  /** Runs one statement to completion, or until `maxRows` is exceeded (see `QueryOptions`). */
  async query(sql: string, { signal, maxRows }: QueryOptions = {}): Promise<TrinoResult> {
    const headers: Record<string, string> = {
      'X-Trino-User': this.opts.user ?? 'lakehouse',
      'X-Trino-Source': this.opts.source ?? 'lakehouse',
      'Content-Type': 'text/plain; charset=utf-8',
    };
    if (this.opts.catalog) headers['X-Trino-Catalog'] = this.opts.catalog;
    if (this.opts.schema) headers['X-Trino-Schema'] = this.opts.schema;

    // The POST itself is not aborted: Trino answers it with the query's id and next URI, which
    // are needed to cancel the query. An abort still ends this call at once; the query is
    // cancelled when the POST's answer arrives.
    const posted = this.request(`${this.baseUrl}/v1/statement`, 'POST', headers, undefined, sql);
    let page = await untilAborted(posted, signal, (first) => {
      if (first.nextUri) void this.cancel(first.nextUri, headers);
    });
    const rows: unknown[][] = [];
    let columns: TrinoColumn[] | undefined;
    let truncated = false;
    for (;;) {
      // Keep name and type only: typeSignature repeats the type in a structured form.
      if (page.columns) columns = page.columns.map(({ name, type }) => ({ name, type }));
      if (page.data) for (const row of page.data) rows.push(row);
      if (page.error) {
        const e = page.error;
        throw new TrinoQueryError(
          e.message ?? 'query failed',
          e.errorName ?? 'UNKNOWN',
          e.errorCode ?? -1,
          e.errorType ?? 'UNKNOWN',
          page.id,
        );
      }
      if (maxRows !== undefined && rows.length > maxRows) {
        truncated = true;
        rows.length = maxRows;
        // Nobody reads the rest: free the query's resources instead of letting it run on.
        if (page.nextUri) await this.cancel(page.nextUri, headers);
        break;
      }
      if (!page.nextUri) break;
      const next = page.nextUri;
      try {
        page = await this.request(next, 'GET', headers, signal);
      } catch (err) {
        // Free the query's resources on the server; nobody is reading its results any more.
        if (signal?.aborted) await this.cancel(next, headers);
        throw err;
      }
    }
    const result: TrinoResult = { queryId: page.id, columns: columns ?? [], rows };
    if (page.updateType !== undefined) result.updateType = page.updateType;
    if (page.updateCount !== undefined) result.updateCount = page.updateCount;
    if (maxRows !== undefined) result.truncated = truncated;
    return result;
  }

  /**
   * DELETE of a next URI: Trino cancels the query (USER_CANCELED). Best effort, bounded: the
   * caller is already done with the query, whether or not Trino still answers.
   */
  private async cancel(nextUri: string, headers: Record<string, string>): Promise<void> {
    await fetch(nextUri, { method: 'DELETE', headers, signal: AbortSignal.timeout(10_000) })
      .then((res) => res.body?.cancel())
      .catch(() => {});
  }

  /** `GET /v1/info`: version, role and whether the node is still starting. */
  async info(): Promise<TrinoInfo> {
    const res = await this.fetch(`${this.baseUrl}/v1/info`, { method: 'GET' });
    if (!res.ok) throw new TrinoHttpError(`GET /v1/info answered ${res.status}`, res.status);
    return (await res.json()) as TrinoInfo;
  }

  private async request(
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    body?: string,
  ): Promise<QueryResults> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetch(url, { method, headers, body, signal });
      const text = await res.text();
      if (res.ok) return parseJson(text) as QueryResults;
      if (RETRY_STATUSES.has(res.status) && attempt < 20) {
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 2_000)));
        continue;
      }
      throw new TrinoHttpError(
        `${method} ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 500)}`,
        res.status,
      );
    }
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs ?? 60_000);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await fetch(url, { ...init, signal });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new TrinoHttpError(
        `cannot reach Trino at ${this.baseUrl}${cause ? ` (${cause})` : ''}: ${(err as Error).message}`,
      );
    }
  }
}

/**
 * Trino's health as the runbook defines it: `/v1/info` says it has finished starting and
 * `SELECT 1` returns 1. False (never an exception) while it is down or starting.
 */
export async function isReady(
  baseUrl: string,
  opts: { timeoutMs?: number } = {},
): Promise<boolean> {
  const client = new TrinoClient({ baseUrl, requestTimeoutMs: opts.timeoutMs ?? 10_000 });
  try {
    const info = await client.info();
    if (info.starting) return false;
    const r = await client.query('SELECT 1');
    return r.rows.length === 1 && r.rows[0]?.[0] === 1;
  } catch {
    return false;
  }
}

/** How many workers (nodes other than the coordinator) the coordinator sees as active. */
export async function activeWorkers(client: TrinoClient): Promise<number> {
  const r = await client.query(
    "SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'",
  );
  return Number(r.rows[0]?.[0] ?? 0);
}

/** True for the errors of a cluster whose workers are (re)joining: the query may be retried. */
export function isWorkersSettling(err: unknown): boolean {
  return (
    err instanceof TrinoQueryError &&
    /NO_NODES_AVAILABLE|SERVER_STARTING_UP|No nodes available/.test(
      `${err.errorName} ${err.message}`,
    )
  );
}

/**
 * Runs a query, retrying while Trino's workers settle after a start or a restart: the scheduler
 * sees a worker a few seconds after it announces itself, and loses one that restarts after the
 * coordinator ("No nodes available to run query"). Any other error, or the deadline, ends it.
 */
export async function queryWhileWorkersSettle(
  client: TrinoClient,
  sql: string,
  timeoutMs = 120_000,
): Promise<TrinoResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.query(sql);
    } catch (err) {
      if (!isWorkersSettling(err) || Date.now() > deadline) throw err;
      await sleep(2000);
    }
  }
}
