import { createHash } from 'node:crypto';
import { BadRequestError, NoSuchTableError } from '../errors.js';
import {
  applyTableUpdates,
  deleteAfterCommitEnabled,
  maxPreviousVersions,
  checkTableRequirements,
  metadataFileName,
  metadataWithOnlyRefs,
  newTableMetadata,
  parseMetadataVersion,
  tableMetadataSchema,
  withMetadataLog,
  type CreateTableRequest,
  type TableMetadata,
  type TableRequirement,
  type TableUpdate,
} from '../metadata/index.js';
import { parseJson, stringifyJson } from '../../lib/index.js';
import type { CatalogObjectRecord, PageRequest } from '../store/index.js';
import { commitChanges, type PlannedChange } from './commit.js';
import type { CatalogContext, IdempotencyContext, Warehouse } from './context.js';
import { checkName, checkNamespace, formatIdentifier } from './identifiers.js';
import { LruCache } from './lru.js';
import {
  confineLocation,
  confineObjectLocations,
  defaultObjectLocation,
  metadataFolder,
} from './locations.js';
import { purgeTableFiles } from './purge.js';
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

export type TableIdentifier = ObjectIdentifier;

export interface TableChange {
  identifier: TableIdentifier;
  requirements: TableRequirement[];
  updates: TableUpdate[];
}

/** A loaded table as the HTTP layer sends it: the body is pre-rendered JSON text. */
export interface LoadedTable {
  etag: string;
  body: string;
  /** The table's `location`, for credentials scoped to it. */
  location: string;
}

export function etagFor(metadataLocation: string, variant: string): string {
  return `"${createHash('sha1').update(`${variant}\n${metadataLocation}`).digest('hex')}"`;
}

export class TableService {
  /** Parsed metadata by metadata location: a location is immutable, so entries never go stale. */
  private readonly parsed = new LruCache<string, TableMetadata>(2000);

  constructor(private readonly ctx: CatalogContext) {}

  private parse(record: CatalogObjectRecord): TableMetadata {
    let metadata = this.parsed.get(record.metadataLocation);
    if (!metadata) {
      metadata = parseJson(record.metadataJson) as TableMetadata;
      this.parsed.set(record.metadataLocation, metadata);
    }
    return metadata;
  }

  async list(warehouse: string, namespace: string[], page: PageRequest) {
    return listObjects(this.ctx, warehouse, 'table', namespace, page);
  }

  async exists(warehouse: string, id: TableIdentifier): Promise<boolean> {
    return objectExists(this.ctx, warehouse, 'table', id);
  }

  async defaultLocation(wh: Warehouse, namespace: string[], name: string): Promise<string> {
    const ns = await requireNamespace(this.ctx, wh.name, namespace);
    return defaultObjectLocation(wh.location, namespace, ns.properties, name);
  }

  /** Where `create` would put the table: the request's location or the default, confined. */
  async createLocation(
    wh: Warehouse,
    namespace: string[],
    request: CreateTableRequest,
  ): Promise<string> {
    checkNamespace(namespace);
    const name = checkName(request.name, 'table');
    return confineLocation(
      wh,
      request.location ?? (await this.defaultLocation(wh, namespace, name)),
      'Table location',
    );
  }

  async create(
    wh: Warehouse,
    namespace: string[],
    request: CreateTableRequest,
    idem?: IdempotencyContext,
  ): Promise<string> {
    const location = await this.createLocation(wh, namespace, request);
    const name = checkName(request.name, 'table');
    await ensureNameFree(this.ctx, wh.name, 'table', namespace, name);
    const metadata = newTableMetadata(request, {
      location,
      tableUuid: this.ctx.newUuid(),
      nowMs: this.ctx.now(),
    });
    confineObjectLocations(wh, metadata, 'Table');
    const metadataJson = stringifyJson(metadata);
    if (request['stage-create']) {
      // Nothing is stored: the client commits the table later with an assert-create requirement.
      return `{"metadata":${metadataJson},"config":{}}`;
    }
    const metadataLocation = `${metadataFolder(location, metadata.properties)}/${metadataFileName(0, this.ctx.newUuid())}`;
    const body = loadResultJson(metadataLocation, metadataJson);
    const record = { kind: 'table' as const, namespace, name, metadataLocation, metadataJson };
    await createWithMetadataFile(this.ctx, wh.name, record, body, idem);
    return body;
  }

  async load(
    warehouse: string,
    id: TableIdentifier,
    snapshots: 'all' | 'refs',
  ): Promise<LoadedTable> {
    const record = await requireObject(this.ctx, warehouse, 'table', id);
    const etag = etagFor(record.metadataLocation, snapshots);
    const metadata = this.parse(record);
    if (snapshots === 'all') {
      const body = loadResultJson(record.metadataLocation, record.metadataJson);
      return { etag, body, location: metadata.location };
    }
    const filtered = stringifyJson(metadataWithOnlyRefs(metadata));
    return {
      etag,
      body: loadResultJson(record.metadataLocation, filtered),
      location: metadata.location,
    };
  }

  /** Plans one table's change from a fresh read: requirements first, then the pure update functions. */
  private async planChange(wh: string, change: TableChange): Promise<PlannedChange> {
    const { namespace, name } = change.identifier;
    const record = await this.ctx.store.getObject(wh, 'table', checkNamespace(namespace), name);
    const creates = change.requirements.some((r) => r.type === 'assert-create');
    if (!record && !creates) {
      throw new NoSuchTableError(`Table does not exist: ${formatIdentifier(namespace, name)}`);
    }
    const base = record ? this.parse(record) : undefined;
    checkTableRequirements(base, change.requirements);
    const nowMs = this.ctx.now();
    const updated = applyTableUpdates(base, change.updates, { nowMs });
    if (updated !== base)
      confineObjectLocations(resolveWarehouse(this.ctx.warehouses, wh), updated, 'Table');
    if (base && updated === base) {
      return {
        kind: 'table',
        namespace,
        name,
        baseLocation: record?.metadataLocation,
        metadataJson: record?.metadataJson ?? '',
        newLocation: record?.metadataLocation ?? '',
        expiredFiles: [],
        deleteExpired: false,
        unchanged: true,
      };
    }
    const properties = (updated.properties ?? {}) as Record<string, string>;
    const { metadata, expiredMetadataFiles } =
      record && base
        ? withMetadataLog(
            updated,
            { metadataLocation: record.metadataLocation, lastUpdatedMs: base['last-updated-ms'] },
            Math.max(0, maxPreviousVersions(properties)),
          )
        : { metadata: updated, expiredMetadataFiles: [] };
    const version = record ? parseMetadataVersion(record.metadataLocation) + 1 : 0;
    const metadataJson = stringifyJson(metadata);
    const newLocation = `${metadataFolder(metadata.location, properties)}/${metadataFileName(version, this.ctx.newUuid())}`;
    // Locations are never reused, so caching before the swap is safe even if the swap loses.
    this.parsed.set(newLocation, metadata);
    return {
      kind: 'table',
      namespace,
      name,
      baseLocation: record?.metadataLocation,
      metadataJson,
      newLocation,
      expiredFiles: expiredMetadataFiles,
      deleteExpired: deleteAfterCommitEnabled(properties),
      unchanged: false,
    };
  }

  async commit(wh: string, change: TableChange, idem?: IdempotencyContext): Promise<string> {
    if (change.requirements.some((r) => r.type === 'assert-create')) {
      await requireNamespace(this.ctx, wh, change.identifier.namespace);
    }
    const render = (c: PlannedChange) =>
      `{"metadata-location":${JSON.stringify(c.newLocation)},"metadata":${c.metadataJson}}`;
    const [result] = await commitChanges(
      this.ctx,
      wh,
      'table',
      [{ kind: 'table', ...change.identifier }],
      async () => [await this.planChange(wh, change)],
      ([c]) => ({ status: 200, body: render(c as PlannedChange) }),
      idem,
    );
    return render(result as PlannedChange);
  }

  async commitTransaction(
    wh: string,
    changes: TableChange[],
    idem?: IdempotencyContext,
  ): Promise<void> {
    if (changes.length === 0)
      throw new BadRequestError('Invalid transaction: table-changes is empty');
    const seen = new Set<string>();
    for (const c of changes) {
      const key = formatIdentifier(c.identifier.namespace, c.identifier.name);
      if (seen.has(key))
        throw new BadRequestError(`Invalid transaction: table ${key} appears more than once`);
      seen.add(key);
      if (c.requirements.some((r) => r.type === 'assert-create')) {
        throw new BadRequestError(
          `Invalid transaction: creating table ${key} is not supported in a multi-table transaction; commit it on its own`,
        );
      }
    }
    await commitChanges(
      this.ctx,
      wh,
      'transaction',
      changes.map((c) => ({ kind: 'table' as const, ...c.identifier })),
      () => Promise.all(changes.map((c) => this.planChange(wh, c))),
      () => ({ status: 204, body: null }),
      idem,
    );
  }

  async drop(
    wh: string,
    id: TableIdentifier,
    purge: boolean,
    idem?: IdempotencyContext,
  ): Promise<void> {
    const record = await this.ctx.store.dropObject(
      wh,
      'table',
      checkNamespace(id.namespace),
      id.name,
      idem && { key: idem.key, response: { status: 204, body: null } },
    );
    if (!purge) return;
    // The table is gone from the catalog first, so a failed deletion leaves orphans, never a broken table.
    await purgeTableFiles(this.ctx, resolveWarehouse(this.ctx.warehouses, wh), {
      table: formatIdentifier(id.namespace, id.name),
      metadataLocation: record.metadataLocation,
      metadata: this.parse(record),
    });
  }

  async rename(
    wh: string,
    from: TableIdentifier,
    to: TableIdentifier,
    idem?: IdempotencyContext,
  ): Promise<void> {
    await renameObject(this.ctx, wh, 'table', from, to, idem);
  }

  async register(
    wh: string,
    namespace: string[],
    name: string,
    metadataLocation: string,
    overwrite: boolean,
    idem?: IdempotencyContext,
  ): Promise<string> {
    checkName(name, 'table');
    await requireNamespace(this.ctx, wh, namespace);
    const warehouse = resolveWarehouse(this.ctx.warehouses, wh);
    confineLocation(warehouse, metadataLocation, 'Metadata file');
    const metadata = await readMetadataFile(
      this.ctx,
      metadataLocation,
      tableMetadataSchema,
      'table metadata',
    );
    // A registered table is purged, committed to and read from where its metadata says it lives.
    confineObjectLocations(warehouse, metadata, 'Registered table');
    const metadataJson = stringifyJson(metadata);
    const body = loadResultJson(metadataLocation, metadataJson);
    const response = idem && { key: idem.key, response: { status: 200, body } };
    const existing = await this.ctx.store.getObject(wh, 'table', namespace, name);
    if (!existing || !overwrite) await ensureNameFree(this.ctx, wh, 'table', namespace, name);
    if (existing && overwrite) {
      await this.ctx.store.commitObjects(
        wh,
        [
          {
            kind: 'table',
            namespace,
            name,
            expectedMetadataLocation: existing.metadataLocation,
            metadataLocation,
            metadataJson,
          },
        ],
        response,
      );
    } else {
      await this.ctx.store.createObject(
        wh,
        { kind: 'table', namespace, name, metadataLocation, metadataJson },
        response,
      );
    }
    return body;
  }

  async unregister(wh: string, id: TableIdentifier, idem?: IdempotencyContext): Promise<string> {
    const render = (r: CatalogObjectRecord) =>
      `{"metadata-location":${JSON.stringify(r.metadataLocation)},"metadata":${r.metadataJson}}`;
    const current = await requireObject(this.ctx, wh, 'table', id);
    const dropped = await this.ctx.store.dropObject(
      wh,
      'table',
      id.namespace,
      id.name,
      idem && { key: idem.key, response: { status: 200, body: render(current) } },
    );
    // The dropped row, not the earlier read, is what the catalog last held.
    return render(dropped);
  }
}
