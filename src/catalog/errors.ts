/**
 * Catalog errors: the one registry of the error `type`s this catalog answers with (the Iceberg
 * REST spec's ErrorModel), their HTTP status, and the messages clients depend on.
 *
 * Types and messages follow Apache Iceberg's reference catalog (CatalogHandlers over JdbcCatalog):
 * Java's RESTCatalog turns the `type` into its exception class (a 400 of type
 * IllegalArgumentException is rethrown as IllegalArgumentException, a 404 of type
 * NoSuchNamespaceException as NoSuchNamespaceException, ...) and tools match on the messages.
 * Thrown anywhere below the HTTP layer; the HTTP layer alone turns them into responses.
 */

/** Error type → HTTP status. */
export const ERROR_STATUS = {
  BadRequestException: 400,
  /** Java raises these from Preconditions.checkArgument; its client rethrows them as such. */
  IllegalArgumentException: 400,
  NotAuthorizedException: 401,
  ForbiddenException: 403,
  NoSuchNamespaceException: 404,
  NoSuchTableException: 404,
  NoSuchViewException: 404,
  NoSuchWarehouseException: 404,
  NoSuchPlanIdException: 404,
  NoSuchPlanTaskException: 404,
  UnsupportedOperationException: 406,
  AlreadyExistsException: 409,
  NamespaceNotEmptyException: 409,
  CommitFailedException: 409,
  UnprocessableEntityException: 422,
  ServiceUnavailableException: 503,
} as const;
export type ErrorType = keyof typeof ERROR_STATUS;

export class CatalogError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

function typed(type: ErrorType) {
  return class extends CatalogError {
    constructor(message: string) {
      super(ERROR_STATUS[type], type, message);
    }
  };
}

export class BadRequestError extends typed('BadRequestException') {}
/** A 400 the reference catalog raises as IllegalArgumentException (an argument check). */
export class IllegalArgumentError extends typed('IllegalArgumentException') {}
export class NotAuthorizedError extends typed('NotAuthorizedException') {}
export class ForbiddenError extends typed('ForbiddenException') {}
export class NoSuchNamespaceError extends typed('NoSuchNamespaceException') {}
export class NoSuchTableError extends typed('NoSuchTableException') {}
export class NoSuchViewError extends typed('NoSuchViewException') {}
export class NoSuchWarehouseError extends typed('NoSuchWarehouseException') {}
export class NoSuchPlanIdError extends typed('NoSuchPlanIdException') {}
export class NoSuchPlanTaskError extends typed('NoSuchPlanTaskException') {}
export class AlreadyExistsError extends typed('AlreadyExistsException') {}
export class NamespaceNotEmptyError extends typed('NamespaceNotEmptyException') {}
/** A requirement failed or the compare-and-swap lost: the client may refresh and retry. */
export class CommitFailedError extends typed('CommitFailedException') {}
export class UnsupportedOperationError extends typed('UnsupportedOperationException') {}
/** The request is well-formed but contradicts itself (e.g. a property both set and removed). */
export class UnprocessableEntityError extends typed('UnprocessableEntityException') {}

/** The database or object store failed; the outcome of the request is known not to have happened. */
export class ServiceUnavailableError extends CatalogError {
  constructor(
    message: string,
    readonly source: 'database' | 'storage' = 'database',
  ) {
    super(ERROR_STATUS.ServiceUnavailableException, 'ServiceUnavailableException', message);
  }
}

export type ObjectKind = 'table' | 'view';
const TITLE: Record<ObjectKind, string> = { table: 'Table', view: 'View' };

/**
 * The reference catalog's messages, worded once. Identifiers are passed already formatted the way
 * Java prints them (`ns.sub.name`).
 */
export const catalogErrors = {
  noSuchNamespace: (namespace: string) =>
    new NoSuchNamespaceError(`Namespace does not exist: ${namespace}`),
  namespaceExists: (namespace: string) =>
    new AlreadyExistsError(`Namespace already exists: ${namespace}`),
  noSuchObject: (kind: ObjectKind, id: string) =>
    kind === 'table'
      ? new NoSuchTableError(`Table does not exist: ${id}`)
      : new NoSuchViewError(`View does not exist: ${id}`),
  /** Creating `kind` where an object already holds the name (`existing` says which kind). */
  objectExists: (kind: ObjectKind, existing: ObjectKind, id: string) =>
    new AlreadyExistsError(
      existing === kind
        ? `${TITLE[kind]} already exists: ${id}`
        : `${TITLE[existing]} with same name already exists: ${id}`,
    ),
  /**
   * Renaming onto a taken name, as JdbcCatalog words it: a table renamed onto a table gets the
   * create message, every other case names both identifiers.
   */
  renameTargetExists: (kind: ObjectKind, existing: ObjectKind, from: string, to: string) =>
    new AlreadyExistsError(
      kind === 'table' && existing === 'table'
        ? `Table already exists: ${to}`
        : `Cannot rename ${from} to ${to}. ${TITLE[existing]} already exists`,
    ),
} as const;
