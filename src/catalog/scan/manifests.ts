/**
 * Reads manifest lists and manifests for planning: every field, through the writer's own schema,
 * except that Avro longs decode exactly (bigint beyond 2^53) so snapshot ids and 64-bit partition
 * values compare right. Reads go through the catalog's (warehouse-confined) FileIO.
 */
import avsc from 'avsc';
import { readAvroRecords } from '../io/avro.js';
import type { FileIO } from '../io/index.js';
import type { FieldSummary, FileStats } from './evaluators.js';

/** Avro long decoded as a number when exact, else as a bigint. */
const EXACT_LONG = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const v = buf.readBigInt64LE(0);
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  },
  toBuffer: (v: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(v));
    return buf;
  },
  fromJSON: (v: number | bigint) => v,
  toJSON: (v: number | bigint) => Number(v),
  isValid: (v: unknown) => typeof v === 'number' || typeof v === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

/** The writer's schema with every `long` replaced by EXACT_LONG (avsc accepts Type instances). */
function withExactLongs(schema: unknown): unknown {
  if (schema === 'long') return EXACT_LONG;
  if (Array.isArray(schema)) return schema.map(withExactLongs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'long') return EXACT_LONG;
  const out: Record<string, unknown> = { ...s };
  if (s['type'] !== undefined && typeof s['type'] !== 'string')
    out['type'] = withExactLongs(s['type']);
  if (Array.isArray(s['fields'])) {
    out['fields'] = (s['fields'] as Array<Record<string, unknown>>).map((f) => ({
      ...f,
      type: withExactLongs(f['type']),
    }));
  }
  if (s['items'] !== undefined) out['items'] = withExactLongs(s['items']);
  if (s['values'] !== undefined) out['values'] = withExactLongs(s['values']);
  return out;
}

/**
 * Reader types by writer schema text: a table's manifests share a handful of schemas, and building
 * an avsc type is most of the cost of reading a small manifest. Bounded, as schemas come from files.
 */
const readerTypes = new Map<string, avsc.Type>();
const READER_TYPES_MAX = 256;

function readerSchema(writer: avsc.Type): avsc.Schema {
  const schema = writer.schema();
  const key = JSON.stringify(schema);
  let type = readerTypes.get(key);
  if (!type) {
    type = avsc.Type.forSchema(withExactLongs(schema) as avsc.Schema);
    if (readerTypes.size >= READER_TYPES_MAX) readerTypes.clear();
    readerTypes.set(key, type);
  }
  // avsc accepts a Type where a schema is expected and uses it as is.
  return type as unknown as avsc.Schema;
}

export type Long = number | bigint;

/** A manifest list entry (field names as the spec writes them; v1 lacks content and sequences). */
export interface ManifestFile {
  manifest_path: string;
  manifest_length: Long;
  partition_spec_id: number;
  content?: number;
  sequence_number?: Long;
  min_sequence_number?: Long;
  added_snapshot_id: Long;
  added_files_count?: number | null;
  existing_files_count?: number | null;
  added_data_files_count?: number | null;
  existing_data_files_count?: number | null;
  partitions?: FieldSummary[] | null;
}

/** A data or delete file in a manifest entry. */
export interface ContentFileRecord extends FileStats {
  content?: number;
  file_path: string;
  file_format: string;
  partition: Record<string, unknown>;
  file_size_in_bytes: Long;
  column_sizes?: FileStats['value_counts'];
  key_metadata?: Buffer | null;
  split_offsets?: Long[] | null;
  equality_ids?: number[] | null;
  sort_order_id?: number | null;
  first_row_id?: Long | null;
  referenced_data_file?: string | null;
  content_offset?: Long | null;
  content_size_in_bytes?: Long | null;
}

export interface ManifestEntry {
  /** 0 existing, 1 added, 2 deleted. */
  status: number;
  snapshot_id?: Long | null;
  sequence_number?: Long | null;
  file_sequence_number?: Long | null;
  data_file: ContentFileRecord;
}

export const ENTRY_DELETED = 2;
export const ENTRY_ADDED = 1;

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

export async function readManifestList(
  io: Pick<FileIO, 'readBytes'>,
  location: string,
  signal?: AbortSignal,
): Promise<ManifestFile[]> {
  checkAborted(signal);
  const bytes = await io.readBytes(location);
  checkAborted(signal);
  return readAvroRecords(bytes, readerSchema) as ManifestFile[];
}

export async function readManifest(
  io: Pick<FileIO, 'readBytes'>,
  location: string,
  signal?: AbortSignal,
): Promise<ManifestEntry[]> {
  checkAborted(signal);
  const bytes = await io.readBytes(location);
  checkAborted(signal);
  return readAvroRecords(bytes, readerSchema) as ManifestEntry[];
}

/** Runs `fn` over `items`, at most `limit` at once, in order of start; the first error rejects. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      checkAborted(signal);
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
