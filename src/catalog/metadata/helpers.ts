/** Small read-only helpers the service layer needs around table metadata and identifiers. */
import { BadRequestError } from '../errors.js';
import type { Snapshot, TableMetadata } from './schemas.js';
import { currentSnapshotId } from './table-updates.js';
import { idKey, sameId } from './util.js';

/** Joins namespace levels in the REST spec's URL form; a level must never contain it. */
export const NAMESPACE_SEPARATOR = '\u001f';

/** Throws BadRequestError unless the namespace has at least one level and every level is valid. */
export function validateNamespace(namespace: readonly string[]): void {
  if (namespace.length === 0)
    throw new BadRequestError('Invalid namespace: must have at least one level');
  namespace.forEach((level, i) => {
    if (level === '') throw new BadRequestError(`Invalid namespace: level ${i + 1} is empty`);
    if (level.includes(NAMESPACE_SEPARATOR)) {
      throw new BadRequestError(
        `Invalid namespace: level ${JSON.stringify(level)} contains the unit separator (U+001F)`,
      );
    }
  });
}

export function currentSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = currentSnapshotId(metadata);
  return id === undefined
    ? undefined
    : metadata.snapshots.find((s) => sameId(s['snapshot-id'], id));
}

export function snapshotById(
  metadata: TableMetadata,
  id: Snapshot['snapshot-id'],
): Snapshot | undefined {
  return metadata.snapshots.find((s) => sameId(s['snapshot-id'], id));
}

/** For loadTable with `snapshots=refs`: only the snapshots some branch or tag points at. */
export function metadataWithOnlyRefs(metadata: TableMetadata): TableMetadata {
  const referenced = new Set(Object.values(metadata.refs).map((r) => idKey(r['snapshot-id'])));
  return {
    ...metadata,
    snapshots: metadata.snapshots.filter((s) => referenced.has(idKey(s['snapshot-id']))),
  };
}
