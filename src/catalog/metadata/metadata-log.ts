/** Metadata file names and the `metadata-log` of previous metadata files. */
import type { TableMetadata } from './schemas.js';

export const PREVIOUS_VERSIONS_MAX_PROPERTY = 'write.metadata.previous-versions-max';
export const PREVIOUS_VERSIONS_MAX_DEFAULT = 100;
export const DELETE_AFTER_COMMIT_PROPERTY = 'write.metadata.delete-after-commit.enabled';

export interface PreviousMetadata {
  metadataLocation: string;
  /** `last-updated-ms` of the metadata stored at `metadataLocation`. */
  lastUpdatedMs: number;
}

/**
 * Appends the previous metadata file to `metadata-log`, keeping at most `maxPrevious` entries
 * (at least one, like Java). Returns the files that fell off the log so the caller can delete
 * them when `write.metadata.delete-after-commit.enabled` is true.
 */
export function withMetadataLog(
  next: TableMetadata,
  previous: PreviousMetadata,
  maxPrevious: number,
): { metadata: TableMetadata; expiredMetadataFiles: string[] } {
  const keep = Math.max(1, Math.floor(maxPrevious));
  const log = [
    ...next['metadata-log'],
    { 'metadata-file': previous.metadataLocation, 'timestamp-ms': previous.lastUpdatedMs },
  ];
  const cut = Math.max(0, log.length - keep);
  return {
    metadata: { ...next, 'metadata-log': log.slice(cut) },
    expiredMetadataFiles: log.slice(0, cut).map((e) => e['metadata-file']),
  };
}

/** `write.metadata.previous-versions-max` of the table, or its default when unset or not a number. */
export function maxPreviousVersions(properties: Record<string, string>): number {
  const raw = properties[PREVIOUS_VERSIONS_MAX_PROPERTY];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(value) ? value : PREVIOUS_VERSIONS_MAX_DEFAULT;
}

export function deleteAfterCommitEnabled(properties: Record<string, string>): boolean {
  return properties[DELETE_AFTER_COMMIT_PROPERTY]?.trim().toLowerCase() === 'true';
}

/** `00001-<uuid>.metadata.json`: the version zero-padded to 5 digits, as Java names them. */
export function metadataFileName(version: number, uuid: string): string {
  return `${String(version).padStart(5, '0')}-${uuid}.metadata.json`;
}

const METADATA_FILE = /^(\d+)-[^/]*\.metadata\.json$/;

/** The version number of a metadata file location, or 0 when the name does not follow the pattern. */
export function parseMetadataVersion(location: string): number {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const match = METADATA_FILE.exec(name);
  return match?.[1] === undefined ? 0 : Number.parseInt(match[1], 10);
}
