/**
 * Reads Avro object container files, the format of Iceberg manifest lists and manifests, from bytes
 * in memory. Records are decoded through Avro schema resolution onto a reader schema the caller
 * builds from the file's own (writer) schema, so only the fields it names are decoded: the rest
 * (partition tuples, column statistics, 64-bit snapshot ids beyond 2^53) is skipped unread.
 *
 * The container framing is parsed here rather than with avsc's BlockDecoder stream: that stream
 * ends quietly on a truncated header or a cut-off last block, and a purge must not mistake a
 * damaged manifest for one that lists fewer files.
 */
import * as zlib from 'node:zlib';
import avsc from 'avsc';
import { decompress as zstdDecompress } from 'fzstd';
import snappy from 'snappyjs';

/** The bytes are not a readable Avro container file; the message says why. */
export class AvroError extends Error {
  override name = 'AvroError';
}

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const SYNC_SIZE = 16;

const HEADER_TYPE = avsc.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: SYNC_SIZE } },
  ],
});
const LONG_TYPE = avsc.Type.forSchema('long');

interface Header {
  magic: Buffer;
  meta: Record<string, Buffer>;
  sync: Buffer;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// zlib.crc32 exists from Node 20.15; on older releases the Snappy checksum goes unchecked and a
// damaged block is left to the Snappy and Avro decoders to notice.
const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** Avro's `snappy` codec: a raw Snappy block followed by the big-endian CRC-32 of its output. */
function snappyBlock(block: Buffer): Buffer {
  if (block.length < 4) throw new Error('block shorter than its checksum');
  const out = snappy.uncompress(block.subarray(0, block.length - 4));
  if (crc32 && crc32(out) !== block.readUInt32BE(block.length - 4)) {
    throw new Error('checksum mismatch');
  }
  return out;
}

const CODECS: Record<string, (block: Buffer) => Buffer> = {
  null: (block) => block,
  // What Java's Iceberg ("gzip" in table properties) and pyiceberg write by default.
  deflate: (block) => zlib.inflateRawSync(block),
  zstandard: (block) => asBuffer(zstdDecompress(block)),
  snappy: snappyBlock,
};

/** Codec names (`avro.codec` values) that `readAvroRecords` can decompress. */
export const SUPPORTED_AVRO_CODECS: readonly string[] = Object.keys(CODECS);

/**
 * Decodes every record of the container file in `bytes`. `readerSchema` receives the file's writer
 * schema and returns the schema to decode into (it may throw an AvroError when the writer schema is
 * not what the caller expects). Throws an AvroError for bytes that are not an Avro container file,
 * are truncated or corrupt, or use a codec outside SUPPORTED_AVRO_CODECS.
 */
export function readAvroRecords(
  bytes: Uint8Array,
  readerSchema: (writer: avsc.Type) => avsc.Schema,
): unknown[] {
  const buf = asBuffer(bytes);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new AvroError('not an Avro container file (no Obj\\x01 magic bytes)');
  }
  const header = decodeAt<Header>(HEADER_TYPE, buf, 0, 'header');
  const meta = header.value.meta;
  const codecName = meta['avro.codec']?.toString('utf8') || 'null';
  const decompress = CODECS[codecName];
  if (!decompress) {
    throw new AvroError(
      `unsupported Avro codec "${codecName}" (supported: ${SUPPORTED_AVRO_CODECS.join(', ')})`,
    );
  }
  const schemaText = meta['avro.schema']?.toString('utf8');
  if (schemaText === undefined) throw new AvroError('header has no avro.schema');

  let writer: avsc.Type;
  try {
    writer = avsc.Type.forSchema(JSON.parse(schemaText) as avsc.Schema);
  } catch (err) {
    throw new AvroError(`invalid writer schema: ${(err as Error).message}`, { cause: err });
  }
  const schema = readerSchema(writer);
  let reader: avsc.Type;
  let resolver: avsc.Resolver;
  try {
    reader = avsc.Type.forSchema(schema);
    // Iceberg's writers differ in namespaces (Java writes none, others may): match on names only.
    resolver = reader.createResolver(writer, { ignoreNamespaces: true });
  } catch (err) {
    throw new AvroError(`writer schema does not resolve: ${(err as Error).message}`, {
      cause: err,
    });
  }

  const records: unknown[] = [];
  let pos = header.offset;
  for (let index = 0; pos < buf.length; index++) {
    const what = `block ${index}`;
    const count = decodeAt<number>(LONG_TYPE, buf, pos, `${what} record count`);
    const size = decodeAt<number>(LONG_TYPE, buf, count.offset, `${what} size`);
    if (count.value < 0 || size.value < 0) throw new AvroError(`${what}: negative count or size`);
    const dataEnd = size.offset + size.value;
    if (dataEnd + SYNC_SIZE > buf.length) throw new AvroError(`${what}: truncated`);
    if (!buf.subarray(dataEnd, dataEnd + SYNC_SIZE).equals(header.value.sync)) {
      throw new AvroError(`${what}: sync marker does not match the header's`);
    }
    let data: Buffer;
    try {
      data = decompress(buf.subarray(size.offset, dataEnd));
    } catch (err) {
      throw new AvroError(`${what}: ${codecName} decompression failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let at = 0;
    for (let i = 0; i < count.value; i++) {
      const record = decodeAt<unknown>(reader, data, at, `${what} record ${i}`, resolver);
      records.push(record.value);
      at = record.offset;
    }
    if (at !== data.length) {
      throw new AvroError(`${what}: ${data.length - at} bytes left after ${count.value} records`);
    }
    pos = dataEnd + SYNC_SIZE;
  }
  return records;
}

function decodeAt<T>(
  type: avsc.Type,
  buf: Buffer,
  pos: number,
  what: string,
  resolver?: avsc.Resolver,
): { value: T; offset: number } {
  let result: { value: unknown; offset: number };
  try {
    result = type.decode(buf, pos, resolver);
  } catch (err) {
    throw new AvroError(`${what}: ${(err as Error).message}`, { cause: err });
  }
  // avsc reports running out of bytes as offset -1 rather than throwing.
  if (result.offset < 0) throw new AvroError(`${what}: truncated`);
  return { value: result.value as T, offset: result.offset };
}
