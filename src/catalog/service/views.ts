import {
  AlreadyExistsError,
  BadRequestError,
  NoSuchNamespaceError,
  NoSuchViewError,
  ServiceUnavailableError,
} from '../errors.js';
import {
  applyViewUpdates,
  checkViewRequirements,
  metadataFileName,
  newViewMetadata,
  parseMetadataVersion,
  parseOrBadRequest,
  viewMetadataSchema,
  type CreateViewRequest,
  type ViewMetadata,
  type ViewRequirement,
  type ViewUpdate,
} from '../metadata/index.js';
import { StorageError } from '../io/index.js';
import { parseJson, stringifyJson } from '../../lib/index.js';
import type { CatalogObjectRecord, PageRequest } from '../store/index.js';
import { commitChanges, deleteQuietly, type PlannedChange } from './commit.js';
import type { CatalogContext, IdempotencyContext, Warehouse } from './context.js';
import { checkName, checkNamespace, formatIdentifier } from './identifiers.js';
import type { TableIdentifier } from './tables.js';
import { defaultObjectLocation } from './locations.js';

function loadViewJson(metadataLocation: string, metadataJson: string): string {
  return `{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":${metadataJson},"config":{}}`;
}

export class ViewService {
  constructor(private readonly ctx: CatalogContext) {}

  private async requireNamespace(warehouse: string, namespace: string[]) {
    const found = await this.ctx.store.getNamespace(warehouse, namespace);
    if (!found)
      throw new NoSuchNamespaceError(`Namespace does not exist: ${formatIdentifier(namespace)}`);
    return found;
  }

  private async requireView(warehouse: string, id: TableIdentifier): Promise<CatalogObjectRecord> {
    const record = await this.ctx.store.getObject(
      warehouse,
      'view',
      checkNamespace(id.namespace),
      id.name,
    );
    if (!record) {
      await this.requireNamespace(warehouse, id.namespace);
      throw new NoSuchViewError(`View does not exist: ${formatIdentifier(id.namespace, id.name)}`);
    }
    return record;
  }

  async list(warehouse: string, namespace: string[], page: PageRequest) {
    const result = await this.ctx.store.listObjects(
      warehouse,
      'view',
      checkNamespace(namespace),
      page,
    );
    return {
      identifiers: result.items.map((name) => ({ namespace, name })),
      'next-page-token': result.nextPageToken,
    };
  }

  async exists(warehouse: string, id: TableIdentifier): Promise<boolean> {
    return (
      (await this.ctx.store.getObject(warehouse, 'view', checkNamespace(id.namespace), id.name)) !==
      undefined
    );
  }

  async create(
    wh: Warehouse,
    namespace: string[],
    request: CreateViewRequest,
    idem?: IdempotencyContext,
  ): Promise<string> {
    checkNamespace(namespace);
    const name = checkName(request.name, 'view');
    const ns = await this.requireNamespace(wh.name, namespace);
    const existing =
      (await this.ctx.store.getObject(wh.name, 'view', namespace, name)) ??
      (await this.ctx.store.getObject(wh.name, 'table', namespace, name));
    if (existing) {
      throw new AlreadyExistsError(
        `${existing.kind === 'view' ? 'View' : 'Table with same name'} already exists: ${formatIdentifier(namespace, name)}`,
      );
    }
    const location =
      request.location?.replace(/\/+$/, '') ??
      defaultObjectLocation(wh.location, namespace, ns.properties, name);
    const metadata = newViewMetadata(request, {
      location,
      viewUuid: this.ctx.newUuid(),
      nowMs: this.ctx.now(),
    });
    const metadataJson = stringifyJson(metadata);
    const metadataLocation = `${location}/metadata/${metadataFileName(1, this.ctx.newUuid())}`;
    const body = loadViewJson(metadataLocation, metadataJson);
    try {
      await this.ctx.io.write(metadataLocation, metadataJson);
    } catch (err) {
      this.ctx.events.storageError('write-metadata');
      if (err instanceof StorageError)
        throw new ServiceUnavailableError(
          `Cannot write view metadata, nothing was created: ${err.message}`,
          'storage',
        );
      throw err;
    }
    try {
      await this.ctx.store.createObject(
        wh.name,
        { kind: 'view', namespace, name, metadataLocation, metadataJson },
        idem && { key: idem.key, response: { status: 200, body } },
      );
    } catch (err) {
      await deleteQuietly(this.ctx, [metadataLocation]);
      throw err;
    }
    return body;
  }

  async load(warehouse: string, id: TableIdentifier): Promise<string> {
    const record = await this.requireView(warehouse, id);
    return loadViewJson(record.metadataLocation, record.metadataJson);
  }

  async replace(
    wh: string,
    id: TableIdentifier,
    requirements: ViewRequirement[],
    updates: ViewUpdate[],
    idem?: IdempotencyContext,
  ): Promise<string> {
    const plan = async (): Promise<PlannedChange> => {
      const record = await this.requireView(wh, id);
      const base = parseJson(record.metadataJson) as ViewMetadata;
      checkViewRequirements(base, requirements);
      const updated = applyViewUpdates(base, updates, { nowMs: this.ctx.now() });
      const location = updated.location.replace(/\/+$/, '');
      const version = parseMetadataVersion(record.metadataLocation) + 1;
      return {
        kind: 'view',
        namespace: id.namespace,
        name: id.name,
        baseLocation: record.metadataLocation,
        metadataJson: stringifyJson(updated),
        newLocation: `${location}/metadata/${metadataFileName(version, this.ctx.newUuid())}`,
        expiredFiles: [],
        deleteExpired: false,
        unchanged: updated === base,
      };
    };
    const render = (c: PlannedChange) => loadViewJson(c.newLocation, c.metadataJson);
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

  async drop(wh: string, id: TableIdentifier, idem?: IdempotencyContext): Promise<void> {
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
    from: TableIdentifier,
    to: TableIdentifier,
    idem?: IdempotencyContext,
  ): Promise<void> {
    checkName(to.name, 'view');
    await this.ctx.store.renameObject(
      wh,
      'view',
      { namespace: checkNamespace(from.namespace), name: from.name },
      { namespace: checkNamespace(to.namespace), name: to.name },
      idem && { key: idem.key, response: { status: 204, body: null } },
    );
  }

  async register(
    wh: string,
    namespace: string[],
    name: string,
    metadataLocation: string,
    idem?: IdempotencyContext,
  ): Promise<string> {
    checkName(name, 'view');
    await this.requireNamespace(wh, checkNamespace(namespace));
    let parsedJson: unknown;
    try {
      parsedJson = parseJson(await this.ctx.io.read(metadataLocation));
    } catch (err) {
      throw new BadRequestError(
        `Cannot read view metadata at ${metadataLocation}: ${(err as Error).message}`,
      );
    }
    const metadata = parseOrBadRequest(
      viewMetadataSchema,
      parsedJson,
      `view metadata at ${metadataLocation}`,
    );
    const metadataJson = stringifyJson(metadata);
    const body = loadViewJson(metadataLocation, metadataJson);
    await this.ctx.store.createObject(
      wh,
      { kind: 'view', namespace, name, metadataLocation, metadataJson },
      idem && { key: idem.key, response: { status: 200, body } },
    );
    return body;
  }
}
