import { z } from 'zod';
import {
  currentSnapshotId,
  tableMetadataSchema,
  type Int64,
  type PartitionField,
  type Snapshot,
  type SortField,
  type TableMetadata,
} from '../../catalog/metadata/index.js';
import type {
  CatalogPartitionField,
  CatalogRef,
  CatalogSchema,
  CatalogSnapshot,
  CatalogSortField,
  CatalogTable,
} from '../api.js';
import { fieldPath, toCatalogSchema } from './schema.js';
import { parseAnswer } from './shape.js';

/** The REST spec's LoadTableResult; `config` (storage credentials among them) is never read. */
const loadTableResultSchema = z.looseObject({
  'metadata-location': z.string().nullish(),
  metadata: tableMetadataSchema,
});

/** 64-bit ids arrive as bigint from the lossless parser: decimal text keeps every digit. */
export const idText = (id: Int64): string => String(id);

/** A summary count; null when the writer did not record it or wrote something not a count. */
function count(summary: Record<string, string>, ...keys: string[]): number | null {
  let total: number | null = null;
  for (const key of keys) {
    const text = summary[key];
    if (text === undefined || !/^\d{1,16}$/.test(text)) continue;
    total = (total ?? 0) + Number(text);
  }
  return total;
}

/** A summary as text: writers put strings, but a value of another type must not break the view. */
function textRecord(summary: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(summary).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/**
 * One snapshot with the summary's counts. Files count data and delete files together, as
 * Java's summary totals do: a merge-on-read delete adds delete files only.
 */
export function toCatalogSnapshot(s: Snapshot): CatalogSnapshot {
  const summary = textRecord(s.summary);
  return {
    snapshotId: idText(s['snapshot-id']),
    parentSnapshotId:
      s['parent-snapshot-id'] === undefined || s['parent-snapshot-id'] === null
        ? null
        : idText(s['parent-snapshot-id']),
    sequenceNumber: s['sequence-number'] ?? 0,
    timestampMs: s['timestamp-ms'],
    operation: s.summary.operation,
    schemaId: s['schema-id'] ?? null,
    // A v1 snapshot may list its manifests instead of a manifest list.
    manifestList: s['manifest-list'] ?? (s.manifests ?? []).join(', '),
    summary,
    addedFiles: count(summary, 'added-data-files', 'added-delete-files'),
    deletedFiles: count(summary, 'deleted-data-files', 'removed-delete-files'),
    addedRecords: count(summary, 'added-records'),
    deletedRecords: count(summary, 'deleted-records'),
    addedBytes: count(summary, 'added-files-size'),
    removedBytes: count(summary, 'removed-files-size'),
    totalRecords: count(summary, 'total-records'),
    totalFiles: count(summary, 'total-data-files', 'total-delete-files'),
  };
}

/** v3's multi-argument transforms name several sources: the first is the id, all are named. */
function sources(
  f: PartitionField | SortField,
  schema: CatalogSchema,
): { sourceId: number; sourceName: string } {
  const ids = f['source-ids'] ?? (f['source-id'] === undefined ? [] : [f['source-id']]);
  return {
    sourceId: ids[0] ?? -1,
    sourceName: ids.map((id) => fieldPath(schema, id)).join(', '),
  };
}

function partitionSpec(m: TableMetadata, schema: CatalogSchema): CatalogTable['partitionSpec'] {
  const specId = m['default-spec-id'];
  const spec = m['partition-specs'].find((s) => (s['spec-id'] ?? 0) === specId);
  return {
    specId,
    fields: (spec?.fields ?? []).map((f, i): CatalogPartitionField => ({
      // v1 specs may leave field ids out; Java assigns them from 1000 in order.
      fieldId: f['field-id'] ?? 1000 + i,
      name: f.name,
      ...sources(f, schema),
      transform: f.transform,
    })),
  };
}

function sortOrder(m: TableMetadata, schema: CatalogSchema): CatalogTable['sortOrder'] {
  const orderId = m['default-sort-order-id'];
  const order = m['sort-orders'].find((o) => (o['order-id'] ?? 0) === orderId);
  return {
    orderId,
    fields: (order?.fields ?? []).map((f): CatalogSortField => ({
      ...sources(f, schema),
      transform: f.transform,
      direction: f.direction,
      nullOrder: f['null-order'],
    })),
  };
}

/** Branches before tags, `main` first, then by name: the order a person looks for them. */
function refs(m: TableMetadata): CatalogRef[] {
  return Object.entries(m.refs)
    .map(([name, r]): CatalogRef => ({
      name,
      type: r.type,
      snapshotId: idText(r['snapshot-id']),
      ...(typeof r['max-ref-age-ms'] === 'number' ? { maxRefAgeMs: r['max-ref-age-ms'] } : {}),
      ...(typeof r['max-snapshot-age-ms'] === 'number'
        ? { maxSnapshotAgeMs: r['max-snapshot-age-ms'] }
        : {}),
      ...(typeof r['min-snapshots-to-keep'] === 'number'
        ? { minSnapshotsToKeep: r['min-snapshots-to-keep'] }
        : {}),
    }))
    .sort(
      (a, b) =>
        Number(a.type === 'tag') - Number(b.type === 'tag') ||
        Number(b.name === 'main') - Number(a.name === 'main') ||
        a.name.localeCompare(b.name),
    );
}

/**
 * Newest first. Logs are appended in commit order, and their timestamps need not rise with it
 * (a commit of a snapshot takes the snapshot's time): the order is the log's own.
 */
const newestFirst = <T>(log: readonly T[]): T[] => [...log].reverse();

/**
 * A loadTable answer as the page shows it: the current schema flattened, the default spec and
 * sort order with their source columns named, every log newest first. Throws a ShapeError when
 * the answer is not a LoadTableResult.
 */
export function toCatalogTable(namespace: string[], name: string, answer: unknown): CatalogTable {
  const { metadata: m, 'metadata-location': metadataLocation } = parseAnswer(
    loadTableResultSchema,
    answer,
    'loadTable',
  );
  const current = m.schemas.find((s) => (s['schema-id'] ?? 0) === m['current-schema-id']);
  const schema = current
    ? toCatalogSchema(current)
    : { schemaId: m['current-schema-id'], identifierFieldIds: [], fields: [] };
  const currentId = currentSnapshotId(m);
  // Sequence numbers order snapshots (v2+); v1 has none, and the list's commit order does.
  const snapshots = newestFirst(m.snapshots.map(toCatalogSnapshot))
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.sequenceNumber - a.s.sequenceNumber || a.i - b.i)
    .map(({ s }) => s);
  return {
    namespace,
    name,
    metadataLocation: metadataLocation ?? null,
    location: m.location,
    tableUuid: m['table-uuid'],
    formatVersion: m['format-version'],
    lastUpdatedMs: m['last-updated-ms'],
    schema,
    schemaCount: m.schemas.length,
    partitionSpec: partitionSpec(m, schema),
    specCount: m['partition-specs'].length,
    sortOrder: sortOrder(m, schema),
    properties: m.properties,
    currentSnapshotId: currentId === undefined ? null : idText(currentId),
    snapshots,
    refs: refs(m),
    metadataLog: newestFirst(
      m['metadata-log'].map((e) => ({
        timestampMs: e['timestamp-ms'],
        metadataFile: e['metadata-file'],
      })),
    ),
    snapshotLog: newestFirst(
      m['snapshot-log'].map((e) => ({
        timestampMs: e['timestamp-ms'],
        snapshotId: idText(e['snapshot-id']),
      })),
    ),
  };
}
