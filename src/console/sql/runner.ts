import type { SqlError, SqlResult } from '../api.js';
import {
  CONSOLE_TRINO_USER,
  TrinoClient,
  TrinoHttpError,
  TrinoQueryError,
} from '../../platform/trino/index.js';
import { isTableProcedure, TABLE_PROCEDURE_REFUSED } from './guard.js';
import type { SqlQuery } from './request.js';
import { toSqlRows } from './values.js';

/** Shown as the query's source in Trino's query list and UI. */
export const CONSOLE_TRINO_SOURCE = 'lakehouse-console';
/** Queries running at once; more answer 429 (the coordinator shares two cores with everything). */
export const MAX_RUNNING = 4;

export type SqlAnswer =
  { status: 200; body: SqlResult } | { status: 400 | 403 | 409 | 429 | 502 | 503; body: SqlError };

interface Running {
  abort: AbortController;
  /** Why it was aborted: a DELETE from the page, or the page went away. */
  reason?: 'cancelled' | 'disconnected';
}

/**
 * The console's running SQL queries, by the page's clientQueryId, so the page can cancel one
 * (`cancel`) while its POST waits for the result. Trino itself enforces what the console's user
 * may do, but for the one write it lets through (./guard.ts); this runs, bounds and cancels.
 */
export class SqlRunner {
  private readonly running = new Map<string, Running>();

  constructor(private readonly opts: { maxRunning?: number } = {}) {}

  get size(): number {
    return this.running.size;
  }

  /**
   * Runs `query` on the coordinator at `trinoUrl` to its end, its `maxRows`, a `cancel` or
   * `disconnected`, and answers with the status and body POST /api/sql sends.
   */
  async run(query: SqlQuery, trinoUrl: string): Promise<SqlAnswer> {
    const id = query.clientQueryId;
    if (isTableProcedure(query.sql))
      return { status: 403, body: { error: TABLE_PROCEDURE_REFUSED } };
    if (this.running.has(id)) {
      return { status: 409, body: { error: `a query with clientQueryId ${id} is running` } };
    }
    const max = this.opts.maxRunning ?? MAX_RUNNING;
    if (this.running.size >= max) {
      return {
        status: 429,
        body: { error: `${max} queries are running already: wait for one or cancel it` },
      };
    }
    const entry: Running = { abort: new AbortController() };
    this.running.set(id, entry);
    const client = new TrinoClient({
      baseUrl: trinoUrl,
      user: CONSOLE_TRINO_USER,
      source: CONSOLE_TRINO_SOURCE,
      catalog: query.catalog,
      ...(query.schema ? { schema: query.schema } : {}),
    });
    const started = Date.now();
    try {
      const r = await client.query(query.sql, {
        signal: entry.abort.signal,
        maxRows: query.maxRows,
      });
      const body: SqlResult = {
        queryId: r.queryId,
        columns: r.columns,
        rows: toSqlRows(r.rows),
        truncated: r.truncated ?? false,
        elapsedMs: Date.now() - started,
      };
      if (r.updateType !== undefined) body.updateType = r.updateType;
      if (r.updateCount !== undefined) body.updateCount = r.updateCount;
      return { status: 200, body };
    } catch (err) {
      return failure(err, entry);
    } finally {
      this.running.delete(id);
    }
  }

  /** Cancels a running query (its POST answers 409 `cancelled`); false when none has that id. */
  cancel(clientQueryId: string, reason: Running['reason'] = 'cancelled'): boolean {
    const entry = this.running.get(clientQueryId);
    if (!entry) return false;
    entry.reason ??= reason;
    entry.abort.abort();
    return true;
  }

  /** Cancels every running query (the server is closing). */
  cancelAll(): void {
    for (const id of [...this.running.keys()]) this.cancel(id, 'disconnected');
  }
}

function failure(err: unknown, entry: Running): SqlAnswer {
  if (entry.abort.signal.aborted) {
    return {
      status: 409,
      body: {
        error:
          entry.reason === 'disconnected'
            ? 'the query was cancelled: the page went away'
            : 'the query was cancelled',
        cancelled: true,
      },
    };
  }
  if (err instanceof TrinoQueryError) {
    return {
      // A user's mistake (syntax, a missing table, access denied) or Trino's own failure.
      status: err.errorType === 'USER_ERROR' ? 400 : 502,
      body: {
        error: err.message,
        errorName: err.errorName,
        errorType: err.errorType,
        queryId: err.queryId,
      },
    };
  }
  if (err instanceof TrinoHttpError && err.status === undefined) {
    return {
      status: 502,
      body: {
        error: `${err.message}. Is Trino running? \`lakehouse status\` shows it, \`lakehouse logs trino\` says why`,
      },
    };
  }
  return {
    status: 502,
    body: {
      error: `Trino failed the request: ${err instanceof Error ? err.message : String(err)}; \`lakehouse logs trino\` says why`,
    },
  };
}
