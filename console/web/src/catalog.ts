/**
 * The catalog browser's pure parts: URLs of the page and of the API, and how counts, bytes and
 * times read. No DOM here: the unit tests import it under Node.
 */
import { formatValue } from './format.js';

/** The REST spec's separator of namespace levels in one path segment. */
export const LEVEL_SEPARATOR = '\u001f';

export const PAGE_SIZE = 100;

/** A namespace as one path segment: levels joined by 0x1F, then percent-encoded (`a%1Fb`). */
export const namespaceSegment = (namespace: readonly string[]): string =>
  encodeURIComponent(namespace.join(LEVEL_SEPARATOR));

/** The levels of a namespace route parameter (already percent-decoded by the router). */
export const namespaceLevels = (param: string | undefined): string[] =>
  param ? param.split(LEVEL_SEPARATOR) : [];

const api = (warehouse: string) => `/api/catalog/${encodeURIComponent(warehouse)}`;

export const catalogApi = {
  warehouses: () => '/api/catalog/warehouses',
  namespaces: (warehouse: string, parent: readonly string[] | undefined, pageToken?: string) =>
    `${api(warehouse)}/namespaces${query({
      parent: parent?.join(LEVEL_SEPARATOR),
      pageToken,
      pageSize: String(PAGE_SIZE),
    })}`,
  names: (
    warehouse: string,
    kind: 'tables' | 'views',
    namespace: readonly string[],
    pageToken?: string,
  ) =>
    `${api(warehouse)}/namespaces/${namespaceSegment(namespace)}/${kind}${query({
      pageToken,
      pageSize: String(PAGE_SIZE),
    })}`,
  table: (warehouse: string, namespace: readonly string[], table: string) =>
    `${api(warehouse)}/namespaces/${namespaceSegment(namespace)}/tables/${encodeURIComponent(table)}`,
  view: (warehouse: string, namespace: readonly string[], view: string) =>
    `${api(warehouse)}/namespaces/${namespaceSegment(namespace)}/views/${encodeURIComponent(view)}`,
};

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The page's own address of a table or view. */
export const catalogPage = (
  warehouse: string,
  namespace: readonly string[],
  kind: 'tables' | 'views',
  name: string,
): string =>
  `/catalog/${encodeURIComponent(warehouse)}/${namespaceSegment(namespace)}/${kind}/${encodeURIComponent(name)}`;

/** A count from a snapshot summary; "—" when the writer did not record it (not the same as 0). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

/** Bytes in binary units ("1.5 MiB"); "—" when unknown. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return formatValue(n, 'bytes');
}

/** Milliseconds since the epoch in UTC, to the second: the same on every reader's screen. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in milliseconds as a ref's retention reads ("7 d", "12 h", "30 min"). */
export function formatAge(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms} ms`;
}
