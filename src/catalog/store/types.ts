/**
 * The catalog's persistent state behind one interface, implemented for SQLite and PostgreSQL.
 * Every method is scoped to a warehouse. Callers above this layer never see SQL.
 *
 * Namespaces are paths of one or more non-empty levels. Tables and views share one set of
 * names inside a namespace: a table and a view cannot have the same name.
 */

export type NamespacePath = readonly string[];

export type ObjectKind = 'table' | 'view';

export interface NamespaceRecord {
  namespace: string[];
  properties: Record<string, string>;
}

/** A table or a view: where its current metadata file is, and a cached copy of that file. */
export interface CatalogObjectRecord {
  kind: ObjectKind;
  namespace: string[];
  name: string;
  metadataLocation: string;
  /** The JSON text of the metadata file at `metadataLocation`, so loads need no object-store read. */
  metadataJson: string;
  /** Starts at 1, increases by one on every successful commit; used for ETags. */
  version: number;
}

export interface PageRequest {
  /** Opaque token from a previous page; absent for the first page. */
  pageToken?: string;
  /** Maximum items to return; absent means all. */
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  /** Token for the next page, or null when this page is the last. */
  nextPageToken: string | null;
}

/** One object's compare-and-swap inside an atomic commit of one or more objects. */
export interface ObjectSwap {
  kind: ObjectKind;
  namespace: string[];
  name: string;
  /** The swap applies only if the object's current metadata location is still this. */
  expectedMetadataLocation: string;
  metadataLocation: string;
  metadataJson: string;
}

/**
 * A function (UDF): its metadata JSON, stored in the database only. Functions have their own
 * names, apart from tables and views.
 */
export interface FunctionRecord {
  namespace: string[];
  name: string;
  metadataJson: string;
  /** Starts at 1, increases by one on every successful replace; the replace's compare-and-swap. */
  version: number;
}

/** A finalized response stored under an Idempotency-Key, replayed on a retry of that key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** Written in the same transaction as the mutation, so a retried request never applies twice. */
export interface IdempotencyWrite {
  key: string;
  response: StoredResponse;
}

/**
 * The request an Idempotency-Key was first used for. The key answers that request only: a
 * retry is the same method on the same path with the same body and query.
 */
export interface IdempotencyRequest {
  method: string;
  /** The matched route's path with its parameters filled in, without the query string. */
  path: string;
  /** SHA-256 (hex) of the body text as received; of the empty string when there is none. */
  bodySha256: string;
  /** SHA-256 (hex) of the query string with its parameters sorted. */
  querySha256: string;
}

export interface UpdatedProperties {
  updated: string[];
  removed: string[];
  missing: string[];
}

export interface CatalogStore {
  readonly dialect: 'sqlite' | 'postgres';

  /** Throws if the database cannot be reached; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;

  // Namespaces
  /** Throws AlreadyExistsError. A parent namespace need not exist. */
  createNamespace(
    warehouse: string,
    namespace: NamespacePath,
    properties: Record<string, string>,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;
  getNamespace(warehouse: string, namespace: NamespacePath): Promise<NamespaceRecord | undefined>;
  /**
   * Direct children of `parent` (top level when undefined) as full paths, ordered level by level.
   * Only namespaces that were created are listed. A parent that was never created but has a
   * namespace beneath it (`a.b` created without `a`) exists implicitly: listing it returns its
   * created direct children (`a.b`) rather than throwing; a top-level listing does not show such
   * an implicit `a`. Throws NoSuchNamespaceError if parent is given and neither exists nor has
   * anything beneath it; BadRequestError for a malformed page token or size.
   */
  listNamespaces(
    warehouse: string,
    parent: NamespacePath | undefined,
    page: PageRequest,
  ): Promise<Page<string[]>>;
  /** Throws NoSuchNamespaceError. `missing` lists removals that were not set. */
  updateNamespaceProperties(
    warehouse: string,
    namespace: NamespacePath,
    removals: string[],
    updates: Record<string, string>,
    idempotency?: IdempotencyWrite,
  ): Promise<UpdatedProperties>;
  /** Throws NoSuchNamespaceError, or NamespaceNotEmptyError if it holds tables, views, functions or child namespaces. */
  dropNamespace(
    warehouse: string,
    namespace: NamespacePath,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;

  // Tables and views
  /** Names in the namespace, ordered. Throws NoSuchNamespaceError. */
  listObjects(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    page: PageRequest,
  ): Promise<Page<string>>;
  /** The metadata location of every table and view in the warehouse (purge keeps out of their folders). */
  listMetadataLocations(warehouse: string): Promise<string[]>;
  getObject(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    name: string,
  ): Promise<CatalogObjectRecord | undefined>;
  /** Throws NoSuchNamespaceError, or AlreadyExistsError if a table or view has that name. Version starts at 1. */
  createObject(
    warehouse: string,
    record: Omit<CatalogObjectRecord, 'version'>,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;
  /** Returns the dropped record. Throws NoSuchTableError / NoSuchViewError. */
  dropObject(
    warehouse: string,
    kind: ObjectKind,
    namespace: NamespacePath,
    name: string,
    idempotency?: IdempotencyWrite,
  ): Promise<CatalogObjectRecord>;
  /** Throws NoSuchTableError / NoSuchViewError for the source, NoSuchNamespaceError for the destination namespace, AlreadyExistsError if the destination name is taken. */
  renameObject(
    warehouse: string,
    kind: ObjectKind,
    from: { namespace: NamespacePath; name: string },
    to: { namespace: NamespacePath; name: string },
    idempotency?: IdempotencyWrite,
  ): Promise<void>;
  /**
   * Applies every swap or none, in one transaction. Throws CommitFailedError when any object is
   * gone or its metadata location is no longer the expected one. Increments each version.
   */
  commitObjects(
    warehouse: string,
    swaps: ObjectSwap[],
    idempotency?: IdempotencyWrite,
  ): Promise<void>;

  // Functions
  /** Function names in the namespace, ordered. Throws NoSuchNamespaceError. */
  listFunctions(
    warehouse: string,
    namespace: NamespacePath,
    page: PageRequest,
  ): Promise<Page<string>>;
  getFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
  ): Promise<FunctionRecord | undefined>;
  /** Throws NoSuchNamespaceError, or AlreadyExistsError if a function has that name. Version starts at 1. */
  createFunction(
    warehouse: string,
    record: Omit<FunctionRecord, 'version'>,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;
  /**
   * Replaces the metadata if the function is still at `expectedVersion`, incrementing it. Throws
   * NoSuchFunctionError when it is gone, CommitFailedError when another replace came first.
   */
  replaceFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
    expectedVersion: number,
    metadataJson: string,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;
  /** Throws NoSuchFunctionError. */
  dropFunction(
    warehouse: string,
    namespace: NamespacePath,
    name: string,
    idempotency?: IdempotencyWrite,
  ): Promise<void>;

  // Idempotency
  /**
   * Binds `key` to `request` unless the key is already bound; returns the request the key is
   * bound to (the caller compares). Binding the same request again changes nothing.
   */
  bindIdempotencyKey(key: string, request: IdempotencyRequest): Promise<IdempotencyRequest>;
  getIdempotentResponse(key: string): Promise<StoredResponse | undefined>;
  /** Stores a finalized error response; keeps the existing one if the key is already stored. */
  recordIdempotentResponse(key: string, response: StoredResponse): Promise<void>;
  /**
   * Forgets keys bound or stored before `olderThanMs` (epoch millis): a key's stored response
   * goes with its binding, so an expired key can never answer another request. Returns how many
   * keys were forgotten.
   */
  expireIdempotencyKeys(olderThanMs: number): Promise<number>;
}

/**
 * Thrown by a mutating method when its idempotency key was already stored by a concurrent request
 * with the same key; the caller replays the stored response instead.
 */
export class IdempotencyKeyReplay extends Error {
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used`);
  }
}
