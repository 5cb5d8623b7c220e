/**
 * The SQL view's pure parts and its calls to POST/DELETE /api/sql (src/console/api.ts). The
 * result's cells read as `lakehouse sql` prints them: NULL, strings as they are, the rest JSON.
 */
import type { SqlError, SqlResult, SqlValue } from '../../../src/console/api.js';

export const DEFAULT_ROW_LIMIT = 1_000;
export const MAX_ROW_LIMIT = 10_000;
/** Where the last query is kept for a reload (per tab, like the URL). */
export const STORAGE_KEY = 'lakehouse-console.sql';
/** A longer query stays out of the URL (sessionStorage still keeps it): links have limits. */
export const MAX_URL_QUERY = 2_000;

export function cellText(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export const rowsLabel = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;

export function formatElapsed(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.floor(ms / 1_000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** The row limit typed into the box, or why it cannot be sent. */
export function parseRowLimit(
  text: string,
): { ok: true; value: number } | { ok: false; error: string } {
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > MAX_ROW_LIMIT) {
    return { ok: false, error: `The row limit is a whole number from 1 to ${MAX_ROW_LIMIT}.` };
  }
  return { ok: true, value: n };
}

/** A version 4 UUID; crypto.randomUUID exists only on secure origins, the console may be http. */
export function newQueryId(
  random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b),
): string {
  const b = random(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The query a reload brings back: the URL's `?q=` first (a shared link), then this tab's last. */
export function restoreQuery(search: string, stored: string | null): string {
  return new URLSearchParams(search).get('q') ?? stored ?? '';
}

/** The URL's query string for `sql`: `?q=` when short enough, none when empty or long. */
export function querySearch(sql: string): string {
  return sql.trim() && sql.length <= MAX_URL_QUERY ? `?${new URLSearchParams({ q: sql })}` : '';
}

export type SqlOutcome =
  | { kind: 'result'; result: SqlResult }
  | { kind: 'cancelled' }
  | { kind: 'error'; status: number; error: SqlError };

/** POST /api/sql: the result, a cancellation, or the error as the server (or Trino) gives it. */
export async function runSql(
  body: { sql: string; clientQueryId: string; maxRows: number },
  signal: AbortSignal,
): Promise<SqlOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal.aborted) return { kind: 'cancelled' };
    return {
      kind: 'error',
      status: 0,
      error: { error: `the console server did not answer (${String(err)})` },
    };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.ok && json && typeof json === 'object')
    return { kind: 'result', result: json as SqlResult };
  const error =
    json && typeof json === 'object' && typeof (json as SqlError).error === 'string'
      ? (json as SqlError)
      : { error: text.slice(0, 300) || `${res.status} ${res.statusText}` };
  if (error.cancelled) return { kind: 'cancelled' };
  return { kind: 'error', status: res.status, error };
}

/** DELETE /api/sql/:id: its POST then answers `cancelled`. */
export async function cancelSql(clientQueryId: string): Promise<void> {
  await fetch(`/api/sql/${encodeURIComponent(clientQueryId)}`, { method: 'DELETE' }).catch(
    () => {},
  );
}
