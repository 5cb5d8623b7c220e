import { UserError } from '../lib/index.js';
import { stateDir } from '../platform/paths.js';
import { readValuesInEffect } from '../targets/local/platform/index.js';

/**
 * A small client of a running Iceberg REST catalog for CLI commands: where the catalog is, its
 * bearer token, the warehouse's URL prefix, and the catalog's errors as UserErrors that say what
 * to do. Every path part is percent-encoded, so a name never becomes a path of its own.
 */

/** Overrides the catalog's URL (default: the local platform's catalog). */
export const CATALOG_URL_ENV = 'LAKEHOUSE_CATALOG_URL';
/** A bearer token for a catalog started with --auth-tokens; never printed. */
export const CATALOG_TOKEN_ENV = 'LAKEHOUSE_CATALOG_TOKEN';

const TIMEOUT_MS = 30_000;
const UNIT_SEPARATOR = '\u001f';

/** The catalog's URL: the flag, else $LAKEHOUSE_CATALOG_URL, else the local platform's port. */
export function catalogUrl(flag: string | undefined): string {
  const raw =
    flag ??
    process.env[CATALOG_URL_ENV] ??
    `http://127.0.0.1:${readValuesInEffect(stateDir())?.icebergCatalog.port ?? 8181}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(
      `invalid catalog URL ${JSON.stringify(raw)}`,
      'pass --url http://host:port',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(
      `invalid catalog URL ${raw}: not http or https`,
      'pass --url http://host:port',
    );
  }
  return raw.replace(/\/+$/, '');
}

/** `a.b` → ['a', 'b']: the CLI names namespaces the way the catalog prints them. */
export function parseNamespace(text: string): string[] {
  const levels = text.split('.');
  if (levels.some((l) => l.length === 0)) {
    throw new UserError(
      `invalid namespace ${JSON.stringify(text)}: an empty level`,
      'write it as level.level, e.g. analytics or sales.eu',
    );
  }
  return levels;
}

/**
 * A name as a path segment. `.` and `..` are refused: fetch resolves such a segment away (even
 * percent-encoded), so the request would address another resource.
 */
export function encodeName(name: string, what: string): string {
  if (name === '' || name === '.' || name === '..') {
    throw new UserError(
      `invalid ${what} name ${JSON.stringify(name)}`,
      'names cannot be empty, . or ..',
    );
  }
  return encodeURIComponent(name);
}

/** Levels joined by the spec's 0x1F; parseNamespace never yields a `.` or `..` level. */
export const encodeNamespace = (namespace: readonly string[]): string =>
  encodeURIComponent(namespace.join(UNIT_SEPARATOR));

export interface CatalogResponse {
  status: number;
  body: unknown;
}

export class CatalogClient {
  private prefix: string | undefined;

  constructor(
    readonly url: string,
    private readonly warehouse: string | undefined,
    private readonly token: string | undefined = process.env[CATALOG_TOKEN_ENV],
  ) {}

  /** A request under `/v1/{prefix}/`; any status comes back, only an unreachable catalog throws. */
  async request(method: string, path: string, body?: unknown): Promise<CatalogResponse> {
    const prefix = await this.resolvePrefix();
    return this.send(
      method,
      `/v1/${prefix === '' ? '' : `${encodeURIComponent(prefix)}/`}${path}`,
      body,
    );
  }

  /** The catalog's error message of a non-2xx response, as a UserError with `help`. */
  failure(res: CatalogResponse, what: string, help: string): UserError {
    const message =
      (res.body as { error?: { message?: unknown } } | undefined)?.error?.message ??
      JSON.stringify(res.body);
    return new UserError(`${what}: the catalog answered ${res.status}: ${String(message)}`, help);
  }

  private async resolvePrefix(): Promise<string> {
    if (this.prefix !== undefined) return this.prefix;
    const query =
      this.warehouse === undefined ? '' : `?warehouse=${encodeURIComponent(this.warehouse)}`;
    const res = await this.send('GET', `/v1/config${query}`);
    if (res.status !== 200) {
      throw this.failure(
        res,
        'cannot read the catalog configuration',
        'check --warehouse and --url',
      );
    }
    const overrides = (res.body as { overrides?: Record<string, unknown> }).overrides ?? {};
    this.prefix = typeof overrides['prefix'] === 'string' ? overrides['prefix'] : '';
    return this.prefix;
  }

  private async send(method: string, path: string, body?: unknown): Promise<CatalogResponse> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new UserError(
        `the Iceberg catalog at ${this.url} cannot be reached (${code})`,
        `is it running? \`lakehouse status\` shows it; pass --url or set ${CATALOG_URL_ENV} for another catalog`,
      );
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text.slice(0, 300);
    }
    if (res.status === 401) {
      throw new UserError(
        `the Iceberg catalog at ${this.url} refused the request (401)`,
        `set ${CATALOG_TOKEN_ENV} to a bearer token the catalog accepts`,
      );
    }
    return { status: res.status, body: parsed };
  }
}
