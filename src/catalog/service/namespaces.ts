import { NoSuchNamespaceError, UnprocessableEntityError } from '../errors.js';
import type { NamespaceRecord, Page, PageRequest, UpdatedProperties } from '../store/index.js';
import { confineLocation, joinLocation } from './locations.js';
import { resolveWarehouse } from './warehouses.js';
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
    this.checkLocationProperty(warehouse, properties);
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
    return { namespace: found.namespace, properties: this.withDefaultLocation(warehouse, found) };
  }

  /**
   * Advertises where the namespace's tables go when it has no `location` property. Trino takes
   * its deferred create path (a unique `<location>/<table>-<uuid>` and a staged create) only when
   * the namespace has a location; without one it creates the table eagerly and then refuses the
   * table's own, now non-empty, location.
   */
  private withDefaultLocation(warehouse: string, ns: NamespaceRecord): Record<string, string> {
    if (ns.properties['location'] !== undefined) return ns.properties;
    const wh = this.ctx.warehouses.find((w) => w.name === warehouse);
    if (!wh) return ns.properties;
    return { ...ns.properties, location: joinLocation(wh.location, ...ns.namespace) };
  }

  /** Tables created in the namespace go under its `location`, so it must lie inside the warehouse. */
  private checkLocationProperty(warehouse: string, properties: Record<string, string>): void {
    const location = properties['location'];
    if (location === undefined) return;
    confineLocation(
      resolveWarehouse(this.ctx.warehouses, warehouse),
      location,
      'Namespace location',
    );
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
    this.checkLocationProperty(warehouse, updates);
    const both = removals.filter((k) => k in updates);
    if (both.length > 0) {
      throw new UnprocessableEntityError(
        `Properties both updated and removed: ${both.join(', ')}; a key may appear in only one of them`,
      );
    }
    // The stored replay needs the response before the transaction runs; computing it from the
    // current properties is exact unless another writer races, which the spec allows for replays.
    const stored = idem ? await this.ctx.store.getNamespace(warehouse, namespace) : undefined;
    const current = stored?.properties ?? {};
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
