import type { TableMetadata } from '../metadata/index.js';
import type { CatalogContext, Warehouse } from './context.js';
import { isWithin, parseLocation, tryParseLocation, type ParsedLocation } from './locations.js';
import { referencedFiles } from './referenced-files.js';

/** How many files one delete call takes (S3's DeleteObjects limit). */
const DELETE_BATCH = 1000;

/** The folder an object lives in, judged from its metadata file: `<folder>/metadata/<file>`. */
function homeFolder(metadataLocation: string): ParsedLocation | undefined {
  const folder = /^(.*)\/metadata\/[^/]+$/.exec(metadataLocation)?.[1];
  return tryParseLocation(folder ?? metadataLocation.replace(/\/[^/]*$/, ''));
}

export interface DroppedTable {
  /** `ns.table`, for the log. */
  table: string;
  metadataLocation: string;
  metadata: TableMetadata;
}

/** What a purge deleted and what it left, and why. */
export interface PurgeResult {
  deleted: number;
  /** Referenced files outside the warehouse or inside another table's or view's folder. */
  kept: number;
  /** Whether the table's own folder (with files no metadata references, e.g. of failed commits) went too. */
  folderDeleted: boolean;
  problems: string[];
}

/**
 * Deletes a dropped table's files: exactly the files its metadata references (metadata files,
 * manifest lists, manifests, data and delete files, statistics), and only those inside the
 * warehouse and outside every other table's and view's folder. Then the table's own folder, when
 * it lies strictly inside the warehouse and no other table or view lives in, above or below it.
 * Never a recursive delete of a location a client named: a table registered at the warehouse
 * root, or at another table's folder, takes nothing with it that is not its own.
 */
export async function purgeTableFiles(
  ctx: CatalogContext,
  wh: Warehouse,
  dropped: DroppedTable,
): Promise<PurgeResult | undefined> {
  try {
    const warehouse = parseLocation(wh.location);
    // The dropped table's row is gone already, so every folder listed belongs to someone else.
    const others = (await ctx.store.listMetadataLocations(wh.name))
      .map(homeFolder)
      .filter((f): f is ParsedLocation => f !== undefined);
    const deletable = (location: string) => {
      const parsed = tryParseLocation(location);
      return (
        parsed !== undefined &&
        isWithin(parsed, warehouse) &&
        !others.some((folder) => isWithin(parsed, folder))
      );
    };

    const { files, problems } = await referencedFiles(
      ctx.io,
      dropped.metadataLocation,
      dropped.metadata,
    );
    const toDelete = files.filter(deletable);
    for (let i = 0; i < toDelete.length; i += DELETE_BATCH) {
      await ctx.io.delete(toDelete.slice(i, i + DELETE_BATCH));
    }

    const folder = tryParseLocation(dropped.metadata.location);
    const ownFolder =
      folder !== undefined &&
      isWithin(folder, warehouse) &&
      folder.segments.length > warehouse.segments.length &&
      !others.some((other) => isWithin(other, folder) || isWithin(folder, other));
    let orphans = 0;
    if (ownFolder) orphans = await ctx.io.deletePrefix(dropped.metadata.location);

    const result: PurgeResult = {
      deleted: toDelete.length + orphans,
      kept: files.length - toDelete.length,
      folderDeleted: ownFolder,
      problems,
    };
    ctx.log.info({ table: dropped.table, ...result }, 'purged table files');
    return result;
  } catch (err) {
    ctx.events.storageError('purge');
    ctx.log.error(
      { err, table: dropped.table, location: dropped.metadata.location },
      'purging the dropped table files failed; they are orphans now',
    );
    return undefined;
  }
}
