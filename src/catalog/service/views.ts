import {
  applyViewUpdates,
  checkViewRequirements,
  metadataFileName,
  newViewMetadata,
  parseMetadataVersion,
  viewMetadataSchema,
  type CreateViewRequest,
  type ViewMetadata,
  type ViewRequirement,
  type ViewUpdate,
} from '../metadata/index.js';
import { parseJson, stringifyJson } from '../../lib/index.js';
import type { PageRequest } from '../store/index.js';
import { commitChanges, type PlannedChange } from './commit.js';
import type { CatalogContext, IdempotencyContext, Warehouse } from './context.js';
import { checkName, checkNamespace } from './identifiers.js';
import {
  confineLocation,
  confineObjectLocations,
  defaultObjectLocation,
  metadataFolder,
} from './locations.js';
import { resolveWarehouse } from './warehouses.js';
import {
  createWithMetadataFile,
  ensureNameFree,
  listObjects,
  loadResultJson,
  objectExists,
  readMetadataFile,
  renameObject,
  requireNamespace,
  requireObject,
  type ObjectIdentifier,
} from './objects.js';

export class ViewService {
  constructor(private readonly ctx: CatalogContext) {}

  async list(warehouse: string, namespace: string[], page: PageRequest) {
    return listObjects(this.ctx, warehouse, 'view', namespace, page);
  }

  async exists(warehouse: string, id: ObjectIdentifier): Promise<boolean> {
    return objectExists(this.ctx, warehouse, 'view', id);
  }

  async create(
    wh: Warehouse,
    namespace: string[],
    request: CreateViewRequest,
    idem?: IdempotencyContext,
  ): Promise<string> {
    checkNamespace(namespace);
    const name = checkName(request.name, 'view');
    const ns = await requireNamespace(this.ctx, wh.name, namespace);
    await ensureNameFree(this.ctx, wh.name, 'view', namespace, name);
    const location = confineLocation(
      wh,
      request.location ?? defaultObjectLocation(wh.location, namespace, ns.properties, name),
      'View location',
    );
    const metadata = newViewMetadata(request, {
      location,
      viewUuid: this.ctx.newUuid(),
      nowMs: this.ctx.now(),
    });
    confineObjectLocations(wh, metadata, 'View');
    const metadataJson = stringifyJson(metadata);
    const metadataLocation = `${metadataFolder(location, metadata.properties)}/${metadataFileName(1, this.ctx.newUuid())}`;
    const body = loadResultJson(metadataLocation, metadataJson);
    const record = { kind: 'view' as const, namespace, name, metadataLocation, metadataJson };
    await createWithMetadataFile(this.ctx, wh.name, record, body, idem);
    return body;
  }

  async load(warehouse: string, id: ObjectIdentifier): Promise<string> {
    const record = await requireObject(this.ctx, warehouse, 'view', id);
    return loadResultJson(record.metadataLocation, record.metadataJson);
  }

  /** replaceView: a commit of view updates, under the same protocol as table commits. */
  async replace(
    wh: string,
    id: ObjectIdentifier,
    requirements: ViewRequirement[],
    updates: ViewUpdate[],
    idem?: IdempotencyContext,
  ): Promise<string> {
    const warehouse = resolveWarehouse(this.ctx.warehouses, wh);
    const plan = async (): Promise<PlannedChange> => {
      const record = await requireObject(this.ctx, wh, 'view', id);
      const base = parseJson(record.metadataJson) as ViewMetadata;
      checkViewRequirements(base, requirements);
      const updated = applyViewUpdates(base, updates, { nowMs: this.ctx.now() });
      if (updated !== base) confineObjectLocations(warehouse, updated, 'View');
      const version = parseMetadataVersion(record.metadataLocation) + 1;
      return {
        kind: 'view',
        namespace: id.namespace,
        name: id.name,
        baseLocation: record.metadataLocation,
        metadataJson: updated === base ? record.metadataJson : stringifyJson(updated),
        newLocation:
          updated === base
            ? record.metadataLocation
            : `${metadataFolder(updated.location, updated.properties)}/${metadataFileName(version, this.ctx.newUuid())}`,
        expiredFiles: [],
        deleteExpired: false,
        unchanged: updated === base,
      };
    };
    const render = (c: PlannedChange) => loadResultJson(c.newLocation, c.metadataJson);
    const [result] = await commitChanges(
      this.ctx,
      wh,
      'view',
      [{ kind: 'view', ...id }],
      async () => [await plan()],
      ([c]) => ({ status: 200, body: render(c as PlannedChange) }),
      idem,
    );
    return render(result as PlannedChange);
  }

  async drop(wh: string, id: ObjectIdentifier, idem?: IdempotencyContext): Promise<void> {
    await this.ctx.store.dropObject(
      wh,
      'view',
      checkNamespace(id.namespace),
      id.name,
      idem && { key: idem.key, response: { status: 204, body: null } },
    );
  }

  async rename(
    wh: string,
    from: ObjectIdentifier,
    to: ObjectIdentifier,
    idem?: IdempotencyContext,
  ): Promise<void> {
    await renameObject(this.ctx, wh, 'view', from, to, idem);
  }

  async register(
    wh: string,
    namespace: string[],
    name: string,
    metadataLocation: string,
    idem?: IdempotencyContext,
  ): Promise<string> {
    checkName(name, 'view');
    await requireNamespace(this.ctx, wh, namespace);
    const warehouse = resolveWarehouse(this.ctx.warehouses, wh);
    confineLocation(warehouse, metadataLocation, 'Metadata file');
    const metadata = await readMetadataFile(
      this.ctx,
      metadataLocation,
      viewMetadataSchema,
      'view metadata',
    );
    confineObjectLocations(warehouse, metadata, 'Registered view');
    const metadataJson = stringifyJson(metadata);
    const body = loadResultJson(metadataLocation, metadataJson);
    await this.ctx.store.createObject(
      wh,
      { kind: 'view', namespace, name, metadataLocation, metadataJson },
      idem && { key: idem.key, response: { status: 200, body } },
    );
    return body;
  }
}
