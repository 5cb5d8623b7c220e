import type { TableCheck } from '../../ops/backup/index.js';

/**
 * What a restore checks through the catalog's Iceberg REST API, as any client would see it: every
 * namespace (nested ones too), every table in it, and for each the files its load points at.
 */

const enc = (ns: string[]) => encodeURIComponent(ns.join('\x1f'));

async function getJson<T>(url: string, token: string | undefined): Promise<T> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(30_000),
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function listPaged<T>(url: string, field: string, token: string | undefined): Promise<T[]> {
  const out: T[] = [];
  let pageToken: string | undefined;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page = await getJson<Record<string, unknown>>(
      pageToken ? `${url}${sep}pageToken=${encodeURIComponent(pageToken)}` : url,
      token,
    );
    out.push(...((page[field] as T[] | undefined) ?? []));
    const next = page['next-page-token'];
    pageToken = typeof next === 'string' && next.length > 0 ? next : undefined;
  } while (pageToken);
  return out;
}

interface LoadTableResponse {
  'metadata-location'?: string;
  metadata: { snapshots?: Array<{ 'manifest-list'?: string }> };
}

/**
 * Every table of the catalog at `baseUrl` (e.g. http://127.0.0.1:8181), loaded; `token` is the
 * bearer token of a catalog that requires one.
 */
export async function loadAllTables(baseUrl: string, token?: string): Promise<TableCheck[]> {
  const namespaces: string[][] = [];
  const seen = new Set<string>();
  const visit = async (parent: string[] | undefined) => {
    const url = parent
      ? `${baseUrl}/v1/namespaces?parent=${enc(parent)}`
      : `${baseUrl}/v1/namespaces`;
    for (const ns of await listPaged<string[]>(url, 'namespaces', token)) {
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
      token,
    );
    for (const id of ids) {
      const loaded = await getJson<LoadTableResponse>(
        `${baseUrl}/v1/namespaces/${enc(ns)}/tables/${encodeURIComponent(id.name)}`,
        token,
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
