import type { TableCheck } from '../../../ops/backup/index.js';

/**
 * What a restore checks through the catalog's Iceberg REST API, as any client would see it: every
 * namespace (nested ones too), every table in it, and for each the files its load points at.
 */

const enc = (ns: string[]) => encodeURIComponent(ns.join('\x1f'));

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function listPaged<T>(url: string, field: string): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page = await getJson<Record<string, unknown>>(
      token ? `${url}${sep}pageToken=${encodeURIComponent(token)}` : url,
    );
    out.push(...((page[field] as T[] | undefined) ?? []));
    const next = page['next-page-token'];
    token = typeof next === 'string' && next.length > 0 ? next : undefined;
  } while (token);
  return out;
}

interface LoadTableResponse {
  'metadata-location'?: string;
  metadata: { snapshots?: Array<{ 'manifest-list'?: string }> };
}

/** Every table of the catalog at `baseUrl` (e.g. http://127.0.0.1:8181), loaded. */
export async function loadAllTables(baseUrl: string): Promise<TableCheck[]> {
  const namespaces: string[][] = [];
  const seen = new Set<string>();
  const visit = async (parent: string[] | undefined) => {
    const url = parent
      ? `${baseUrl}/v1/namespaces?parent=${enc(parent)}`
      : `${baseUrl}/v1/namespaces`;
    for (const ns of await listPaged<string[]>(url, 'namespaces')) {
      const key = ns.join('\x1f');
      if (seen.has(key)) continue;
      seen.add(key);
      namespaces.push(ns);
      await visit(ns);
    }
  };
  await visit(undefined);
  const tables: TableCheck[] = [];
  for (const ns of namespaces) {
    const ids = await listPaged<{ namespace: string[]; name: string }>(
      `${baseUrl}/v1/namespaces/${enc(ns)}/tables`,
      'identifiers',
    );
    for (const id of ids) {
      const loaded = await getJson<LoadTableResponse>(
        `${baseUrl}/v1/namespaces/${enc(ns)}/tables/${encodeURIComponent(id.name)}`,
      );
      const location = loaded['metadata-location'];
      if (!location)
        throw new Error(`table ${[...ns, id.name].join('.')} loads without a metadata location`);
      const manifestLists = (loaded.metadata.snapshots ?? [])
        .map((s) => s['manifest-list'])
        .filter((l): l is string => typeof l === 'string');
      tables.push({
        namespace: ns,
        name: id.name,
        metadataLocation: location,
        requiredFiles: [location, ...manifestLists],
      });
    }
  }
  return tables;
}
