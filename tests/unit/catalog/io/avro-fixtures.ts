/**
 * Writes Avro container files with avsc's own encoder, in the shapes Iceberg's writers give manifest
 * lists and manifests: Java's record names (`manifest_file`, `manifest_entry`, `r2`, `r102`), its
 * `field-id` attributes, and snapshot ids beyond 2^53 written as real 64-bit longs.
 */
import { crc32 } from 'node:zlib';
import avsc from 'avsc';
import snappy from 'snappyjs';

/** Avro longs as bigint, so a test can write the random 63-bit snapshot ids Iceberg writes. */
const bigLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(n);
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

/** A snapshot id beyond Number.MAX_SAFE_INTEGER, as Java's random ids usually are. */
export const BIG_SNAPSHOT_ID = 7_318_262_937_115_386_731n;

const SNAPPY_CODEC = (buf: Buffer, cb: (err: Error | null, out?: Buffer) => void): void => {
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(buf));
  cb(null, Buffer.concat([snappy.compress(buf), checksum]));
};

export interface ContainerOptions {
  /** `null` (default), `deflate`, `snappy`, or any other name (written uncompressed). */
  codec?: string;
  /** Bytes per block before the encoder starts a new one; small values give several blocks. */
  blockSize?: number;
}

/** The bytes of an Avro container file holding `records` written with `schema`. */
export async function avroContainer(
  /** A JSON schema: avsc's Schema type has no room for Iceberg's `field-id` attributes. */
  schema: object,
  records: unknown[],
  options: ContainerOptions = {},
): Promise<Buffer> {
  const codec = options.codec ?? 'null';
  const type = avsc.Type.forSchema(schema as avsc.Schema, { registry: { long: bigLong } });
  const codecs: Record<string, avsc.Codec> = {
    ...avsc.streams.BlockEncoder.defaultCodecs(),
    snappy: SNAPPY_CODEC,
  };
  // Lets a test write a header naming a codec the reader does not know (blocks left as they are).
  codecs[codec] ??= (buf, cb) => cb(null, buf);
  const encoder = new avsc.streams.BlockEncoder(type, {
    codec,
    codecs,
    // Real writers always write the header, also for a file without records.
    writeHeader: 'always',
    ...(options.blockSize ? { blockSize: options.blockSize } : {}),
  });
  const chunks: Buffer[] = [];
  encoder.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  for (const record of records) encoder.write(record);
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

export type FormatVersion = 1 | 2 | 3;

const optional = (type: unknown): unknown[] => ['null', type];

const fieldSummary = {
  type: 'record',
  name: 'r508',
  fields: [
    { name: 'contains_null', type: 'boolean', 'field-id': 509 },
    { name: 'contains_nan', type: optional('boolean'), default: null, 'field-id': 518 },
    { name: 'lower_bound', type: optional('bytes'), default: null, 'field-id': 510 },
    { name: 'upper_bound', type: optional('bytes'), default: null, 'field-id': 511 },
  ],
};

/** The manifest list schema of a format version (Iceberg spec, "Manifest Lists"). */
export function manifestListSchema(version: FormatVersion): object {
  const counts =
    version === 1
      ? [
          { name: 'added_data_files_count', type: optional('int'), default: null, 'field-id': 504 },
          {
            name: 'existing_data_files_count',
            type: optional('int'),
            default: null,
            'field-id': 505,
          },
          {
            name: 'deleted_data_files_count',
            type: optional('int'),
            default: null,
            'field-id': 506,
          },
        ]
      : [
          { name: 'content', type: 'int', 'field-id': 517 },
          { name: 'sequence_number', type: 'long', 'field-id': 515 },
          { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
          { name: 'added_files_count', type: 'int', 'field-id': 504 },
          { name: 'existing_files_count', type: 'int', 'field-id': 505 },
          { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
        ];
  return {
    type: 'record',
    name: 'manifest_file',
    fields: [
      { name: 'manifest_path', type: 'string', 'field-id': 500 },
      { name: 'manifest_length', type: 'long', 'field-id': 501 },
      { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
      ...counts,
      { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
      {
        name: 'partitions',
        type: optional({ type: 'array', items: fieldSummary, 'element-id': 508 }),
        default: null,
        'field-id': 507,
      },
      ...(version === 3
        ? [{ name: 'first_row_id', type: optional('long'), default: null, 'field-id': 520 }]
        : []),
    ],
  };
}

/** One manifest list record pointing at `path`. */
export function manifestFile(version: FormatVersion, path: string, content = 0): unknown {
  const record: Record<string, unknown> = {
    manifest_path: path,
    manifest_length: 4321n,
    partition_spec_id: 0,
    added_snapshot_id: BIG_SNAPSHOT_ID,
    partitions: [
      { contains_null: false, contains_nan: null, lower_bound: null, upper_bound: null },
    ],
  };
  if (version === 1) {
    Object.assign(record, {
      added_data_files_count: 1,
      existing_data_files_count: 0,
      deleted_data_files_count: 0,
    });
  } else {
    Object.assign(record, {
      content,
      sequence_number: 3n,
      min_sequence_number: 1n,
      added_files_count: 1,
      existing_files_count: 0,
      deleted_files_count: 0,
    });
  }
  if (version === 3) record.first_row_id = null;
  return record;
}

/** The manifest entry schema of a format version, for a table partitioned by a string. */
export function manifestSchema(version: FormatVersion): object {
  const partition = {
    type: 'record',
    name: 'r102',
    fields: [{ name: 'category', type: optional('string'), default: null, 'field-id': 1000 }],
  };
  const columnSizes = {
    name: 'column_sizes',
    type: optional({
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: 'k117_v118',
        fields: [
          { name: 'key', type: 'int', 'field-id': 117 },
          { name: 'value', type: 'long', 'field-id': 118 },
        ],
      },
    }),
    default: null,
    'field-id': 108,
  };
  const dataFile = {
    type: 'record',
    name: 'r2',
    fields: [
      ...(version === 1 ? [] : [{ name: 'content', type: 'int', 'field-id': 134 }]),
      { name: 'file_path', type: 'string', 'field-id': 100 },
      { name: 'file_format', type: 'string', 'field-id': 101 },
      { name: 'partition', type: partition, 'field-id': 102 },
      { name: 'record_count', type: 'long', 'field-id': 103 },
      { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
      ...(version === 1 ? [{ name: 'block_size_in_bytes', type: 'long', 'field-id': 105 }] : []),
      columnSizes,
      ...(version === 3
        ? [
            { name: 'first_row_id', type: optional('long'), default: null, 'field-id': 142 },
            {
              name: 'referenced_data_file',
              type: optional('string'),
              default: null,
              'field-id': 143,
            },
            { name: 'content_offset', type: optional('long'), default: null, 'field-id': 144 },
            {
              name: 'content_size_in_bytes',
              type: optional('long'),
              default: null,
              'field-id': 145,
            },
          ]
        : []),
    ],
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      version === 1
        ? { name: 'snapshot_id', type: 'long', 'field-id': 1 }
        : { name: 'snapshot_id', type: optional('long'), default: null, 'field-id': 1 },
      ...(version === 1
        ? []
        : [
            { name: 'sequence_number', type: optional('long'), default: null, 'field-id': 3 },
            { name: 'file_sequence_number', type: optional('long'), default: null, 'field-id': 4 },
          ]),
      { name: 'data_file', type: dataFile, 'field-id': 2 },
    ],
  };
}

export const Status = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export const Content = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;

/** One manifest entry for the file at `path`. */
export function manifestEntry(
  version: FormatVersion,
  path: string,
  opts: { status?: number; content?: number; referencedDataFile?: string } = {},
): unknown {
  const dataFile: Record<string, unknown> = {
    file_path: path,
    file_format: path.endsWith('.puffin') ? 'PUFFIN' : 'PARQUET',
    partition: { category: 'a' },
    record_count: 10n,
    file_size_in_bytes: 1234n,
    column_sizes: [{ key: 1, value: BIG_SNAPSHOT_ID }],
  };
  if (version === 1) dataFile.block_size_in_bytes = 67108864n;
  else dataFile.content = opts.content ?? Content.DATA;
  if (version === 3) {
    Object.assign(dataFile, {
      first_row_id: null,
      referenced_data_file: opts.referencedDataFile ?? null,
      content_offset: opts.referencedDataFile ? 4n : null,
      content_size_in_bytes: opts.referencedDataFile ? 40n : null,
    });
  }
  const entry: Record<string, unknown> = {
    status: opts.status ?? Status.ADDED,
    snapshot_id: BIG_SNAPSHOT_ID,
    data_file: dataFile,
  };
  if (version !== 1) Object.assign(entry, { sequence_number: 1n, file_sequence_number: 1n });
  return entry;
}
