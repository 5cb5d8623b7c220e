/**
 * Catalog errors, one class per error `type` of the Iceberg REST spec's ErrorModel.
 * Thrown anywhere below the HTTP layer; the HTTP layer alone turns them into responses.
 */
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

export class BadRequestError extends CatalogError {
  constructor(message: string) {
    super(400, 'BadRequestException', message);
  }
}

export class NotAuthorizedError extends CatalogError {
  constructor(message: string) {
    super(401, 'NotAuthorizedException', message);
  }
}

export class ForbiddenError extends CatalogError {
  constructor(message: string) {
    super(403, 'ForbiddenException', message);
  }
}

export class NoSuchNamespaceError extends CatalogError {
  constructor(message: string) {
    super(404, 'NoSuchNamespaceException', message);
  }
}

export class NoSuchTableError extends CatalogError {
  constructor(message: string) {
    super(404, 'NoSuchTableException', message);
  }
}

export class NoSuchViewError extends CatalogError {
  constructor(message: string) {
    super(404, 'NoSuchViewException', message);
  }
}

export class NoSuchWarehouseError extends CatalogError {
  constructor(message: string) {
    super(404, 'NoSuchWarehouseException', message);
  }
}

export class AlreadyExistsError extends CatalogError {
  constructor(message: string) {
    super(409, 'AlreadyExistsException', message);
  }
}

export class NamespaceNotEmptyError extends CatalogError {
  constructor(message: string) {
    super(409, 'NamespaceNotEmptyException', message);
  }
}

/** A requirement failed or the compare-and-swap lost: the client may refresh and retry. */
export class CommitFailedError extends CatalogError {
  constructor(message: string) {
    super(409, 'CommitFailedException', message);
  }
}

export class UnsupportedOperationError extends CatalogError {
  constructor(message: string) {
    super(406, 'UnsupportedOperationException', message);
  }
}

/** The database or object store failed; the outcome of the request is known not to have happened. */
export class ServiceUnavailableError extends CatalogError {
  constructor(
    message: string,
    readonly source: 'database' | 'storage' = 'database',
  ) {
    super(503, 'ServiceUnavailableException', message);
  }
}

/** The request is well-formed but contradicts itself (e.g. a property both set and removed). */
export class UnprocessableEntityError extends CatalogError {
  constructor(message: string) {
    super(422, 'UnprocessableEntityException', message);
  }
}
