/**
 * What the SQLite and PostgreSQL stores share: how namespace paths and page tokens are encoded,
 * how rows become records, and the wording of the errors both throw. Keeping these in one place
 * is what makes the two dialects behave identically under the contract suite.
 */
import {
  AlreadyExistsError,
  BadRequestError,
  CommitFailedError,
  NamespaceNotEmptyError,
  NoSuchFunctionError,
  NoSuchNamespaceError,
  NoSuchTableError,
  NoSuchViewError,
} from '../../errors.js';
import type {
  CatalogObjectRecord,
  FunctionRecord,
  IdempotencyRequest,
  NamespacePath,
  ObjectKind,
  ObjectSwap,
  Page,
  PageRequest,
  StoredResponse,
  UpdatedProperties,
} from '../types.js';

/**
 * Joins namespace levels in the stored `path`. U+001F sorts below every character a level may
 * contain, so ordering by the joined text equals ordering level by level, and all descendants of
 * `p` lie in the half-open text range [p + SEP, p + SEP_NEXT) — an index range scan, no LIKE.
 */
export const SEP = '\u001f';
const SEP_NEXT = '\u0020';

export function validateNamespace(namespace: NamespacePath): void {
  if (!Array.isArray(namespace) || namespace.length === 0) {
    throw new BadRequestError('Invalid namespace: a namespace needs at least one level');
  }
  for (const level of namespace) {
    if (typeof level !== 'string' || level.length === 0) {
      throw new BadRequestError(`Invalid namespace ${showNamespace(namespace)}: empty level`);
    }
    if (level.includes(SEP) || level.includes('\u0000')) {
      throw new BadRequestError(
        `Invalid namespace ${showNamespace(namespace)}: levels cannot contain U+001F or U+0000`,
      );
    }
  }
}

export function validateName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.includes('\u0000')) {
    throw new BadRequestError('Invalid name: names must be non-empty and contain no U+0000');
  }
}

export function encodeNamespace(namespace: NamespacePath): string {
  validateNamespace(namespace);
  return namespace.join(SEP);
}

export function decodeNamespace(path: string): string[] {
  return path.split(SEP);
}

/** The stored parent of a namespace: '' for a top-level one. */
export function parentPath(namespace: NamespacePath): string {
  return namespace.slice(0, -1).join(SEP);
}

/** Bounds of the range holding every descendant of `path` (see SEP). */
export function descendantRange(path: string): { low: string; high: string } {
  return { low: path + SEP, high: path + SEP_NEXT };
}

/** A database URL with any password masked, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

export function showNamespace(namespace: NamespacePath): string {
  return namespace.join('.');
}

// Pagination. The token is base64url("v1:" + last key returned); the prefix lets a token from
// somewhere else be told apart from ours, so a client bug surfaces as a 400, not a wrong page.

const TOKEN_PREFIX = 'v1:';

export function encodePageToken(lastKey: string): string {
  return Buffer.from(TOKEN_PREFIX + lastKey, 'utf8').toString('base64url');
}

export interface PageQuery {
  /** Exclusive lower bound on the ordering key, or undefined for the first page. */
  after: string | undefined;
  /** Rows to fetch: one more than the page size so the last page is known without a count. */
  limit: number | undefined;
  pageSize: number | undefined;
}

export function decodePageRequest(page: PageRequest): PageQuery {
  const { pageToken, pageSize } = page;
  if (pageSize !== undefined && (!Number.isSafeInteger(pageSize) || pageSize < 1)) {
    throw new BadRequestError(`Invalid pageSize ${String(pageSize)}: must be a positive integer`);
  }
  let after: string | undefined;
  if (pageToken !== undefined && pageToken !== '') {
    after = decodePageToken(pageToken);
  }
  return { after, pageSize, limit: pageSize === undefined ? undefined : pageSize + 1 };
}

function decodePageToken(token: string): string {
  const invalid = new BadRequestError('Invalid pageToken: not a token returned by this catalog');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  // Re-encoding must give the token back: rejects truncated tokens and invalid UTF-8.
  if (
    !text.startsWith(TOKEN_PREFIX) ||
    encodePageToken(text.slice(TOKEN_PREFIX.length)) !== token
  ) {
    throw invalid;
  }
  return text.slice(TOKEN_PREFIX.length);
}

/** Turns `limit` rows (page size + 1) into a page; `key` gives a row's ordering key. */
export function toPage<R, T>(
  rows: R[],
  query: PageQuery,
  key: (row: R) => string,
  item: (row: R) => T,
): Page<T> {
  if (query.pageSize === undefined || rows.length <= query.pageSize) {
    return { items: rows.map(item), nextPageToken: null };
  }
  const pageRows = rows.slice(0, query.pageSize);
  const last = pageRows[pageRows.length - 1];
  // pageSize >= 1 and rows.length > pageSize, so `last` exists.
  return { items: pageRows.map(item), nextPageToken: encodePageToken(key(last as R)) };
}

// Rows and records.

export interface ObjectRow {
  kind: string;
  namespace: string;
  name: string;
  metadata_location: string;
  metadata_json: string;
  version: number;
}

export const OBJECT_COLUMNS = 'kind, namespace, name, metadata_location, metadata_json, version';

export function toObjectRecord(row: ObjectRow): CatalogObjectRecord {
  return {
    kind: row.kind as ObjectKind,
    namespace: decodeNamespace(row.namespace),
    name: row.name,
    metadataLocation: row.metadata_location,
    metadataJson: row.metadata_json,
    version: Number(row.version),
  };
}

export function parseProperties(json: string): Record<string, string> {
  return JSON.parse(json) as Record<string, string>;
}

export function toStoredResponse(row: { status: number; body: string }): StoredResponse {
  return { status: Number(row.status), body: JSON.parse(row.body) as unknown };
}

export interface IdempotencyRequestRow {
  method: string;
  path: string;
  body_sha256: string;
  query_sha256: string;
}

export const IDEMPOTENCY_REQUEST_COLUMNS = 'method, path, body_sha256, query_sha256';

export function toIdempotencyRequest(row: IdempotencyRequestRow): IdempotencyRequest {
  return {
    method: row.method,
    path: row.path,
    bodySha256: row.body_sha256,
    querySha256: row.query_sha256,
  };
}

export function serializeBody(response: StoredResponse): string {
  // JSON.stringify(undefined) is undefined, which the NOT NULL column would reject.
  return JSON.stringify(response.body ?? null);
}

/** Applies removals then updates; both stores call this between their read and their write. */
export function applyPropertyChanges(
  current: Record<string, string>,
  removals: string[],
  updates: Record<string, string>,
): { properties: Record<string, string>; result: UpdatedProperties } {
  const overlap = removals.filter((k) => Object.hasOwn(updates, k));
  if (overlap.length > 0) {
    throw new BadRequestError(
      `Invalid property update: keys both removed and updated: ${overlap.join(', ')}`,
    );
  }
  const properties = { ...current };
  const removed: string[] = [];
  const missing: string[] = [];
  for (const key of new Set(removals)) {
    if (Object.hasOwn(properties, key)) {
      delete properties[key];
      removed.push(key);
    } else {
      missing.push(key);
    }
  }
  const updated = Object.keys(updates);
  for (const key of updated) properties[key] = updates[key] as string;
  return { properties, result: { updated, removed, missing } };
}

/**
 * Sorted so that two multi-object commits always lock rows in the same order (no deadlock in
 * PostgreSQL); rejects a commit naming one object twice, whose second swap could never apply.
 */
export function orderSwaps(swaps: ObjectSwap[]): ObjectSwap[] {
  const keyed = swaps.map((s) => {
    validateName(s.name);
    return { s, key: encodeNamespace(s.namespace) + SEP + SEP + s.name };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < keyed.length; i++) {
    if (keyed[i]?.key === keyed[i - 1]?.key) {
      const s = keyed[i]?.s as ObjectSwap;
      throw new BadRequestError(
        `Invalid commit: ${showObject(s.namespace, s.name)} appears more than once`,
      );
    }
  }
  return keyed.map((k) => k.s);
}

// Errors, worded once for both dialects.

export function showObject(namespace: NamespacePath, name: string): string {
  return `${showNamespace(namespace)}.${name}`;
}

function kindTitle(kind: ObjectKind): string {
  return kind === 'table' ? 'Table' : 'View';
}

export function noSuchNamespace(namespace: NamespacePath): NoSuchNamespaceError {
  return new NoSuchNamespaceError(`Namespace does not exist: ${showNamespace(namespace)}`);
}

export function namespaceExists(namespace: NamespacePath): AlreadyExistsError {
  return new AlreadyExistsError(`Namespace already exists: ${showNamespace(namespace)}`);
}

export function namespaceNotEmpty(
  namespace: NamespacePath,
  holds: 'objects' | 'functions' | 'children',
): NamespaceNotEmptyError {
  const what =
    holds === 'objects'
      ? 'tables or views'
      : holds === 'functions'
        ? 'functions'
        : 'child namespaces';
  return new NamespaceNotEmptyError(
    `Namespace is not empty: ${showNamespace(namespace)} contains ${what}`,
  );
}

export function noSuchObject(
  kind: ObjectKind,
  namespace: NamespacePath,
  name: string,
): NoSuchTableError | NoSuchViewError {
  const message = `${kindTitle(kind)} does not exist: ${showObject(namespace, name)}`;
  return kind === 'table' ? new NoSuchTableError(message) : new NoSuchViewError(message);
}

/** `existingKind` is what holds the name, which may differ from what was being created. */
export function objectExists(
  existingKind: ObjectKind,
  namespace: NamespacePath,
  name: string,
): AlreadyExistsError {
  return new AlreadyExistsError(
    `${kindTitle(existingKind)} with same name already exists: ${showObject(namespace, name)}`,
  );
}

/** `current` is undefined when the object is gone (or is now of the other kind). */
export function commitFailed(
  swap: ObjectSwap,
  current: { kind: string; metadata_location: string } | undefined,
): CommitFailedError {
  const what = `${swap.kind} ${showObject(swap.namespace, swap.name)}`;
  if (current === undefined || current.kind !== swap.kind) {
    return new CommitFailedError(`Commit failed: ${what} no longer exists`);
  }
  return new CommitFailedError(
    `Commit failed: ${what} metadata location is ${current.metadata_location}, expected ${swap.expectedMetadataLocation}`,
  );
}

// Functions.

export interface FunctionRow {
  namespace: string;
  name: string;
  metadata_json: string;
  version: number;
}

export const FUNCTION_COLUMNS = 'namespace, name, metadata_json, version';

export function toFunctionRecord(row: FunctionRow): FunctionRecord {
  return {
    namespace: decodeNamespace(row.namespace),
    name: row.name,
    metadataJson: row.metadata_json,
    version: Number(row.version),
  };
}

export function noSuchFunction(namespace: NamespacePath, name: string): NoSuchFunctionError {
  return new NoSuchFunctionError(`Function does not exist: ${showObject(namespace, name)}`);
}

export function functionExists(namespace: NamespacePath, name: string): AlreadyExistsError {
  return new AlreadyExistsError(`Function already exists: ${showObject(namespace, name)}`);
}

export function functionChanged(
  namespace: NamespacePath,
  name: string,
  expected: number,
): CommitFailedError {
  return new CommitFailedError(
    `Commit failed: function ${showObject(namespace, name)} changed since version ${expected} was read; reload it and retry`,
  );
}
