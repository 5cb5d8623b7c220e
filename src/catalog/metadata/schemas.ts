/**
 * zod schemas and inferred types for the Iceberg REST JSON shapes (kebab-case keys as on the wire).
 *
 * Metadata objects are loose: a field we do not know is kept, so a metadata file written by a newer
 * client round-trips unchanged. Updates and requirements are discriminated strictly on
 * `action` / `type`, so an unknown one is a 400 rather than a silent no-op.
 */
import { z } from 'zod';
import { schemaSchema } from './types-schema.js';

export * from './types-schema.js';

const int = z.number().int();

/**
 * Snapshot ids are random 63-bit longs, beyond JavaScript's safe integers. A lossless JSON parser
 * hands them over as bigint; both forms are accepted and ids are compared with `sameId`.
 */
export const int64Schema = z.union([z.number().int(), z.bigint()]);
export type Int64 = z.infer<typeof int64Schema>;

const stringMap = z.record(z.string(), z.string());

export const namespaceSchema = z.array(z.string());

export const tableIdentifierSchema = z.object({
  namespace: namespaceSchema,
  name: z.string(),
});
export type TableIdentifier = z.infer<typeof tableIdentifierSchema>;

// ---------------------------------------------------------------- partitioning and sorting

export const partitionFieldSchema = z
  .looseObject({
    'field-id': int.optional(),
    'source-id': int.optional(),
    // v3 multi-argument transforms write `source-ids` instead of `source-id`.
    'source-ids': z.array(int).optional(),
    name: z.string(),
    transform: z.string(),
  })
  .refine((f) => f['source-id'] !== undefined || f['source-ids'] !== undefined, {
    message: 'source-id is required',
    path: ['source-id'],
  });
export type PartitionField = z.infer<typeof partitionFieldSchema>;

export const partitionSpecSchema = z.looseObject({
  'spec-id': int.optional(),
  fields: z.array(partitionFieldSchema),
});
export type PartitionSpec = z.infer<typeof partitionSpecSchema>;

export const sortFieldSchema = z
  .looseObject({
    'source-id': int.optional(),
    'source-ids': z.array(int).optional(),
    transform: z.string(),
    direction: z.enum(['asc', 'desc']),
    'null-order': z.enum(['nulls-first', 'nulls-last']),
  })
  .refine((f) => f['source-id'] !== undefined || f['source-ids'] !== undefined, {
    message: 'source-id is required',
    path: ['source-id'],
  });
export type SortField = z.infer<typeof sortFieldSchema>;

export const sortOrderSchema = z.looseObject({
  'order-id': int.optional(),
  fields: z.array(sortFieldSchema),
});
export type SortOrder = z.infer<typeof sortOrderSchema>;

// ---------------------------------------------------------------- snapshots, refs, statistics

/**
 * Drops the keys whose value is null: where the spec says string or long, an unset optional field
 * is absent, and Java's parsers reject a null there (`"default-catalog": null` breaks loadView).
 */
function withoutNulls(keys: readonly string[]) {
  return (input: unknown): unknown => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
    const record = input as Record<string, unknown>;
    if (!keys.some((k) => record[k] === null)) return input;
    return Object.fromEntries(
      Object.entries(record).filter(([k, v]) => !(v === null && keys.includes(k))),
    );
  };
}

const snapshotObjectSchema = z.looseObject({
  'snapshot-id': int64Schema,
  'parent-snapshot-id': int64Schema.nullish(),
  'sequence-number': int.optional(),
  'timestamp-ms': int,
  // Required by the REST spec; a v1 metadata file may list `manifests` instead.
  'manifest-list': z.string().optional(),
  manifests: z.array(z.string()).optional(),
  summary: z.looseObject({ operation: z.enum(['append', 'replace', 'overwrite', 'delete']) }),
  'schema-id': int.nullish(),
  'first-row-id': int.nullish(),
  'added-rows': int.nullish(),
  'key-id': z.string().nullish(),
});
export const snapshotSchema = z.preprocess(
  withoutNulls(['parent-snapshot-id', 'schema-id', 'first-row-id', 'added-rows', 'key-id']),
  snapshotObjectSchema,
);
export type Snapshot = z.infer<typeof snapshotObjectSchema>;

export const snapshotReferenceSchema = z.looseObject({
  type: z.enum(['tag', 'branch']),
  'snapshot-id': int64Schema,
  'max-ref-age-ms': int.nullish(),
  'max-snapshot-age-ms': int.nullish(),
  'min-snapshots-to-keep': int.nullish(),
});
export type SnapshotReference = z.infer<typeof snapshotReferenceSchema>;

export const snapshotLogEntrySchema = z.looseObject({
  'snapshot-id': int64Schema,
  'timestamp-ms': int,
});
export type SnapshotLogEntry = z.infer<typeof snapshotLogEntrySchema>;

export const metadataLogEntrySchema = z.looseObject({
  'metadata-file': z.string(),
  'timestamp-ms': int,
});
export type MetadataLogEntry = z.infer<typeof metadataLogEntrySchema>;

export const blobMetadataSchema = z.looseObject({
  type: z.string(),
  'snapshot-id': int64Schema,
  'sequence-number': int,
  fields: z.array(int),
  properties: stringMap.optional(),
});

export const statisticsFileSchema = z.looseObject({
  'snapshot-id': int64Schema,
  'statistics-path': z.string(),
  'file-size-in-bytes': int,
  'file-footer-size-in-bytes': int,
  'blob-metadata': z.array(blobMetadataSchema),
});
export type StatisticsFile = z.infer<typeof statisticsFileSchema>;

export const partitionStatisticsFileSchema = z.looseObject({
  'snapshot-id': int64Schema,
  'statistics-path': z.string(),
  'file-size-in-bytes': int,
});
export type PartitionStatisticsFile = z.infer<typeof partitionStatisticsFileSchema>;

export const encryptedKeySchema = z.looseObject({
  'key-id': z.string(),
  'encrypted-key-metadata': z.string(),
  'encrypted-by-id': z.string().optional(),
  properties: stringMap.optional(),
});
export type EncryptedKey = z.infer<typeof encryptedKeySchema>;

// ---------------------------------------------------------------- table metadata

const tableMetadataObjectSchema = z.looseObject({
  'format-version': z.union([z.literal(1), z.literal(2), z.literal(3)]),
  'table-uuid': z.string(),
  location: z.string(),
  'last-updated-ms': int,
  'last-column-id': int,
  schemas: z.array(schemaSchema),
  'current-schema-id': int,
  'partition-specs': z.array(partitionSpecSchema),
  'default-spec-id': int,
  'last-partition-id': int,
  'sort-orders': z.array(sortOrderSchema),
  'default-sort-order-id': int,
  properties: stringMap.default({}),
  /** -1 (v1, v2) or null (v3) when the table has no current snapshot. */
  'current-snapshot-id': int64Schema.nullish(),
  snapshots: z.array(snapshotSchema).default([]),
  refs: z.record(z.string(), snapshotReferenceSchema).default({}),
  'snapshot-log': z.array(snapshotLogEntrySchema).default([]),
  'metadata-log': z.array(metadataLogEntrySchema).default([]),
  'last-sequence-number': int.default(0),
  statistics: z.array(statisticsFileSchema).default([]),
  'partition-statistics': z.array(partitionStatisticsFileSchema).default([]),
  'next-row-id': int.optional(),
  'encryption-keys': z.array(encryptedKeySchema).optional(),
  /** v1 only: the current schema (deprecated field, still written for v1 readers). */
  schema: schemaSchema.optional(),
  /** v1 only: the default spec's fields (deprecated field, still written for v1 readers). */
  'partition-spec': z.array(partitionFieldSchema).optional(),
});

/**
 * Fills in what a v1 file may legitimately leave out (schemas, specs, sort orders, refs) from
 * its deprecated single-valued fields, the way Java's TableMetadataParser reads them.
 */
function upgradeLegacyFields(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const m: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  if (m['schemas'] === undefined && isRecord(m['schema'])) {
    const schemaId = typeof m['schema']['schema-id'] === 'number' ? m['schema']['schema-id'] : 0;
    m['schemas'] = [{ ...m['schema'], 'schema-id': schemaId }];
    m['current-schema-id'] ??= schemaId;
  }
  if (m['partition-specs'] === undefined && Array.isArray(m['partition-spec'])) {
    const fields = m['partition-spec'].map((f: unknown, i: number) =>
      isRecord(f) && f['field-id'] === undefined ? { ...f, 'field-id': 1000 + i } : f,
    );
    m['partition-specs'] = [{ 'spec-id': 0, fields }];
    m['default-spec-id'] ??= 0;
    m['last-partition-id'] ??= fields.reduce(
      (max: number, f: unknown) =>
        isRecord(f) && typeof f['field-id'] === 'number' ? Math.max(max, f['field-id']) : max,
      999,
    );
  }
  if (m['sort-orders'] === undefined) {
    m['sort-orders'] = [{ 'order-id': 0, fields: [] }];
    m['default-sort-order-id'] ??= 0;
  }
  if (m['refs'] === undefined && isNonNegativeId(m['current-snapshot-id'])) {
    m['refs'] = { main: { type: 'branch', 'snapshot-id': m['current-snapshot-id'] } };
  }
  return m;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeId(value: unknown): boolean {
  return (typeof value === 'number' || typeof value === 'bigint') && value >= 0;
}

export const tableMetadataSchema = z.preprocess(upgradeLegacyFields, tableMetadataObjectSchema);
export type TableMetadata = z.infer<typeof tableMetadataObjectSchema>;
export type FormatVersion = TableMetadata['format-version'];

// ---------------------------------------------------------------- views

export const sqlViewRepresentationSchema = z.looseObject({
  type: z.string(),
  sql: z.string(),
  dialect: z.string(),
});
export type ViewRepresentation = z.infer<typeof sqlViewRepresentationSchema>;

const viewVersionObjectSchema = z.looseObject({
  'version-id': int,
  'timestamp-ms': int,
  'schema-id': int,
  summary: stringMap,
  representations: z.array(sqlViewRepresentationSchema),
  'default-catalog': z.string().optional(),
  'default-namespace': namespaceSchema,
});
export const viewVersionSchema = z.preprocess(
  withoutNulls(['default-catalog']),
  viewVersionObjectSchema,
);
export type ViewVersion = z.infer<typeof viewVersionObjectSchema>;

export const viewHistoryEntrySchema = z.looseObject({
  'version-id': int,
  'timestamp-ms': int,
});
export type ViewHistoryEntry = z.infer<typeof viewHistoryEntrySchema>;

export const viewMetadataSchema = z.looseObject({
  'view-uuid': z.string(),
  'format-version': z.literal(1),
  location: z.string(),
  'current-version-id': int,
  versions: z.array(viewVersionSchema),
  'version-log': z.array(viewHistoryEntrySchema),
  schemas: z.array(schemaSchema),
  properties: stringMap.default({}),
});
export type ViewMetadata = z.infer<typeof viewMetadataSchema>;

// ---------------------------------------------------------------- updates

const update = <A extends string, S extends z.ZodRawShape>(action: A, shape: S) =>
  z.object({ action: z.literal(action), ...shape });

export const assignUuidUpdateSchema = update('assign-uuid', { uuid: z.string() });
export const upgradeFormatVersionUpdateSchema = update('upgrade-format-version', {
  'format-version': int,
});
export const addSchemaUpdateSchema = update('add-schema', {
  schema: schemaSchema,
  /** Deprecated in the spec; honoured when sent. */
  'last-column-id': int.optional(),
});
export const setCurrentSchemaUpdateSchema = update('set-current-schema', { 'schema-id': int });
export const addSpecUpdateSchema = update('add-spec', { spec: partitionSpecSchema });
export const setDefaultSpecUpdateSchema = update('set-default-spec', { 'spec-id': int });
export const addSortOrderUpdateSchema = update('add-sort-order', { 'sort-order': sortOrderSchema });
export const setDefaultSortOrderUpdateSchema = update('set-default-sort-order', {
  'sort-order-id': int,
});
export const addSnapshotUpdateSchema = update('add-snapshot', { snapshot: snapshotSchema });
export const setSnapshotRefUpdateSchema = update('set-snapshot-ref', {
  'ref-name': z.string(),
  type: z.enum(['tag', 'branch']),
  'snapshot-id': int64Schema,
  'max-ref-age-ms': int.nullish(),
  'max-snapshot-age-ms': int.nullish(),
  'min-snapshots-to-keep': int.nullish(),
});
export const removeSnapshotsUpdateSchema = update('remove-snapshots', {
  'snapshot-ids': z.array(int64Schema),
});
export const removeSnapshotRefUpdateSchema = update('remove-snapshot-ref', {
  'ref-name': z.string(),
});
export const setLocationUpdateSchema = update('set-location', { location: z.string() });
export const setPropertiesUpdateSchema = update('set-properties', { updates: stringMap });
export const removePropertiesUpdateSchema = update('remove-properties', {
  removals: z.array(z.string()),
});
export const setStatisticsUpdateSchema = update('set-statistics', {
  /** Deprecated duplicate of statistics.snapshot-id; ignored. */
  'snapshot-id': int64Schema.optional(),
  statistics: statisticsFileSchema,
});
export const removeStatisticsUpdateSchema = update('remove-statistics', {
  'snapshot-id': int64Schema,
});
export const setPartitionStatisticsUpdateSchema = update('set-partition-statistics', {
  'partition-statistics': partitionStatisticsFileSchema,
});
export const removePartitionStatisticsUpdateSchema = update('remove-partition-statistics', {
  'snapshot-id': int64Schema,
});
export const removePartitionSpecsUpdateSchema = update('remove-partition-specs', {
  'spec-ids': z.array(int),
});
export const removeSchemasUpdateSchema = update('remove-schemas', { 'schema-ids': z.array(int) });
export const addEncryptionKeyUpdateSchema = update('add-encryption-key', {
  'encryption-key': encryptedKeySchema,
});
export const removeEncryptionKeyUpdateSchema = update('remove-encryption-key', {
  'key-id': z.string(),
});
export const addViewVersionUpdateSchema = update('add-view-version', {
  'view-version': viewVersionSchema,
});
export const setCurrentViewVersionUpdateSchema = update('set-current-view-version', {
  'view-version-id': int,
});

export const tableUpdateSchema = z.discriminatedUnion('action', [
  assignUuidUpdateSchema,
  upgradeFormatVersionUpdateSchema,
  addSchemaUpdateSchema,
  setCurrentSchemaUpdateSchema,
  addSpecUpdateSchema,
  setDefaultSpecUpdateSchema,
  addSortOrderUpdateSchema,
  setDefaultSortOrderUpdateSchema,
  addSnapshotUpdateSchema,
  setSnapshotRefUpdateSchema,
  removeSnapshotsUpdateSchema,
  removeSnapshotRefUpdateSchema,
  setLocationUpdateSchema,
  setPropertiesUpdateSchema,
  removePropertiesUpdateSchema,
  setStatisticsUpdateSchema,
  removeStatisticsUpdateSchema,
  setPartitionStatisticsUpdateSchema,
  removePartitionStatisticsUpdateSchema,
  removePartitionSpecsUpdateSchema,
  removeSchemasUpdateSchema,
  addEncryptionKeyUpdateSchema,
  removeEncryptionKeyUpdateSchema,
]);
export type TableUpdate = z.infer<typeof tableUpdateSchema>;
export type TableUpdateAction = TableUpdate['action'];

export const viewUpdateSchema = z.discriminatedUnion('action', [
  assignUuidUpdateSchema,
  upgradeFormatVersionUpdateSchema,
  addSchemaUpdateSchema,
  setLocationUpdateSchema,
  setPropertiesUpdateSchema,
  removePropertiesUpdateSchema,
  addViewVersionUpdateSchema,
  setCurrentViewVersionUpdateSchema,
]);
export type ViewUpdate = z.infer<typeof viewUpdateSchema>;
export type ViewUpdateAction = ViewUpdate['action'];

// ---------------------------------------------------------------- requirements

const requirement = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

export const tableRequirementSchema = z.discriminatedUnion('type', [
  requirement('assert-create', {}),
  requirement('assert-table-uuid', { uuid: z.string() }),
  requirement('assert-ref-snapshot-id', {
    ref: z.string(),
    // null (or absent, as some clients send it) means the ref must not exist yet.
    'snapshot-id': int64Schema.nullish(),
  }),
  requirement('assert-last-assigned-field-id', { 'last-assigned-field-id': int }),
  requirement('assert-current-schema-id', { 'current-schema-id': int }),
  requirement('assert-last-assigned-partition-id', { 'last-assigned-partition-id': int }),
  requirement('assert-default-spec-id', { 'default-spec-id': int }),
  requirement('assert-default-sort-order-id', { 'default-sort-order-id': int }),
]);
export type TableRequirement = z.infer<typeof tableRequirementSchema>;
export type TableRequirementType = TableRequirement['type'];

export const viewRequirementSchema = z.discriminatedUnion('type', [
  requirement('assert-view-uuid', { uuid: z.string() }),
]);
export type ViewRequirement = z.infer<typeof viewRequirementSchema>;

// ---------------------------------------------------------------- requests

/**
 * An optional request field. Java clients (Trino, Spark) serialize an unset field as `null`
 * where the spec says "optional", so null and absent mean the same: undefined.
 */
function absent<S extends z.ZodType>(schema: S) {
  return schema
    .nullish()
    .transform((v) => v ?? undefined)
    .optional();
}

export const createTableRequestSchema = z.object({
  name: z.string(),
  location: absent(z.string()),
  schema: schemaSchema,
  'partition-spec': absent(partitionSpecSchema),
  'write-order': absent(sortOrderSchema),
  'stage-create': absent(z.boolean()),
  properties: absent(stringMap),
});
export type CreateTableRequest = z.infer<typeof createTableRequestSchema>;

export const createViewRequestSchema = z.object({
  name: z.string(),
  location: absent(z.string()),
  schema: schemaSchema,
  'view-version': viewVersionSchema,
  // Required by the spec, but Java's client leaves it out when there are none.
  properties: absent(stringMap),
});
export type CreateViewRequest = z.infer<typeof createViewRequestSchema>;

export const commitTableRequestSchema = z.object({
  identifier: absent(tableIdentifierSchema),
  requirements: z.array(tableRequirementSchema),
  updates: z.array(tableUpdateSchema),
});
export type CommitTableRequest = z.infer<typeof commitTableRequestSchema>;

export const commitViewRequestSchema = z.object({
  identifier: absent(tableIdentifierSchema),
  requirements: z.array(viewRequirementSchema).default([]),
  updates: z.array(viewUpdateSchema),
});
export type CommitViewRequest = z.infer<typeof commitViewRequestSchema>;

export const commitTransactionRequestSchema = z.object({
  'table-changes': z.array(
    commitTableRequestSchema.extend({
      // Required here: a transaction must say which table each change is for.
      identifier: tableIdentifierSchema,
    }),
  ),
});
export type CommitTransactionRequest = z.infer<typeof commitTransactionRequestSchema>;
