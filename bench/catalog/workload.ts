// The workload, the same for every server: Iceberg REST calls over plain HTTP with Node's fetch
// (undici underneath, keep-alive connections reused across requests).
//   setup  — one namespace, N tables with a ~20-column schema, a partition spec, a sort order and
//            a few snapshots each (add-snapshot + set-snapshot-ref commits with fake manifest-list
//            paths: a catalog never reads them), so the metadata is not trivial.
//   load   — GET  {root}/namespaces/{ns}/tables/{t}
//   commit — POST {root}/namespaces/{ns}/tables/{t} with assert-table-uuid + set-properties;
//            each worker commits to its own table, so commits do not conflict.
import { randomUUID } from 'node:crypto';
import type { Outcome, RequestFn } from './load.js';

/** Per-request time limit, so a stuck server cannot hold a cell past its window for long. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface CatalogEndpoint {
  baseUrl: string;
  /** The `prefix` the server's /v1/config asks for, if any. */
  prefix: string | undefined;
  /** Base of the catalog routes: {baseUrl}/v1 or {baseUrl}/v1/{prefix}. */
  root: string;
  config: unknown;
}

export interface BenchTable {
  name: string;
  uuid: string;
  location: string;
  snapshotIds: number[];
  metadataBytes: number;
}

interface HttpAnswer {
  status: number;
  body: unknown;
}

/** A JSON request that must succeed; throws with the server's error message otherwise. */
async function call(method: string, url: string, body?: unknown): Promise<HttpAnswer> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  if (res.status < 200 || res.status >= 300) {
    throw new Error(
      `${method} ${url} → HTTP ${res.status}: ${errorMessage(parsed) ?? text.slice(0, 300)}`,
    );
  }
  return { status: res.status, body: parsed };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The `error.message` (and type) of an Iceberg REST error response, if it is one. */
function errorMessage(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { type, message } = body.error;
  return `${typeof type === 'string' ? `${type}: ` : ''}${typeof message === 'string' ? message : ''}`;
}

function errorType(body: unknown): string | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  return typeof body.error.type === 'string' ? body.error.type : undefined;
}

/** GET /v1/config, and the route base it implies (honouring a `prefix` override or default). */
export async function discover(baseUrl: string): Promise<CatalogEndpoint> {
  const { body } = await call('GET', `${baseUrl}/v1/config`);
  let prefix: string | undefined;
  if (isRecord(body)) {
    for (const section of [body.overrides, body.defaults]) {
      if (isRecord(section) && typeof section.prefix === 'string' && section.prefix !== '') {
        prefix = section.prefix;
        break;
      }
    }
  }
  const root = prefix ? `${baseUrl}/v1/${encodeURIComponent(prefix)}` : `${baseUrl}/v1`;
  return { baseUrl, prefix, root, config: body };
}

function tableUrl(ep: CatalogEndpoint, ns: string, table: string): string {
  return `${ep.root}/namespaces/${encodeURIComponent(ns)}/tables/${encodeURIComponent(table)}`;
}

/** A 20-column event table: primitives, a decimal, a list, a map and a struct. */
export function benchSchema(): Record<string, unknown> {
  const f = (id: number, name: string, type: unknown, required = false, doc?: string) => ({
    id,
    name,
    required,
    type,
    ...(doc ? { doc } : {}),
  });
  return {
    type: 'struct',
    'schema-id': 0,
    'identifier-field-ids': [1],
    fields: [
      f(1, 'event_id', 'long', true, 'unique id of the event'),
      f(2, 'event_ts', 'timestamptz', true, 'when the event happened'),
      f(3, 'event_date', 'date'),
      f(4, 'user_id', 'long'),
      f(5, 'session_id', 'string'),
      f(6, 'event_type', 'string', false, 'click, view, purchase, …'),
      f(7, 'country', 'string'),
      f(8, 'device', 'string'),
      f(9, 'os_version', 'string'),
      f(10, 'app_version', 'string'),
      f(11, 'price', 'decimal(12, 2)'),
      f(12, 'quantity', 'int'),
      f(13, 'discount', 'double'),
      f(14, 'is_test', 'boolean'),
      f(15, 'referrer', 'string'),
      f(16, 'ip', 'string'),
      f(17, 'tags', {
        type: 'list',
        'element-id': 21,
        element: 'string',
        'element-required': false,
      }),
      f(18, 'attributes', {
        type: 'map',
        'key-id': 22,
        key: 'string',
        'value-id': 23,
        value: 'string',
        'value-required': false,
      }),
      f(19, 'geo', {
        type: 'struct',
        fields: [f(24, 'lat', 'double'), f(25, 'lon', 'double')],
      }),
      f(20, 'payload', 'binary'),
    ],
  };
}

function createTableRequest(name: string): Record<string, unknown> {
  return {
    name,
    schema: benchSchema(),
    'partition-spec': {
      'spec-id': 0,
      fields: [
        { 'source-id': 2, 'field-id': 1000, name: 'event_ts_day', transform: 'day' },
        { 'source-id': 4, 'field-id': 1001, name: 'user_id_bucket', transform: 'bucket[16]' },
      ],
    },
    'write-order': {
      'order-id': 1,
      fields: [
        { 'source-id': 2, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        { 'source-id': 5, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
      ],
    },
    'stage-create': false,
    properties: {
      'format-version': '2',
      'write.format.default': 'parquet',
      'write.parquet.compression-codec': 'zstd',
      'write.target-file-size-bytes': '536870912',
      owner: 'bench',
      comment: 'catalog benchmark table',
    },
  };
}

/** An append snapshot whose manifest list does not exist (the catalog never opens it). */
function fakeSnapshot(
  location: string,
  id: number,
  parent: number | undefined,
  sequence: number,
): Record<string, unknown> {
  const files = 8 + sequence;
  return {
    'snapshot-id': id,
    ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
    'sequence-number': sequence,
    'timestamp-ms': Date.now(),
    'manifest-list': `${location}/metadata/snap-${id}-1-${randomUUID()}.avro`,
    summary: {
      operation: 'append',
      'added-data-files': String(files),
      'added-records': String(files * 125_000),
      'added-files-size': String(files * 48_000_000),
      'changed-partition-count': '3',
      'total-data-files': String(files * sequence),
      'total-delete-files': '0',
      'total-records': String(files * sequence * 125_000),
      'total-files-size': String(files * sequence * 48_000_000),
      'total-position-deletes': '0',
      'total-equality-deletes': '0',
      'engine-name': 'lakehouse-bench',
    },
    'schema-id': 0,
  };
}

function readMetadata(body: unknown): { uuid: string; location: string } {
  if (isRecord(body) && isRecord(body.metadata)) {
    const { metadata } = body;
    if (typeof metadata['table-uuid'] === 'string' && typeof metadata.location === 'string') {
      return { uuid: metadata['table-uuid'], location: metadata.location };
    }
  }
  throw new Error(`unexpected table response: ${JSON.stringify(body).slice(0, 300)}`);
}

/**
 * Creates namespace `ns` and `count` tables t00…, each with `snapshots` snapshots on `main`.
 * Then loads each table once, checks the snapshots are there, and measures its metadata size.
 */
export async function setupTables(
  ep: CatalogEndpoint,
  ns: string,
  count: number,
  snapshots: number,
): Promise<BenchTable[]> {
  await call('POST', `${ep.root}/namespaces`, {
    namespace: [ns],
    properties: { owner: 'bench' },
  });
  const tables: BenchTable[] = [];
  const width = String(count - 1).length < 2 ? 2 : String(count - 1).length;
  for (let i = 0; i < count; i++) {
    const name = `t${String(i).padStart(width, '0')}`;
    const created = await call('POST', `${ep.root}/namespaces/${encodeURIComponent(ns)}/tables`, {
      ...createTableRequest(name),
    });
    const { uuid, location } = readMetadata(created.body);
    const snapshotIds: number[] = [];
    let parent: number | undefined;
    for (let s = 1; s <= snapshots; s++) {
      const id = 1_000_000 * (i + 1) + s;
      await call('POST', tableUrl(ep, ns, name), {
        identifier: { namespace: [ns], name },
        requirements: [
          { type: 'assert-table-uuid', uuid },
          { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': parent ?? null },
        ],
        updates: [
          { action: 'add-snapshot', snapshot: fakeSnapshot(location, id, parent, s) },
          { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': id },
        ],
      });
      snapshotIds.push(id);
      parent = id;
    }
    const res = await fetch(tableUrl(ep, ns, name), {
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`loading ${ns}.${name} → HTTP ${res.status}: ${text}`);
    const loaded: unknown = JSON.parse(text);
    const meta = isRecord(loaded) && isRecord(loaded.metadata) ? loaded.metadata : {};
    const got = Array.isArray(meta.snapshots) ? meta.snapshots.length : 0;
    if (got !== snapshots || meta['current-snapshot-id'] !== parent) {
      throw new Error(
        `${ns}.${name}: expected ${snapshots} snapshots with current ${parent}, the server has ${got} (current ${String(meta['current-snapshot-id'])})`,
      );
    }
    tables.push({ name, uuid, location, snapshotIds, metadataBytes: Buffer.byteLength(text) });
  }
  return tables;
}

export interface TableCheck {
  snapshots: number;
  metadataLogEntries: number;
  properties: Record<string, string>;
  responseBytes: number;
}

/** Loads a table and returns what a check after the cells needs: did the commits land? */
export async function inspectTable(
  ep: CatalogEndpoint,
  ns: string,
  table: string,
): Promise<TableCheck> {
  const res = await fetch(tableUrl(ep, ns, table), {
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`loading ${ns}.${table} → HTTP ${res.status}: ${text}`);
  const body: unknown = JSON.parse(text);
  const meta = isRecord(body) && isRecord(body.metadata) ? body.metadata : {};
  const properties: Record<string, string> = {};
  if (isRecord(meta.properties)) {
    for (const [k, v] of Object.entries(meta.properties)) {
      if (typeof v === 'string') properties[k] = v;
    }
  }
  return {
    snapshots: Array.isArray(meta.snapshots) ? meta.snapshots.length : 0,
    metadataLogEntries: Array.isArray(meta['metadata-log']) ? meta['metadata-log'].length : 0,
    properties,
    responseBytes: Buffer.byteLength(text),
  };
}

/** Sends one request and classifies the answer; the body is always read to the end. */
async function timed(url: string, init: RequestInit): Promise<Outcome> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const key = e.cause?.code ?? e.name;
    return { kind: 'error', key, detail: e.cause?.message ?? e.message };
  }
  if (res.status >= 200 && res.status < 300) {
    await res.arrayBuffer();
    return { kind: 'ok' };
  }
  const text = await res.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const type = errorType(body);
  const key = `HTTP ${res.status}${type ? ` ${type}` : ''}`;
  const detail = (errorMessage(body) ?? text).slice(0, 300);
  return { kind: res.status === 409 ? 'conflict' : 'error', key, detail };
}

/** loadTable: each worker walks the tables round-robin, starting at its own index. */
export function loadTableRequest(ep: CatalogEndpoint, ns: string, tables: BenchTable[]): RequestFn {
  const urls = tables.map((t) => tableUrl(ep, ns, t.name));
  return ({ worker, iteration }) => timed(urls[(worker + iteration) % urls.length] as string, {});
}

/**
 * commit: worker w commits to table w (mod the table count) — no two workers share a table while
 * the concurrency is at most the table count. Requirement assert-table-uuid; update set-properties.
 */
export function commitRequest(ep: CatalogEndpoint, ns: string, tables: BenchTable[]): RequestFn {
  return ({ worker, iteration }) => {
    const table = tables[worker % tables.length] as BenchTable;
    const body = {
      identifier: { namespace: [ns], name: table.name },
      requirements: [{ type: 'assert-table-uuid', uuid: table.uuid }],
      updates: [
        {
          action: 'set-properties',
          updates: { 'bench.last-writer': `worker-${worker}`, 'bench.sequence': String(iteration) },
        },
      ],
    };
    return timed(tableUrl(ep, ns, table.name), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };
}
