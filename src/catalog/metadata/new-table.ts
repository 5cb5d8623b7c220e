/** Metadata of a table created in one request (createTable, also its stage-create variant). */
import { BadRequestError } from '../errors.js';
import type {
  CreateTableRequest,
  FormatVersion,
  PartitionSpec,
  SortOrder,
  TableMetadata,
} from './schemas.js';
import { assignFreshIds } from './fresh-ids.js';
import { validatePartitionSpec, validateSchema, validateSortOrder } from './validation.js';

export const DEFAULT_FORMAT_VERSION: FormatVersion = 2;
export const SUPPORTED_FORMAT_VERSION: FormatVersion = 3;
export const FORMAT_VERSION_PROPERTY = 'format-version';
/** Partition field ids start here (v1 assigned them implicitly from 1000). */
export const PARTITION_DATA_ID_START = 1000;
export const UNSORTED_ORDER_ID = 0;

export interface NewTableContext {
  /** The resolved table location (request.location or the warehouse/namespace default). */
  location: string;
  tableUuid: string;
  nowMs: number;
}

export function parseFormatVersion(value: string | number): FormatVersion {
  const version =
    typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (version === 1 || version === 2 || version === 3) return version;
  throw new BadRequestError(
    `Unsupported format version: ${JSON.stringify(value)} (supported: 1 to ${SUPPORTED_FORMAT_VERSION})`,
  );
}

/** The value a table without a current snapshot stores: Java writes -1 before v3 and null from v3. */
export function noCurrentSnapshot(formatVersion: FormatVersion): -1 | null {
  return formatVersion >= 3 ? null : -1;
}

export function newTableMetadata(request: CreateTableRequest, ctx: NewTableContext): TableMetadata {
  const { [FORMAT_VERSION_PROPERTY]: requestedVersion, ...properties } = request.properties ?? {};
  // Like Java, the format version is a creation option, not a property the table keeps.
  const formatVersion =
    requestedVersion === undefined ? DEFAULT_FORMAT_VERSION : parseFormatVersion(requestedVersion);

  // Checked as sent, so errors name the client's ids; then renumbered as Java's newTableMetadata
  // does, with the spec's and sort order's source ids following their columns.
  validateSchema(request.schema, formatVersion);
  const requestedSpec = request['partition-spec'] ?? { fields: [] };
  validatePartitionSpec(requestedSpec, request.schema);
  const requestedOrder = request['write-order'] ?? { fields: [] };
  validateSortOrder(requestedOrder, request.schema);

  const fresh = assignFreshIds(request.schema, 0);
  const schema = fresh.schema;
  const remap = <
    F extends { 'source-id'?: number | undefined; 'source-ids'?: number[] | undefined },
  >(
    field: F,
  ): F => ({
    ...field,
    ...(field['source-id'] !== undefined
      ? { 'source-id': fresh.ids.get(field['source-id']) ?? field['source-id'] }
      : {}),
    ...(field['source-ids'] !== undefined
      ? { 'source-ids': field['source-ids'].map((id) => fresh.ids.get(id) ?? id) }
      : {}),
  });

  // Java rebuilds the spec with fresh partition field ids (1000, 1001, ...), whatever was sent.
  const spec: PartitionSpec = {
    ...requestedSpec,
    'spec-id': 0,
    fields: requestedSpec.fields.map((f, i) => ({
      ...remap(f),
      'field-id': PARTITION_DATA_ID_START + i,
    })),
  };

  const order: SortOrder =
    requestedOrder.fields.length === 0
      ? { ...requestedOrder, 'order-id': UNSORTED_ORDER_ID, fields: [] }
      : { ...requestedOrder, 'order-id': 1, fields: requestedOrder.fields.map(remap) };

  const metadata: TableMetadata = {
    'format-version': formatVersion,
    'table-uuid': ctx.tableUuid,
    location: ctx.location,
    'last-sequence-number': 0,
    'last-updated-ms': ctx.nowMs,
    'last-column-id': fresh.lastColumnId,
    'current-schema-id': 0,
    schemas: [schema],
    'default-spec-id': 0,
    'partition-specs': [spec],
    'last-partition-id': lastAssignedFieldId(spec, PARTITION_DATA_ID_START - 1),
    'default-sort-order-id': order['order-id'] ?? UNSORTED_ORDER_ID,
    'sort-orders': [order],
    properties,
    'current-snapshot-id': noCurrentSnapshot(formatVersion),
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
  };
  if (formatVersion >= 3) metadata['next-row-id'] = 0;
  return withLegacyFields(metadata);
}

/**
 * Gives the spec its id and ids to fields that have none: from `lastPartitionId + 1`, except that
 * v1 specs number their fields 1000, 1001, ... in each spec, as v1 readers assume.
 */
export function freshSpec(
  spec: PartitionSpec,
  specId: number,
  lastPartitionId: number,
  formatVersion: FormatVersion,
): PartitionSpec {
  let next = lastPartitionId;
  const fields = spec.fields.map((field, i) => {
    if (field['field-id'] !== undefined) return field;
    next += 1;
    return { ...field, 'field-id': formatVersion === 1 ? PARTITION_DATA_ID_START + i : next };
  });
  return { ...spec, 'spec-id': specId, fields };
}

export function lastAssignedFieldId(spec: PartitionSpec, previous: number): number {
  return spec.fields.reduce((max, f) => Math.max(max, f['field-id'] ?? max), previous);
}

/**
 * v1 readers read the current schema and the default spec from the deprecated single-valued
 * fields; Java writes them for v1 tables only.
 */
export function withLegacyFields(metadata: TableMetadata): TableMetadata {
  const { schema: _schema, 'partition-spec': _spec, ...rest } = metadata;
  if (metadata['format-version'] !== 1) return rest;
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  const spec = metadata['partition-specs'].find(
    (s) => s['spec-id'] === metadata['default-spec-id'],
  );
  return {
    ...rest,
    ...(schema ? { schema } : {}),
    ...(spec ? { 'partition-spec': spec.fields } : {}),
  };
}
