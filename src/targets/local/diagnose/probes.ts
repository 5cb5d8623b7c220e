/**
 * Active checks `diagnose` runs against a live platform. Each returns what it saw, never throws,
 * and changes nothing it does not undo (the MinIO probe deletes its object).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { FailedQuery, Probes } from '../../../ops/diagnose/index.js';
import { TrinoClient } from '../trino/index.js';
import { localMinioClient } from '../../../platform/minio/index.js';
import type { PlatformSecrets } from '../secrets.js';

/** Trino's query list marks our own probes with this source, so they are not counted. */
export const DIAGNOSE_SOURCE = 'lakehouse-diagnose';
/** Failed queries this recent count. */
export const FAILED_QUERY_WINDOW_MINUTES = 15;
/** Where the MinIO write probe puts its object. */
export const MINIO_PROBE_PREFIX = '.lakehouse-diagnose/';
const PROBE_TIMEOUT_MS = 20_000;
/** A probe query that takes longer than this is cancelled and reported as failed. */
const QUERY_TIMEOUT_MS = 45_000;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The query calls of a TrinoClient, each cancelled after QUERY_TIMEOUT_MS. */
interface Querier {
  query(sql: string): Promise<{ rows: unknown[][] }>;
}

/**
 * Probes Trino: its catalogs, its recent failed queries and, when `readTable` (the catalog is
 * healthy: listing tables would otherwise wait on it), a read of an Iceberg table.
 */
export async function probeTrino(
  coordinatorPort: number,
  readTable: boolean,
): Promise<Pick<Probes, 'trinoCatalogs' | 'trinoTableRead' | 'trinoFailedQueries'>> {
  const baseUrl = `http://127.0.0.1:${coordinatorPort}`;
  const trino = new TrinoClient({
    baseUrl,
    source: DIAGNOSE_SOURCE,
    requestTimeoutMs: PROBE_TIMEOUT_MS,
  });
  const client: Querier = {
    query: (sql) => trino.query(sql, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) }),
  };
  const out: Pick<Probes, 'trinoCatalogs' | 'trinoTableRead' | 'trinoFailedQueries'> = {};
  let catalogs: string[] = [];
  try {
    const r = await client.query('SHOW CATALOGS');
    catalogs = r.rows.map((row) => String(row[0]));
    out.trinoCatalogs = { ok: true, catalogs };
  } catch (err) {
    out.trinoCatalogs = { ok: false, error: message(err) };
  }
  try {
    const r = await client.query(
      `SELECT query_id, error_code, error_type, query, CAST(created AS varchar)
       FROM system.runtime.queries
       WHERE state = 'FAILED' AND (source IS NULL OR source <> '${DIAGNOSE_SOURCE}')
         AND created > current_timestamp - INTERVAL '${FAILED_QUERY_WINDOW_MINUTES}' MINUTE
       ORDER BY created DESC LIMIT 50`,
    );
    const queries: FailedQuery[] = r.rows.map((row) => ({
      queryId: String(row[0]),
      errorCode: String(row[1] ?? ''),
      errorType: String(row[2] ?? ''),
      query: String(row[3] ?? ''),
      created: String(row[4] ?? ''),
    }));
    out.trinoFailedQueries = { ok: true, queries };
  } catch (err) {
    out.trinoFailedQueries = { ok: false, error: message(err) };
  }
  if (readTable && catalogs.includes('iceberg')) {
    out.trinoTableRead = await probeTableRead(client, baseUrl);
  }
  return out;
}

/** Trino's `failureInfo`: an exception with its cause chain and suppressed exceptions. */
interface FailureInfo {
  type?: string;
  message?: string;
  cause?: FailureInfo;
  suppressed?: FailureInfo[];
}

/** Every message of a failure, outermost first (the S3 status is often only in a cause). */
export function failureMessages(info: FailureInfo | undefined, depth = 0): string[] {
  if (!info || depth > 20) return [];
  const own = info.message ? [`${info.type ?? 'error'}: ${info.message}`] : [];
  return [
    ...own,
    ...(info.suppressed ?? []).flatMap((s) => failureMessages(s, depth + 1)),
    ...failureMessages(info.cause, depth + 1),
  ];
}

type QueryOutcome = { rows: unknown[][] } | { error: string };

/**
 * Runs a statement over Trino's REST protocol; a failure comes back with its whole cause chain.
 * Our TrinoClient keeps only the top message, which for a denied S3 read says "Failed to get
 * status for file"; the 403 is in the causes.
 */
async function runQuery(baseUrl: string, sql: string): Promise<QueryOutcome> {
  const signal = AbortSignal.timeout(QUERY_TIMEOUT_MS);
  const headers = { 'X-Trino-User': 'lakehouse', 'X-Trino-Source': DIAGNOSE_SOURCE };
  let res = await fetch(`${baseUrl}/v1/statement`, { method: 'POST', headers, body: sql, signal });
  const rows: unknown[][] = [];
  for (;;) {
    if (!res.ok && res.status !== 503) return { error: `Trino answered HTTP ${res.status}` };
    const page = (await res.json()) as {
      nextUri?: string;
      data?: unknown[][];
      error?: { message?: string; failureInfo?: FailureInfo };
    };
    if (page.error) {
      const top = page.error.message ?? 'query failed';
      // The innermost causes say why (e.g. `S3Exception: Forbidden (… Status Code: 403 …)`).
      const causes = [...new Set(failureMessages(page.error.failureInfo).slice(1))].slice(-2);
      return { error: causes.length > 0 ? `${top}; caused by: ${causes.join('; ')}` : top };
    }
    rows.push(...(page.data ?? []));
    if (!page.nextUri) return { rows };
    res = await fetch(page.nextUri, { headers, signal });
  }
}

/**
 * Reads one row of the first Iceberg table that has data: listing tables goes to the catalog,
 * reading goes to MinIO with the credentials of Trino's catalog configuration.
 */
async function probeTableRead(
  client: Querier,
  baseUrl: string,
): Promise<NonNullable<Probes['trinoTableRead']>> {
  let tables: Array<[string, string]>;
  try {
    const r = await client.query(
      `SELECT table_schema, table_name FROM iceberg.information_schema.tables
       WHERE table_schema NOT IN ('information_schema', 'system') AND table_type = 'BASE TABLE'
       ORDER BY table_schema, table_name LIMIT 20`,
    );
    tables = r.rows.map((row) => [String(row[0]), String(row[1])]);
  } catch (err) {
    return { ok: false, table: null, error: message(err) };
  }
  for (const [schema, name] of tables) {
    const table = `iceberg.${schema}.${name}`;
    try {
      // A table without a snapshot reads no data file: look for one that has data.
      const snapshots = await runQuery(
        baseUrl,
        `SELECT count(*) FROM iceberg.${quoteIdent(schema)}.${quoteIdent(`${name}$snapshots`)}`,
      );
      if ('error' in snapshots) return { ok: false, table, error: snapshots.error };
      if (Number(snapshots.rows[0]?.[0] ?? 0) === 0) continue;
      const read = await runQuery(
        baseUrl,
        `SELECT * FROM iceberg.${quoteIdent(schema)}.${quoteIdent(name)} LIMIT 1`,
      );
      if ('error' in read) return { ok: false, table, error: read.error };
      return { ok: true, table };
    } catch (err) {
      return { ok: false, table, error: message(err) };
    }
  }
  return { ok: true, table: null };
}

/** `GET /readyz` of the catalog: 200 or 503 with a check per dependency. */
export async function probeCatalogReady(
  port: number,
): Promise<NonNullable<Probes['catalogReady']>> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, string> };
    return { ok: true, status: res.status, checks: body.checks ?? {} };
  } catch (err) {
    return { ok: false, error: message(err) };
  }
}

/** Puts, reads back and deletes a tiny object under `.lakehouse-diagnose/` in the bucket. */
export async function probeMinioWrite(opts: {
  port: number;
  bucket: string;
  key: PlatformSecrets['minio'];
}): Promise<NonNullable<Probes['minioWrite']>> {
  const s3 = localMinioClient(opts.port, opts.key, { maxAttempts: 1 });
  const key = `${MINIO_PROBE_PREFIX}probe-${randomBytes(6).toString('hex')}`;
  const body = `lakehouse diagnose ${new Date().toISOString()}\n`;
  const abortSignal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    await s3.send(new PutObjectCommand({ Bucket: opts.bucket, Key: key, Body: body }), {
      abortSignal,
    });
    const got = await s3.send(new GetObjectCommand({ Bucket: opts.bucket, Key: key }), {
      abortSignal,
    });
    const text = await got.Body?.transformToString();
    await s3.send(new DeleteObjectCommand({ Bucket: opts.bucket, Key: key }), { abortSignal });
    if (text !== body) {
      return {
        ok: false,
        bucket: opts.bucket,
        error: 'the object read back differs from the one written',
      };
    }
    return { ok: true, bucket: opts.bucket };
  } catch (err) {
    const code = err instanceof S3ServiceException ? err.name : undefined;
    return { ok: false, bucket: opts.bucket, error: message(err), ...(code ? { code } : {}) };
  } finally {
    s3.destroy();
  }
}

/** One GET of a health endpoint, with what went wrong when it did not answer as expected. */
export async function probeHealthDetail(
  url: string,
  timeoutMs = 3_000,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { ok: res.ok, detail: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string } };
    if (e.name === 'TimeoutError') return { ok: false, detail: `no answer within ${timeoutMs} ms` };
    return { ok: false, detail: e.cause?.code ?? message(err) };
  }
}
