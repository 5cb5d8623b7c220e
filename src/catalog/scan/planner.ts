/**
 * Plans a table scan: which data files a scan of a snapshot (or an incremental append scan
 * between two snapshots) must read for a filter, and which delete files apply to each, the way
 * Iceberg's DataTableScan / ManifestGroup / DeleteFileIndex do. `prepareScan` is pure and checks
 * the request (400s happen before any planning starts); `planFiles` does the reads.
 */
import { IllegalArgumentError } from '../errors.js';
import type { FileIO } from '../io/index.js';
import type { Int64, Schema, TableMetadata } from '../metadata/index.js';
import {
  ExpressionError,
  bindFilter,
  findColumn,
  indexSchema,
  type Bound,
  type Column,
  type SchemaIndex,
} from './expression.js';
import { metricsMayMatch, partitionMatches, summariesMayMatch, lookup } from './evaluators.js';
import {
  ENTRY_ADDED,
  ENTRY_DELETED,
  mapLimited,
  readManifest,
  readManifestList,
  type ContentFileRecord,
  type Long,
  type ManifestEntry,
  type ManifestFile,
} from './manifests.js';
import { bindSpec, projectInclusive, type BoundSpec } from './transforms.js';
import { compareStrings, fromAvro, type Value } from './values.js';

export interface ScanRequest {
  'snapshot-id'?: Int64 | undefined;
  select?: string[] | undefined;
  filter?: unknown;
  'case-sensitive'?: boolean | undefined;
  'use-snapshot-schema'?: boolean | undefined;
  'start-snapshot-id'?: Int64 | undefined;
  'end-snapshot-id'?: Int64 | undefined;
  'stats-fields'?: string[] | undefined;
  'min-rows-requested'?: Int64 | undefined;
}

/** A checked request, ready to plan. */
export interface PreparedScan {
  /** Manifest list to read; undefined when the table has no snapshot to scan. */
  manifestList?: string;
  filter: Bound;
  specs: Map<number, BoundSpec>;
  statsColumns: Column[];
  /** Incremental append scan: the append snapshots whose added files are returned. */
  appendSnapshots?: Set<string>;
}

export interface PlannedFile {
  file: ContentFileRecord;
  spec: BoundSpec;
  /** Data sequence number (inherited when the entry has none). */
  seq: Long;
}

export interface PlannedTask extends PlannedFile {
  /** Indices into Plan.deletes. */
  deletes: number[];
}

export interface Plan {
  tasks: PlannedTask[];
  deletes: PlannedFile[];
  statsColumns: Column[];
  manifestsRead: number;
}

export interface PlanOptions {
  /** Manifests read at once. */
  concurrency: number;
  signal?: AbortSignal;
}

const bad = (message: string) => new IllegalArgumentError(message);
const key = (id: Int64 | Long): string => String(id);

function findSnapshot(metadata: TableMetadata, id: Int64, what: string) {
  const snapshot = metadata.snapshots.find((s) => key(s['snapshot-id']) === key(id));
  if (!snapshot) throw bad(`Cannot find ${what} ${key(id)} in the table's snapshots`);
  return snapshot;
}

function schemaById(metadata: TableMetadata, id: number): Schema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === id);
  if (!schema) throw bad(`The table metadata has no schema with id ${id}`);
  return schema;
}

function checkNames(index: SchemaIndex, names: string[] | undefined, what: string, cs: boolean) {
  const columns: Column[] = [];
  for (const name of names ?? []) {
    try {
      columns.push(findColumn(index, name, cs));
    } catch (err) {
      const found = cs ? index.byName.get(name) : index.byLowerName.get(name.toLowerCase());
      // A struct may be selected as a whole; only stats need primitive columns.
      if (found === 'not-primitive' && what === 'select') continue;
      throw bad(`Invalid ${what}: ${(err as Error).message}`);
    }
  }
  return columns;
}

/**
 * Checks and binds a request against the table's metadata. Throws a 400 (IllegalArgumentError)
 * saying what is wrong: an unknown snapshot, an unknown column, an invalid filter.
 */
export function prepareScan(metadata: TableMetadata, request: ScanRequest): PreparedScan {
  const caseSensitive = request['case-sensitive'] ?? true;
  const start = request['start-snapshot-id'];
  const end = request['end-snapshot-id'];
  if (start !== undefined && request['snapshot-id'] !== undefined) {
    throw bad('Invalid scan: snapshot-id cannot be combined with start-snapshot-id');
  }
  if (end !== undefined && start === undefined) {
    throw bad('Invalid scan: end-snapshot-id needs start-snapshot-id (an incremental scan)');
  }
  if (start !== undefined && end === undefined) {
    throw bad('Invalid scan: start-snapshot-id needs end-snapshot-id');
  }

  let snapshotId: Int64 | undefined = request['snapshot-id'] ?? end;
  if (snapshotId === undefined) {
    const current = metadata['current-snapshot-id'];
    if (current !== null && current !== undefined && key(current) !== '-1') snapshotId = current;
  }
  const snapshot =
    snapshotId === undefined
      ? undefined
      : findSnapshot(metadata, snapshotId, end !== undefined ? 'end-snapshot-id' : 'snapshot');

  const schemaId =
    request['use-snapshot-schema'] && snapshot?.['schema-id'] != null
      ? snapshot['schema-id']
      : metadata['current-schema-id'];
  const index = indexSchema(schemaById(metadata, schemaId).fields);

  let filter: Bound;
  try {
    filter = bindFilter(request.filter, index, caseSensitive);
  } catch (err) {
    if (err instanceof ExpressionError) throw bad(`Invalid filter: ${err.message}`);
    throw err;
  }
  checkNames(index, request.select, 'select', caseSensitive);
  const statsColumns = checkNames(index, request['stats-fields'], 'stats-fields', caseSensitive);

  const specs = new Map<number, BoundSpec>();
  for (const spec of metadata['partition-specs']) {
    const bound = bindSpec(spec, index);
    specs.set(bound.specId, bound);
  }

  let appendSnapshots: Set<string> | undefined;
  if (start !== undefined && snapshot) {
    findSnapshot(metadata, start, 'start-snapshot-id');
    appendSnapshots = new Set();
    const byId = new Map(metadata.snapshots.map((s) => [key(s['snapshot-id']), s]));
    let at: typeof snapshot | undefined = snapshot;
    while (at && key(at['snapshot-id']) !== key(start)) {
      if (at.summary.operation === 'append') appendSnapshots.add(key(at['snapshot-id']));
      const parent: Int64 | null | undefined = at['parent-snapshot-id'];
      at = parent === null || parent === undefined ? undefined : byId.get(key(parent));
    }
    if (!at) {
      throw bad(
        `Invalid incremental scan: start-snapshot-id ${key(start)} is not an ancestor of end-snapshot-id ${key(end as Int64)}`,
      );
    }
  }

  if (snapshot && snapshot['manifest-list'] === undefined) {
    throw bad(
      'This catalog plans scans only of snapshots with a manifest list (the table uses v1 inline manifests)',
    );
  }
  return {
    ...(snapshot?.['manifest-list'] ? { manifestList: snapshot['manifest-list'] } : {}),
    filter,
    specs,
    statsColumns,
    ...(appendSnapshots ? { appendSnapshots } : {}),
  };
}

/** The number of manifests a scan reads: what decides between answering now and planning later. */
export async function readManifests(
  io: Pick<FileIO, 'readBytes'>,
  scan: PreparedScan,
  signal?: AbortSignal,
): Promise<ManifestFile[]> {
  if (!scan.manifestList) return [];
  return readManifestList(io, scan.manifestList, signal);
}

function hasLiveFiles(m: ManifestFile): boolean {
  const added = m.added_files_count ?? m.added_data_files_count;
  const existing = m.existing_files_count ?? m.existing_data_files_count;
  // Counts are optional in v1: unknown means "may have files".
  return added === null || added === undefined || existing === null || existing === undefined
    ? true
    : added > 0 || existing > 0;
}

interface Selected {
  manifest: ManifestFile;
  spec: BoundSpec;
  projected: Bound;
}

/** Reads the manifests the filter may need and returns the tasks, with their delete files. */
export async function planFiles(
  io: Pick<FileIO, 'readBytes'>,
  scan: PreparedScan,
  manifests: ManifestFile[],
  options: PlanOptions,
): Promise<Plan> {
  const projections = new Map<number, Bound>();
  const projectionFor = (spec: BoundSpec): Bound => {
    let p = projections.get(spec.specId);
    if (!p) {
      p = projectInclusive(scan.filter, spec);
      projections.set(spec.specId, p);
    }
    return p;
  };
  const incremental = scan.appendSnapshots;

  const selected: Selected[] = [];
  for (const manifest of manifests) {
    const isDelete = (manifest.content ?? 0) === 1;
    if (incremental && (isDelete || !incremental.has(key(manifest.added_snapshot_id)))) continue;
    if (!hasLiveFiles(manifest)) continue;
    const spec = scan.specs.get(manifest.partition_spec_id);
    if (!spec) {
      throw bad(
        `Manifest ${manifest.manifest_path} uses partition spec ${manifest.partition_spec_id}, which the table metadata does not have`,
      );
    }
    const projected = projectionFor(spec);
    if (!summariesMayMatch(projected, manifest.partitions ?? null)) continue;
    selected.push({ manifest, spec, projected });
  }

  const perManifest = await mapLimited(
    selected,
    options.concurrency,
    async ({ manifest, spec, projected }) => {
      const entries = await readManifest(io, manifest.manifest_path, options.signal);
      const kept: PlannedFile[] = [];
      const inheritedSeq = manifest.sequence_number ?? 0;
      for (const entry of entries) {
        if (!keepEntry(entry, incremental)) continue;
        const file = entry.data_file;
        if (!partitionMatches(projected, partitionTuple(file, spec))) continue;
        if (!metricsMayMatch(scan.filter, file)) continue;
        const seq = entry.sequence_number ?? (entry.status === ENTRY_ADDED ? inheritedSeq : 0);
        kept.push({ file, spec, seq });
      }
      return { isDelete: (manifest.content ?? 0) === 1, kept };
    },
    options.signal,
  );

  const dataFiles: PlannedFile[] = [];
  const deleteFiles: PlannedFile[] = [];
  for (const { isDelete, kept } of perManifest) {
    for (const f of kept) {
      if (!isDelete && (f.file.content ?? 0) === 0) dataFiles.push(f);
      else if (isDelete && (f.file.content === 1 || f.file.content === 2)) deleteFiles.push(f);
    }
  }
  const index = new DeleteIndex(deleteFiles);
  return {
    tasks: dataFiles.map((f) => ({ ...f, deletes: index.forDataFile(f) })),
    deletes: deleteFiles,
    statsColumns: scan.statsColumns,
    manifestsRead: selected.length,
  };
}

function keepEntry(entry: ManifestEntry, incremental: Set<string> | undefined): boolean {
  if (entry.status === ENTRY_DELETED) return false;
  if (!incremental) return true;
  return (
    entry.status === ENTRY_ADDED &&
    entry.snapshot_id !== null &&
    entry.snapshot_id !== undefined &&
    incremental.has(key(entry.snapshot_id))
  );
}

/** A file's partition values, by spec position, converted to in-memory values. */
export function partitionTuple(file: ContentFileRecord, spec: BoundSpec): Array<Value | null> {
  const raw = Object.values(file.partition ?? {});
  return spec.fields.map((f, i) => fromAvro(raw[i], f.col.type));
}

function partitionKey(specId: number, tuple: Array<Value | null>): string {
  let k = String(specId);
  for (const v of tuple) {
    k += '\u0000';
    if (v === null) k += '\u0001';
    else if (Buffer.isBuffer(v)) k += `b${v.toString('hex')}`;
    else k += `${typeof v}${String(v)}`;
  }
  return k;
}

/** Iceberg's reserved field id of `file_path` in position delete files. */
const DELETE_FILE_PATH_ID = 2147483546;

/** Which delete files apply to a data file: DeleteFileIndex's rules. */
export class DeleteIndex {
  private readonly positional = new Map<string, number[]>();
  private readonly equality = new Map<string, number[]>();
  private readonly global: number[] = [];
  private readonly byPath = new Map<string, number[]>();

  constructor(private readonly deletes: PlannedFile[]) {
    deletes.forEach((d, i) => {
      const file = d.file;
      if (file.content === 1 && file.referenced_data_file) {
        push(this.byPath, file.referenced_data_file, i);
        return;
      }
      if (file.content === 2 && isUnpartitioned(d.spec)) {
        this.global.push(i);
        return;
      }
      const k = partitionKey(d.spec.specId, partitionTuple(file, d.spec));
      push(file.content === 1 ? this.positional : this.equality, k, i);
    });
  }

  forDataFile(data: PlannedFile): number[] {
    if (this.deletes.length === 0) return [];
    const out: number[] = [];
    const path = data.file.file_path;
    const k = partitionKey(data.spec.specId, partitionTuple(data.file, data.spec));
    // Position deletes apply to data written at or before them (seq <=), equality deletes only to
    // data written strictly before (seq <).
    for (const i of this.byPath.get(path) ?? []) {
      if ((this.deletes[i] as PlannedFile).seq >= data.seq) out.push(i);
    }
    for (const i of this.positional.get(k) ?? []) {
      const d = this.deletes[i] as PlannedFile;
      if (d.seq >= data.seq && mayReferencePath(d.file, path)) out.push(i);
    }
    for (const i of this.equality.get(k) ?? []) {
      if ((this.deletes[i] as PlannedFile).seq > data.seq) out.push(i);
    }
    for (const i of this.global) {
      if ((this.deletes[i] as PlannedFile).seq > data.seq) out.push(i);
    }
    return out.sort((a, b) => a - b);
  }
}

/** Java's PartitionSpec.isUnpartitioned: no field, or only void ones. */
function isUnpartitioned(spec: BoundSpec): boolean {
  return spec.fields.every((f) => f.transform.kind === 'void');
}

function push(map: Map<string, number[]>, k: string, i: number): void {
  const list = map.get(k);
  if (list) list.push(i);
  else map.set(k, [i]);
}

/** A position delete file whose file_path bounds exclude `path` deletes nothing from it. */
function mayReferencePath(file: ContentFileRecord, path: string): boolean {
  const lower = lookup(file.lower_bounds, DELETE_FILE_PATH_ID);
  const upper = lookup(file.upper_bounds, DELETE_FILE_PATH_ID);
  if (lower && compareStrings(lower.toString('utf8'), path) > 0) return false;
  if (upper && compareStrings(upper.toString('utf8'), path) < 0) return false;
  return true;
}
