/**
 * The files a table's metadata references, found by reading its manifest lists and manifests: what
 * a purge may delete. The walk covers the same files as Java's `CatalogUtil.dropTableData` (the
 * current metadata's snapshots, its metadata log, its statistics files) and, unlike it, also the
 * files of DELETED manifest entries: they were written for this table and are still its own.
 */
import type avsc from 'avsc';
import { AvroError, readAvroRecords } from '../io/avro.js';
import type { FileIO } from '../io/index.js';
import type { TableMetadata } from '../metadata/index.js';

/** How many manifest lists or manifests are read at once. */
export const DEFAULT_READ_CONCURRENCY = 8;

export interface ReferencedFiles {
  /** Every referenced location, as the metadata spells it: sorted, without duplicates. */
  files: string[];
  /**
   * One entry per manifest list or manifest that could not be read (missing, corrupt, unsupported
   * codec, refused by the IO) or listed an unusable entry, naming the file and why: sorted. The
   * files such a file references are missing from `files`.
   */
  problems: string[];
}

export interface ReferencedFilesOptions {
  /** Reads in flight at once; default DEFAULT_READ_CONCURRENCY. */
  concurrency?: number;
}

/**
 * Lists the files `metadata` (read from `metadataLocation`) references: that metadata file, every
 * file in `metadata-log`, each snapshot's manifest list (or a v1 snapshot's inline `manifests`),
 * every manifest in those lists, every data and delete file of every entry in those manifests
 * whatever its status, and every statistics and partition-statistics file. A file that cannot be
 * read is a problem and the walk goes on; only `io.readBytes` is called.
 */
export async function referencedFiles(
  io: Pick<FileIO, 'readBytes'>,
  metadataLocation: string,
  metadata: TableMetadata,
  options: ReferencedFilesOptions = {},
): Promise<ReferencedFiles> {
  const concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY;
  const files = new Set<string>([metadataLocation]);
  const problems = new Set<string>();
  // The metadata schema already requires these to be strings; an empty one names no file.
  const add = (target: Set<string>, path: string | undefined): void => {
    if (path) target.add(path);
  };

  for (const entry of metadata['metadata-log']) add(files, entry['metadata-file']);
  for (const stats of metadata.statistics) add(files, stats['statistics-path']);
  for (const stats of metadata['partition-statistics']) add(files, stats['statistics-path']);

  const manifestLists = new Set<string>();
  const manifests = new Set<string>();
  for (const snapshot of metadata.snapshots) {
    add(manifestLists, snapshot['manifest-list']);
    for (const manifest of snapshot.manifests ?? []) add(manifests, manifest);
  }

  // Snapshots share most of their manifests, so each manifest is read once however many lists
  // name it.
  await forEachLimited([...manifestLists], concurrency, async (list) => {
    files.add(list);
    const paths = await readPaths(io, list, 'manifest list', problems);
    for (const path of paths) manifests.add(path);
  });

  await forEachLimited([...manifests], concurrency, async (manifest) => {
    files.add(manifest);
    const paths = await readPaths(io, manifest, 'manifest', problems);
    for (const path of paths) files.add(path);
  });

  return { files: [...files].sort(), problems: [...problems].sort() };
}

/**
 * Reads the paths a manifest list (`manifest_path`) or manifest (`data_file.file_path`) holds. A
 * file that cannot be read at all is one problem and yields nothing; a record without a usable
 * path is a problem of its own and the other records still count.
 */
async function readPaths(
  io: Pick<FileIO, 'readBytes'>,
  location: string,
  kind: 'manifest list' | 'manifest',
  problems: Set<string>,
): Promise<string[]> {
  let records: unknown[];
  try {
    const bytes = await io.readBytes(location);
    records = readAvroRecords(
      bytes,
      kind === 'manifest list' ? manifestListSchema : manifestSchema,
    );
  } catch (err) {
    problems.add(`${kind} ${location}: ${(err as Error).message}`);
    return [];
  }
  const paths: string[] = [];
  records.forEach((record, i) => {
    const path = kind === 'manifest list' ? manifestPathOf(record) : filePathOf(record);
    if (typeof path === 'string' && path !== '') paths.push(path);
    else problems.add(`${kind} ${location}: record ${i} has an empty path`);
  });
  return paths;
}

// Avro schema resolution matches records by name, and Iceberg's writers name them differently
// (Java: `manifest_file`, `manifest_entry`, `r2`), so the reader schemas take the writer's names
// and keep only the fields a purge needs; every format version has them under these names.

function recordFields(type: avsc.Type): avsc.types.Field[] | undefined {
  return type.typeName === 'record' ? (type as avsc.types.RecordType).fields : undefined;
}

function manifestListSchema(writer: avsc.Type): avsc.Schema {
  if (!recordFields(writer)?.some((f) => f.name === 'manifest_path')) {
    throw new AvroError('not an Iceberg manifest list: its records have no manifest_path');
  }
  return {
    type: 'record',
    name: writer.name ?? 'manifest_file',
    fields: [{ name: 'manifest_path', type: 'string' }],
  };
}

function manifestSchema(writer: avsc.Type): avsc.Schema {
  const dataFile = recordFields(writer)?.find((f) => f.name === 'data_file')?.type;
  if (!dataFile || !recordFields(dataFile)?.some((f) => f.name === 'file_path')) {
    throw new AvroError('not an Iceberg manifest: its records have no data_file.file_path');
  }
  return {
    type: 'record',
    name: writer.name ?? 'manifest_entry',
    fields: [
      {
        name: 'data_file',
        type: {
          type: 'record',
          name: dataFile.name ?? 'r2',
          fields: [{ name: 'file_path', type: 'string' }],
        },
      },
    ],
  };
}

function manifestPathOf(record: unknown): unknown {
  return (record as { manifest_path?: unknown }).manifest_path;
}

function filePathOf(record: unknown): unknown {
  return (record as { data_file?: { file_path?: unknown } }).data_file?.file_path;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; `fn` must not throw. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
