import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  BadRequestError,
  CatalogError,
  ERROR_STATUS,
  IllegalArgumentError,
  NoSuchNamespaceError,
  NoSuchTableError,
  NoSuchViewError,
  ServiceUnavailableError,
  catalogErrors,
} from '../../../src/catalog/errors.js';

const shape = (e: CatalogError) => ({ status: e.status, type: e.type, message: e.message });

describe('the error registry', () => {
  it('gives each class the status the registry names for its type', () => {
    const errors = [
      new BadRequestError('m'),
      new IllegalArgumentError('m'),
      new NoSuchTableError('m'),
      new AlreadyExistsError('m'),
      new ServiceUnavailableError('m'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(CatalogError);
      expect(e.status).toBe(ERROR_STATUS[e.type as keyof typeof ERROR_STATUS]);
      expect(e.name).toBe(e.type);
    }
    expect(shape(new IllegalArgumentError('bad'))).toEqual({
      status: 400,
      type: 'IllegalArgumentException',
      message: 'bad',
    });
    expect(new IllegalArgumentError('x')).not.toBeInstanceOf(BadRequestError);
  });

  it("words lookups and creates as Iceberg's reference catalog does", () => {
    expect(shape(catalogErrors.noSuchNamespace('a.b'))).toEqual({
      status: 404,
      type: 'NoSuchNamespaceException',
      message: 'Namespace does not exist: a.b',
    });
    expect(catalogErrors.noSuchObject('table', 'ns.t')).toBeInstanceOf(NoSuchTableError);
    expect(catalogErrors.noSuchObject('table', 'ns.t').message).toBe('Table does not exist: ns.t');
    expect(catalogErrors.noSuchObject('view', 'ns.v')).toBeInstanceOf(NoSuchViewError);
    expect(catalogErrors.noSuchObject('view', 'ns.v').message).toBe('View does not exist: ns.v');
    expect(catalogErrors.namespaceExists('ns')).toBeInstanceOf(AlreadyExistsError);
    expect(catalogErrors.namespaceExists('ns').message).toBe('Namespace already exists: ns');
    expect(catalogErrors.noSuchNamespace('ns')).toBeInstanceOf(NoSuchNamespaceError);
    // The spec's NoSuchFunctionError example: a 404 of its own type.
    expect(shape(catalogErrors.noSuchFunction('ns.f'))).toEqual({
      status: 404,
      type: 'NoSuchFunctionException',
      message: 'Function does not exist: ns.f',
    });
    expect(
      [
        catalogErrors.objectExists('table', 'table', 'ns.t'),
        catalogErrors.objectExists('view', 'view', 'ns.v'),
        catalogErrors.objectExists('table', 'view', 'ns.v'),
        catalogErrors.objectExists('view', 'table', 'ns.t'),
      ].map(shape),
    ).toEqual([
      { status: 409, type: 'AlreadyExistsException', message: 'Table already exists: ns.t' },
      { status: 409, type: 'AlreadyExistsException', message: 'View already exists: ns.v' },
      {
        status: 409,
        type: 'AlreadyExistsException',
        message: 'View with same name already exists: ns.v',
      },
      {
        status: 409,
        type: 'AlreadyExistsException',
        message: 'Table with same name already exists: ns.t',
      },
    ]);
  });

  it('words rename conflicts as JdbcCatalog does', () => {
    expect(
      [
        catalogErrors.renameTargetExists('table', 'table', 'ns.a', 'ns.b'),
        catalogErrors.renameTargetExists('table', 'view', 'ns.a', 'ns.b'),
        catalogErrors.renameTargetExists('view', 'table', 'ns.a', 'ns.b'),
        catalogErrors.renameTargetExists('view', 'view', 'ns.a', 'ns.b'),
      ].map((e) => e.message),
    ).toEqual([
      'Table already exists: ns.b',
      'Cannot rename ns.a to ns.b. View already exists',
      'Cannot rename ns.a to ns.b. Table already exists',
      'Cannot rename ns.a to ns.b. View already exists',
    ]);
  });
});
