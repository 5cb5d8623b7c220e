import { z } from 'zod';
import { parseJson } from '../../lib/index.js';
import type {
  CatalogNamespace,
  CatalogPage,
  CatalogTable,
  CatalogView,
  CatalogWarehouse,
} from '../api.js';
import { parseAnswer, ShapeError } from './shape.js';
import { toCatalogTable } from './table.js';
import { toCatalogView } from './view.js';

/** Where the platform's catalog is, and how the console authenticates to it. */
export interface CatalogSettings {
  /** `http://127.0.0.1:8181`: the REST API is under `/v1`. */
  url: string;
  /** Sent as a bearer token; null locally. Never leaves the server. */
  token: string | null;
  /** The warehouses the platform configures, by the name a client passes as `warehouse`. */
  warehouses: CatalogWarehouse[];
}

/** A catalog read's outcome: the value, or the status and text the console answers with. */
export type CatalogAnswer<T> =
  { ok: true; value: T } | { ok: false; status: number; error: string };

/** A loopback catalog answers in milliseconds; a minute-long wait is a hung server. */
export const CATALOG_TIMEOUT_MS = 15_000;

/** The REST spec's separator of namespace levels in a path segment or `parent`. */
const UNIT_SEPARATOR = '\u001f';

const pageTokenSchema = z.string().nullish();
const namespacesSchema = z.looseObject({
  namespaces: z.array(z.array(z.string())),
  'next-page-token': pageTokenSchema,
});
const identifiersSchema = z.looseObject({
  identifiers: z.array(z.looseObject({ namespace: z.array(z.string()), name: z.string() })),
  'next-page-token': pageTokenSchema,
});
const namespaceSchema = z.looseObject({
  namespace: z.array(z.string()),
  properties: z.record(z.string(), z.string()).nullish(),
});
const configSchema = z.looseObject({
  overrides: z.record(z.string(), z.string()).nullish(),
});
const errorSchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });

export interface PageRequest {
  pageToken?: string | undefined;
  pageSize: number;
}

/** Every part is percent-encoded: a name can never become a path of its own (`/`, `..`). */
const segment = (part: string): string => encodeURIComponent(part);
const nsSegment = (namespace: readonly string[]): string => segment(namespace.join(UNIT_SEPARATOR));

function pageQuery(page: PageRequest, extra: Record<string, string> = {}): URLSearchParams {
  const query = new URLSearchParams(extra);
  query.set('pageSize', String(page.pageSize));
  if (page.pageToken !== undefined) query.set('pageToken', page.pageToken);
  return query;
}

function unreachable(url: string, err: unknown): CatalogAnswer<never> {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return {
      ok: false,
      status: 504,
      error: `the Iceberg catalog at ${url} did not answer within ${CATALOG_TIMEOUT_MS / 1000} s: \`lakehouse logs iceberg-catalog\` shows what it is doing`,
    };
  }
  const code =
    err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
  return {
    ok: false,
    status: 502,
    error: `the Iceberg catalog at ${url} cannot be reached (${code ?? (err instanceof Error ? err.message : String(err))}): is it running? \`lakehouse status\` shows it, \`lakehouse logs iceberg-catalog\` says why`,
  };
}

/**
 * Reads the platform's Iceberg REST catalog as any client would. Every URL is built from
 * validated, percent-encoded parts; the token goes to the catalog only.
 */
export class CatalogClient {
  constructor(private readonly settings: CatalogSettings) {}

  warehouses(): CatalogWarehouse[] {
    return this.settings.warehouses;
  }

  /** GETs `/v1/<path>` and parses the JSON losslessly (snapshot ids are 64-bit). */
  private async get(path: string, query?: URLSearchParams): Promise<CatalogAnswer<unknown>> {
    const qs = query && [...query.keys()].length > 0 ? `?${query.toString()}` : '';
    let res: Response;
    try {
      res = await fetch(`${this.settings.url}/v1/${path}${qs}`, {
        headers: {
          accept: 'application/json',
          ...(this.settings.token ? { authorization: `Bearer ${this.settings.token}` } : {}),
        },
        signal: AbortSignal.timeout(CATALOG_TIMEOUT_MS),
      });
    } catch (err) {
      return unreachable(this.settings.url, err);
    }
    const text = await res.text().catch(() => '');
    let body: unknown;
    try {
      body = parseJson(text);
    } catch {
      return {
        ok: false,
        status: 502,
        error: `the Iceberg catalog answered ${res.status} without JSON: ${text.slice(0, 200)}`,
      };
    }
    if (res.ok) return { ok: true, value: body };
    const parsed = errorSchema.safeParse(body);
    const message = parsed.success ? parsed.data.error.message : text.slice(0, 300);
    // Its 404 and 400 are about what was asked: passed on. Anything else is the catalog's problem
    // (a refused token, a failed database), not the page's.
    if (res.status === 404 || res.status === 400)
      return { ok: false, status: res.status, error: message };
    return {
      ok: false,
      status: 502,
      error: `the Iceberg catalog answered ${res.status}: ${message}`,
    };
  }

  /** Runs `read` and maps the answer, turning a ShapeError into a 502 that says so. */
  private async read<T>(
    path: string,
    query: URLSearchParams | undefined,
    map: (body: unknown) => T,
  ): Promise<CatalogAnswer<T>> {
    const answer = await this.get(path, query);
    if (!answer.ok) return answer;
    try {
      return { ok: true, value: map(answer.value) };
    } catch (err) {
      if (err instanceof ShapeError) return { ok: false, status: 502, error: err.message };
      throw err;
    }
  }

  /**
   * The URL prefix the catalog serves `warehouse` under (`overrides.prefix` of /v1/config);
   * "" when it serves one warehouse without one.
   */
  private async prefix(warehouse: string): Promise<CatalogAnswer<string>> {
    const answer = await this.read(
      'config',
      new URLSearchParams({ warehouse }),
      (body) => parseAnswer(configSchema, body, 'getConfig').overrides?.['prefix'] ?? '',
    );
    return answer;
  }

  private async inWarehouse<T>(
    warehouse: string,
    path: string,
    query: URLSearchParams | undefined,
    map: (body: unknown) => T,
  ): Promise<CatalogAnswer<T>> {
    const prefix = await this.prefix(warehouse);
    if (!prefix.ok) return prefix;
    const base = prefix.value === '' ? '' : `${segment(prefix.value)}/`;
    return this.read(`${base}${path}`, query, map);
  }

  listNamespaces(
    warehouse: string,
    parent: readonly string[] | undefined,
    page: PageRequest,
  ): Promise<CatalogAnswer<CatalogPage<string[]>>> {
    const extra: Record<string, string> = parent ? { parent: parent.join(UNIT_SEPARATOR) } : {};
    return this.inWarehouse(warehouse, 'namespaces', pageQuery(page, extra), (body) => {
      const p = parseAnswer(namespacesSchema, body, 'listNamespaces');
      return { items: p.namespaces, nextPageToken: p['next-page-token'] ?? null };
    });
  }

  loadNamespace(
    warehouse: string,
    namespace: readonly string[],
  ): Promise<CatalogAnswer<CatalogNamespace>> {
    return this.inWarehouse(warehouse, `namespaces/${nsSegment(namespace)}`, undefined, (body) => {
      const n = parseAnswer(namespaceSchema, body, 'loadNamespace');
      return { namespace: n.namespace, properties: n.properties ?? {} };
    });
  }

  /** Table or view names of one namespace, a page at a time. */
  listNames(
    warehouse: string,
    kind: 'tables' | 'views',
    namespace: readonly string[],
    page: PageRequest,
  ): Promise<CatalogAnswer<CatalogPage<string>>> {
    return this.inWarehouse(
      warehouse,
      `namespaces/${nsSegment(namespace)}/${kind}`,
      pageQuery(page),
      (body) => {
        const p = parseAnswer(
          identifiersSchema,
          body,
          kind === 'tables' ? 'listTables' : 'listViews',
        );
        return {
          items: p.identifiers.map((i) => i.name),
          nextPageToken: p['next-page-token'] ?? null,
        };
      },
    );
  }

  loadTable(
    warehouse: string,
    namespace: string[],
    table: string,
  ): Promise<CatalogAnswer<CatalogTable>> {
    return this.inWarehouse(
      warehouse,
      `namespaces/${nsSegment(namespace)}/tables/${segment(table)}`,
      undefined,
      (body) => toCatalogTable(namespace, table, body),
    );
  }

  loadView(
    warehouse: string,
    namespace: string[],
    view: string,
  ): Promise<CatalogAnswer<CatalogView>> {
    return this.inWarehouse(
      warehouse,
      `namespaces/${nsSegment(namespace)}/views/${segment(view)}`,
      undefined,
      (body) => toCatalogView(namespace, view, body),
    );
  }
}
