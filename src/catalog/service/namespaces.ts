import { NoSuchNamespaceError, UnprocessableEntityError } from '../errors.js';
import type { Page, PageRequest, UpdatedProperties } from '../store/index.js';
import type { CatalogContext, IdempotencyContext } from './context.js';
import { checkNamespace, formatIdentifier } from './identifiers.js';

export interface NamespaceBody {
  namespace: string[];
  properties: Record<string, string>;
}

export class NamespaceService {
  constructor(private readonly ctx: CatalogContext) {}

  async list(
    warehouse: string,
    parent: string[] | undefined,
    page: PageRequest,
  ): Promise<Page<string[]>> {
    return this.ctx.store.listNamespaces(
      warehouse,
      parent ? checkNamespace(parent) : undefined,
      page,
    );
  }

  async create(
    warehouse: string,
    namespace: string[],
    properties: Record<string, string>,
    idem?: IdempotencyContext,
  ): Promise<NamespaceBody> {
    const body = { namespace: checkNamespace(namespace), properties };
    await this.ctx.store.createNamespace(
      warehouse,
      body.namespace,
      properties,
      idem && { key: idem.key, response: { status: 200, body } },
    );
    return body;
  }

  async load(warehouse: string, namespace: string[]): Promise<NamespaceBody> {
    const found = await this.ctx.store.getNamespace(warehouse, checkNamespace(namespace));
    if (!found)
      throw new NoSuchNamespaceError(`Namespace does not exist: ${formatIdentifier(namespace)}`);
    return { namespace: found.namespace, properties: found.properties };
  }

  async exists(warehouse: string, namespace: string[]): Promise<boolean> {
    return (await this.ctx.store.getNamespace(warehouse, checkNamespace(namespace))) !== undefined;
  }

  async drop(warehouse: string, namespace: string[], idem?: IdempotencyContext): Promise<void> {
    await this.ctx.store.dropNamespace(
      warehouse,
      checkNamespace(namespace),
      idem && { key: idem.key, response: { status: 204, body: null } },
    );
  }

  async updateProperties(
    warehouse: string,
    namespace: string[],
    removals: string[],
    updates: Record<string, string>,
    idem?: IdempotencyContext,
  ): Promise<UpdatedProperties> {
    checkNamespace(namespace);
    const both = removals.filter((k) => k in updates);
    if (both.length > 0) {
      throw new UnprocessableEntityError(
        `Properties both updated and removed: ${both.join(', ')}; a key may appear in only one of them`,
      );
    }
    // The stored replay needs the response before the transaction runs; computing it from the
    // current properties is exact unless another writer races, which the spec allows for replays.
    const current = idem ? (await this.load(warehouse, namespace)).properties : {};
    const expected: UpdatedProperties = {
      updated: Object.keys(updates),
      removed: removals.filter((k) => k in current && !(k in updates)),
      missing: removals.filter((k) => !(k in current)),
    };
    return this.ctx.store.updateNamespaceProperties(
      warehouse,
      namespace,
      removals,
      updates,
      idem && { key: idem.key, response: { status: 200, body: expected } },
    );
  }
}
