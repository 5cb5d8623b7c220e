import type { z } from 'zod';
import { BadRequestError, ServiceUnavailableError, catalogErrors } from '../errors.js';
import { StorageError } from '../io/index.js';
import { parseOrBadRequest } from '../metadata/index.js';
import type {
  CatalogObjectRecord,
  NamespaceRecord,
  ObjectKind,
  PageRequest,
} from '../store/index.js';
import { parseJson } from '../../lib/index.js';
import { deleteQuietly } from './commit.js';
import type { CatalogContext, IdempotencyContext } from './context.js';
import { checkName, checkNamespace, formatIdentifier } from './identifiers.js';

/**
 * What tables and views share: lookups with the spec's 404s, listing, renaming, and reading and
 * writing metadata files. Each service adds what is its own (commits, snapshots, view versions).
 */

export interface ObjectIdentifier {
  namespace: string[];
  name: string;
}

/** LoadTableResult / LoadViewResult, without re-serializing metadata that is already JSON text. */
export function loadResultJson(metadataLocation: string, metadataJson: string): string {
  return `{"metadata-location":${JSON.stringify(metadataLocation)},"metadata":${metadataJson},"config":{}}`;
}

export async function requireNamespace(
  ctx: CatalogContext,
  warehouse: string,
  namespace: string[],
): Promise<NamespaceRecord> {
  const found = await ctx.store.getNamespace(warehouse, checkNamespace(namespace));
  if (!found) throw catalogErrors.noSuchNamespace(formatIdentifier(namespace));
  return found;
}

/**
 * The object's record, else NoSuchTable / NoSuchView, also when the namespace is missing: the
 * spec's 404 for these routes, and what Java's client needs to fall back to a metadata table
 * (`ns.tbl.files` is first tried as table `files` in namespace `ns.tbl`).
 */
export async function requireObject(
  ctx: CatalogContext,
  warehouse: string,
  kind: ObjectKind,
  id: ObjectIdentifier,
): Promise<CatalogObjectRecord> {
  const record = await ctx.store.getObject(warehouse, kind, checkNamespace(id.namespace), id.name);
  if (record) return record;
  throw catalogErrors.noSuchObject(kind, formatIdentifier(id.namespace, id.name));
}

export async function objectExists(
  ctx: CatalogContext,
  warehouse: string,
  kind: ObjectKind,
  id: ObjectIdentifier,
): Promise<boolean> {
  const ns = checkNamespace(id.namespace);
  return (await ctx.store.getObject(warehouse, kind, ns, id.name)) !== undefined;
}

export async function listObjects(
  ctx: CatalogContext,
  warehouse: string,
  kind: ObjectKind,
  namespace: string[],
  page: PageRequest,
) {
  const result = await ctx.store.listObjects(warehouse, kind, checkNamespace(namespace), page);
  return {
    identifiers: result.items.map((name) => ({ namespace, name })),
    'next-page-token': result.nextPageToken,
  };
}

/** Tables and views share names in a namespace; a 409 says which kind holds the name. */
export async function ensureNameFree(
  ctx: CatalogContext,
  warehouse: string,
  kind: ObjectKind,
  namespace: string[],
  name: string,
): Promise<void> {
  const other: ObjectKind = kind === 'table' ? 'view' : 'table';
  const existing =
    (await ctx.store.getObject(warehouse, kind, namespace, name)) ??
    (await ctx.store.getObject(warehouse, other, namespace, name));
  if (!existing) return;
  throw catalogErrors.objectExists(kind, existing.kind, formatIdentifier(namespace, name));
}

/**
 * Writes a new object's first metadata file, then creates its row; if the row cannot be created
 * the file is deleted again, so a failed create leaves nothing behind.
 */
export async function createWithMetadataFile(
  ctx: CatalogContext,
  warehouse: string,
  record: Omit<CatalogObjectRecord, 'version'>,
  body: string,
  idem: IdempotencyContext | undefined,
): Promise<void> {
  try {
    await ctx.io.write(record.metadataLocation, record.metadataJson);
  } catch (err) {
    ctx.events.storageError('write-metadata');
    if (err instanceof StorageError) {
      throw new ServiceUnavailableError(
        `Cannot write ${record.kind} metadata, nothing was created: ${err.message}`,
        'storage',
      );
    }
    throw err;
  }
  try {
    await ctx.store.createObject(
      warehouse,
      record,
      idem && { key: idem.key, response: { status: 200, body } },
    );
  } catch (err) {
    await deleteQuietly(ctx, [record.metadataLocation]);
    throw err;
  }
}

export async function renameObject(
  ctx: CatalogContext,
  warehouse: string,
  kind: ObjectKind,
  from: ObjectIdentifier,
  to: ObjectIdentifier,
  idem: IdempotencyContext | undefined,
): Promise<void> {
  checkName(to.name, kind);
  const fromNs = checkNamespace(from.namespace);
  const toNs = checkNamespace(to.namespace);
  const fromId = formatIdentifier(from.namespace, from.name);
  const toId = formatIdentifier(to.namespace, to.name);
  // Renaming onto itself changes nothing (JdbcCatalog returns before any check).
  if (
    from.name === to.name &&
    fromNs.length === toNs.length &&
    fromNs.every((level, i) => level === toNs[i])
  ) {
    return;
  }
  // Checked here in JdbcCatalog's order, for its messages; the store checks again atomically.
  const requireSource = async () => {
    if (!(await ctx.store.getObject(warehouse, kind, fromNs, from.name))) {
      throw catalogErrors.noSuchObject(kind, fromId);
    }
  };
  if (kind === 'table') {
    await requireSource();
    await requireNamespace(ctx, warehouse, to.namespace);
  } else {
    await requireNamespace(ctx, warehouse, to.namespace);
    await requireSource();
  }
  for (const holder of kind === 'table'
    ? (['view', 'table'] as const)
    : (['table', 'view'] as const)) {
    if (await ctx.store.getObject(warehouse, holder, toNs, to.name)) {
      throw catalogErrors.renameTargetExists(kind, holder, fromId, toId);
    }
  }
  await ctx.store.renameObject(
    warehouse,
    kind,
    { namespace: fromNs, name: from.name },
    { namespace: toNs, name: to.name },
    idem && { key: idem.key, response: { status: 204, body: null } },
  );
}

/** Reads and validates a metadata file a client asks to register; a bad file is the client's 400. */
export async function readMetadataFile<S extends z.ZodType>(
  ctx: CatalogContext,
  location: string,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await ctx.io.read(location);
  } catch (err) {
    throw new BadRequestError(`Cannot read ${what} at ${location}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = parseJson(text);
  } catch {
    throw new BadRequestError(`${location} is not a JSON ${what} file`);
  }
  return parseOrBadRequest(schema, json, `${what} at ${location}`);
}
