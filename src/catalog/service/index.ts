import type { CatalogContext } from './context.js';
import { ConfinedFileIO } from './confined-io.js';
import { FunctionService } from './functions.js';
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
  readonly functions: FunctionService;

  readonly ctx: CatalogContext;

  constructor(ctx: CatalogContext) {
    // Every read, write and delete of every service goes through the warehouse boundary.
    this.ctx = { ...ctx, io: new ConfinedFileIO(ctx.io, ctx.warehouses) };
    this.namespaces = new NamespaceService(this.ctx);
    this.tables = new TableService(this.ctx);
    this.views = new ViewService(this.ctx);
    this.functions = new FunctionService(this.ctx);
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
