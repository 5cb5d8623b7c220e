/**
 * A table of 1,000 data files in 100 manifests, written as real Avro in Iceberg's shapes, held in
 * memory: the planner and scan service tests read it through an in-memory FileIO.
 */
import type { TableMetadata } from '../../../../src/catalog/metadata/index.js';
import { avroContainer, manifestListSchema } from '../io/avro-fixtures.js';

const optional = (type: unknown): unknown[] => ['null', type];
const kv = (name: string, key: number, value: unknown) => ({
  name,
  type: optional({
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${key}_v${key + 1}`,
      fields: [
        { name: 'key', type: 'int', 'field-id': key },
        { name: 'value', type: value, 'field-id': key + 1 },
      ],
    },
  }),
  default: null,
});

const MANIFEST_SCHEMA = {
  type: 'record',
  name: 'manifest_entry',
  fields: [
    { name: 'status', type: 'int' },
    { name: 'snapshot_id', type: optional('long'), default: null },
    { name: 'sequence_number', type: optional('long'), default: null },
    { name: 'file_sequence_number', type: optional('long'), default: null },
    {
      name: 'data_file',
      type: {
        type: 'record',
        name: 'r2',
        fields: [
          { name: 'content', type: 'int' },
          { name: 'file_path', type: 'string' },
          { name: 'file_format', type: 'string' },
          {
            name: 'partition',
            type: {
              type: 'record',
              name: 'r102',
              fields: [{ name: 'category', type: optional('string'), default: null }],
            },
          },
          { name: 'record_count', type: 'long' },
          { name: 'file_size_in_bytes', type: 'long' },
          kv('value_counts', 119, 'long'),
          kv('null_value_counts', 121, 'long'),
          kv('lower_bounds', 126, 'bytes'),
          kv('upper_bounds', 129, 'bytes'),
        ],
      },
    },
  ],
};

const BIG = 7_318_262_937_115_386_731n;
export const snapshotId = (n: number) => BIG + BigInt(n);
const longBytes = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
};

export interface Fixture {
  files: Map<string, Buffer>;
  metadata: TableMetadata;
}

/**
 * 100 append snapshots' worth of manifests: manifest m holds 10 files of category `c{m % 10}`
 * with ids [m*100 + f*10, m*100 + f*10 + 9]; one delete manifest (sequence 200) holds a position
 * delete file for c3 and an equality delete file for c4.
 */
export async function fixture(): Promise<Fixture> {
  const files = new Map<string, Buffer>();
  const manifests: unknown[] = [];
  for (let m = 0; m < 100; m++) {
    const category = `c${m % 10}`;
    const entries = [];
    for (let f = 0; f < 10; f++) {
      const lo = m * 100 + f * 10;
      entries.push({
        status: 1,
        snapshot_id: snapshotId(m),
        sequence_number: null, // inherited from the manifest list
        file_sequence_number: null,
        data_file: {
          content: 0,
          file_path: `s3://b/t/data/m${m}-f${f}.parquet`,
          file_format: 'PARQUET',
          partition: { category },
          record_count: 10n,
          file_size_in_bytes: 1000n,
          value_counts: [{ key: 1, value: 10n }],
          null_value_counts: [{ key: 1, value: 0n }],
          lower_bounds: [{ key: 1, value: longBytes(lo) }],
          upper_bounds: [{ key: 1, value: longBytes(lo + 9) }],
        },
      });
    }
    const path = `s3://b/t/metadata/m${m}.avro`;
    files.set(path, await avroContainer(MANIFEST_SCHEMA, entries, { codec: 'deflate' }));
    manifests.push({
      manifest_path: path,
      manifest_length: 1n,
      partition_spec_id: 0,
      content: 0,
      sequence_number: BigInt(m + 1),
      min_sequence_number: BigInt(m + 1),
      added_files_count: 10,
      existing_files_count: 0,
      deleted_files_count: 0,
      added_snapshot_id: snapshotId(m),
      partitions: [
        {
          contains_null: false,
          contains_nan: false,
          lower_bound: Buffer.from(category),
          upper_bound: Buffer.from(category),
        },
      ],
    });
  }
  const deleteEntry = (path: string, content: number, category: string) => ({
    status: 1,
    snapshot_id: snapshotId(100),
    sequence_number: null,
    file_sequence_number: null,
    data_file: {
      content,
      file_path: path,
      file_format: 'PARQUET',
      partition: { category },
      record_count: 1n,
      file_size_in_bytes: 100n,
      value_counts: null,
      null_value_counts: null,
      lower_bounds: null,
      upper_bounds: null,
    },
  });
  const deletesPath = 's3://b/t/metadata/deletes.avro';
  files.set(
    deletesPath,
    await avroContainer(MANIFEST_SCHEMA, [
      deleteEntry('s3://b/t/data/pos-c3.parquet', 1, 'c3'),
      deleteEntry('s3://b/t/data/eq-c4.parquet', 2, 'c4'),
    ]),
  );
  manifests.push({
    manifest_path: deletesPath,
    manifest_length: 1n,
    partition_spec_id: 0,
    content: 1,
    // Newer than manifests m < 50 (sequence m + 1 <= 50), as old as nothing later.
    sequence_number: 50n,
    min_sequence_number: 50n,
    added_files_count: 2,
    existing_files_count: 0,
    deleted_files_count: 0,
    added_snapshot_id: snapshotId(100),
    partitions: null,
  });
  files.set('s3://b/t/metadata/snap.avro', await avroContainer(manifestListSchema(2), manifests));

  const snapshots = Array.from({ length: 100 }, (_, i) => ({
    'snapshot-id': snapshotId(i),
    ...(i > 0 ? { 'parent-snapshot-id': snapshotId(i - 1) } : {}),
    'sequence-number': i + 1,
    'timestamp-ms': 1,
    'manifest-list': 's3://b/t/metadata/snap.avro',
    summary: { operation: 'append' as const },
  }));
  const metadata = {
    'format-version': 2,
    'table-uuid': 'u',
    location: 's3://b/t',
    'last-updated-ms': 1,
    'last-column-id': 2,
    schemas: [
      {
        type: 'struct',
        'schema-id': 0,
        fields: [
          { id: 1, name: 'id', type: 'long', required: true },
          { id: 2, name: 'category', type: 'string', required: false },
        ],
      },
    ],
    'current-schema-id': 0,
    'partition-specs': [
      {
        'spec-id': 0,
        fields: [{ 'source-id': 2, 'field-id': 1000, name: 'category', transform: 'identity' }],
      },
    ],
    'default-spec-id': 0,
    'last-partition-id': 1000,
    'sort-orders': [],
    'default-sort-order-id': 0,
    properties: {},
    'current-snapshot-id': snapshotId(99),
    snapshots,
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    'last-sequence-number': 100,
    statistics: [],
    'partition-statistics': [],
  } as unknown as TableMetadata;
  return { files, metadata };
}
