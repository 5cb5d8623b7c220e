import type { CatalogContext } from './context.js';
import { NamespaceService } from './namespaces.js';
import { TableService } from './tables.js';
import { ViewService } from './views.js';

export type { CatalogContext, CatalogEvents, IdempotencyContext, Warehouse } from './context.js';
export { noEvents } from './context.js';
export { resolveWarehouse, findWarehouse } from './warehouses.js';
export type { TableIdentifier, TableChange, LoadedTable } from './tables.js';
export type { NamespaceBody } from './namespaces.js';

/** The catalog's operations, independent of HTTP: one service per area of the REST spec. */
export class CatalogService {
  readonly namespaces: NamespaceService;
  readonly tables: TableService;
  readonly views: ViewService;

  constructor(readonly ctx: CatalogContext) {
    this.namespaces = new NamespaceService(ctx);
    this.tables = new TableService(ctx);
    this.views = new ViewService(ctx);
  }

  /** Readiness: the database answers and every warehouse can be written. */
  async checkReady(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await this.ctx.store.ping();
      checks['database'] = 'ok';
    } catch (err) {
      ok = false;
      checks['database'] = (err as Error).message;
    }
    for (const wh of this.ctx.warehouses) {
      try {
        await this.ctx.io.checkWritable(wh.location);
        checks[`warehouse:${wh.name}`] = 'ok';
      } catch (err) {
        ok = false;
        checks[`warehouse:${wh.name}`] = (err as Error).message;
      }
    }
    return { ok, checks };
  }
}
