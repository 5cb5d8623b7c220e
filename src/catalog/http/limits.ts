/**
 * Bounds on what one request may carry, so a hostile or broken client costs the server a known
 * amount of memory, stack and time: body size, JSON nesting, property maps, and how long a
 * client may take to send its request.
 */
import { BadRequestError, CatalogError } from '../errors.js';

export interface CatalogLimits {
  /** Largest request body accepted (413 beyond). */
  bodyLimitBytes: number;
  /** Deepest nesting of JSON objects and arrays accepted in a body (400 beyond). */
  maxJsonDepth: number;
  /** Largest property key or value, in UTF-8 bytes (400 beyond). */
  maxPropertyBytes: number;
  /** Most entries in one property map, or keys in one list of removals (400 beyond). */
  maxProperties: number;
  /** Time a client has to send its whole request; Node closes the connection with 408 after. */
  requestTimeoutMs: number;
  /** Time a client has to send the request line and headers. */
  headersTimeoutMs: number;
}

/**
 * - 8 MiB of body: the largest bodies are commits and creates that carry a schema; a table's
 *   whole metadata is never sent (registerTable names a file in storage), so this is generous.
 * - Depth 256: a struct field nests about 3 levels of JSON (field, type, fields), so this
 *   admits structs nested ~80 deep while staying far from the parser's stack.
 * - 64 KiB per key or value: properties are configuration strings; the largest real ones
 *   (an Avro schema literal on a migrated Hive table, a long comment) stay well below. Every
 *   load of the table reads them again from its metadata file.
 * - 1000 properties per map: tables use tens; the body limit bounds the total anyway.
 * - 30 s for a request, 10 s for its headers: a legitimate client sends either in milliseconds.
 */
export const DEFAULT_CATALOG_LIMITS: Readonly<CatalogLimits> = Object.freeze({
  bodyLimitBytes: 8 * 1024 * 1024,
  maxJsonDepth: 256,
  maxPropertyBytes: 64 * 1024,
  maxProperties: 1000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
});

/** The `lakehouse catalog serve` flag of each limit, for messages that say how to raise it. */
export const LIMIT_FLAGS: Readonly<Record<keyof CatalogLimits, string>> = Object.freeze({
  bodyLimitBytes: '--max-body-bytes',
  maxJsonDepth: '--max-json-depth',
  maxPropertyBytes: '--max-property-bytes',
  maxProperties: '--max-properties',
  requestTimeoutMs: '--request-timeout-ms',
  headersTimeoutMs: '--headers-timeout-ms',
});

/**
 * The defaults overridden by `partial`. Throws an Error naming the flag of a value that is not a
 * positive safe integer, or of a headers timeout beyond the request timeout (Node refuses it).
 */
export function resolveLimits(partial: Partial<CatalogLimits> = {}): CatalogLimits {
  const limits: CatalogLimits = { ...DEFAULT_CATALOG_LIMITS };
  for (const name of Object.keys(DEFAULT_CATALOG_LIMITS) as Array<keyof CatalogLimits>) {
    const value = partial[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`${LIMIT_FLAGS[name]} ${String(value)} is not a positive integer`);
    }
    limits[name] = value;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `${LIMIT_FLAGS.headersTimeoutMs} ${limits.headersTimeoutMs} exceeds ${LIMIT_FLAGS.requestTimeoutMs} ${limits.requestTimeoutMs}: the headers are part of the request`,
    );
  }
  return limits;
}

/**
 * How often Node looks for requests past their timeout. Its default (30 s) would let a client
 * hold a connection up to 30 s beyond a shorter timeout.
 */
export function connectionsCheckingIntervalMs(limits: CatalogLimits): number {
  const shortest = Math.min(limits.requestTimeoutMs, limits.headersTimeoutMs);
  return Math.max(10, Math.min(1000, Math.floor(shortest / 2)));
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` nests objects and arrays deeper than `max`, by one pass over its characters
 * (brackets inside strings do not count). Runs before parsing, whose recursion a deep enough
 * body would overflow; malformed text is left for the parser to reject.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

export function jsonTooDeep(max: number): BadRequestError {
  return new BadRequestError(
    `JSON nesting depth exceeds ${max}: the body nests objects and arrays more than ${max} levels deep (the server's limit, set with ${LIMIT_FLAGS.maxJsonDepth})`,
  );
}

/** The spec's error type for a client error, with the status that says what went wrong. */
export function bodyTooLarge(limit: number): CatalogError {
  return new CatalogError(
    413,
    'BadRequestException',
    `Request body too large: the limit is ${limit} bytes (${formatBytes(limit)}); send a smaller body, or raise the server's limit with ${LIMIT_FLAGS.bodyLimitBytes}`,
  );
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key as a message shows it: quoted, and cut short when long. */
function shown(key: string): string {
  const cut = 64;
  return JSON.stringify(key.length > cut ? `${key.slice(0, cut)}…` : key);
}

function checkSize(what: string, text: string, where: string, limits: CatalogLimits): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxPropertyBytes) {
    throw new BadRequestError(
      `${what} in ${where} is ${bytes} bytes: the limit is ${limits.maxPropertyBytes} bytes (${formatBytes(limits.maxPropertyBytes)}) per property key or value (the server's ${LIMIT_FLAGS.maxPropertyBytes})`,
    );
  }
}

function checkCount(count: number, where: string, limits: CatalogLimits): void {
  if (count > limits.maxProperties) {
    throw new BadRequestError(
      `${where} has ${count} properties: the limit is ${limits.maxProperties} per request object (the server's ${LIMIT_FLAGS.maxProperties})`,
    );
  }
}

/** A map of properties: its size, and each key and string value. Other shapes are the route's to reject. */
function checkMap(value: unknown, where: string, limits: CatalogLimits): void {
  if (!isObject(value)) return;
  const keys = Object.keys(value);
  checkCount(keys.length, where, limits);
  for (const key of keys) {
    checkSize(`Property key ${shown(key)}`, key, where, limits);
    const v = value[key];
    if (typeof v === 'string') checkSize(`Property ${shown(key)}`, v, where, limits);
  }
}

/** A list of property keys to remove. */
function checkRemovals(value: unknown, where: string, limits: CatalogLimits): void {
  if (!Array.isArray(value)) return;
  checkCount(value.length, where, limits);
  for (const key of value) {
    if (typeof key === 'string') checkSize(`Property key ${shown(key)}`, key, where, limits);
  }
}

/** Table and view update actions of a commit. */
function checkUpdateActions(value: unknown, where: string, limits: CatalogLimits): void {
  if (!Array.isArray(value)) return;
  value.forEach((update: unknown, i) => {
    if (!isObject(update)) return;
    if (update['action'] === 'set-properties') {
      checkMap(update['updates'], `${where}[${i}] (set-properties) updates`, limits);
    } else if (update['action'] === 'remove-properties') {
      checkRemovals(update['removals'], `${where}[${i}] (remove-properties) removals`, limits);
    }
  });
}

/**
 * Checks every property map a catalog request carries, by the shape of its body, so one check
 * covers all routes: `properties` (create namespace, table, view), `updates`/`removals` (update
 * namespace properties), set-/remove-properties actions in `updates` (commit a table, replace a
 * view) and in each of `table-changes` (commit a transaction). Throws BadRequestError.
 */
export function checkPropertyLimits(body: unknown, limits: CatalogLimits): void {
  if (!isObject(body)) return;
  checkMap(body['properties'], 'properties', limits);
  if (Array.isArray(body['updates'])) checkUpdateActions(body['updates'], 'updates', limits);
  else checkMap(body['updates'], 'updates', limits);
  checkRemovals(body['removals'], 'removals', limits);
  const changes = body['table-changes'];
  if (Array.isArray(changes)) {
    changes.forEach((change: unknown, i) => {
      if (isObject(change)) {
        checkUpdateActions(change['updates'], `table-changes[${i}].updates`, limits);
      }
    });
  }
}
