import { describe, expect, it } from 'vitest';
import type avsc from 'avsc';
import { AvroError, readAvroRecords } from '../../../../src/catalog/io/avro.js';
import {
  avroContainer,
  manifestEntry,
  manifestSchema,
  type ContainerOptions,
} from './avro-fixtures.js';

/** Reads `file_path` of each entry, naming records the way the writer did. */
const filePaths = (writer: avsc.Type): avsc.Schema => ({
  type: 'record',
  name: writer.name ?? 'manifest_entry',
  fields: [
    {
      name: 'data_file',
      type: { type: 'record', name: 'r2', fields: [{ name: 'file_path', type: 'string' }] },
    },
  ],
});

const paths = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `s3://b/t/data/${String(i).padStart(5, '0')}.parquet`);

async function manifest(files: string[], options?: ContainerOptions): Promise<Buffer> {
  return avroContainer(
    manifestSchema(2),
    files.map((f) => manifestEntry(2, f)),
    options,
  );
}

const read = (bytes: Uint8Array): unknown[] =>
  readAvroRecords(bytes, filePaths).map(
    (r) => (r as { data_file: { file_path: string } }).data_file.file_path,
  );

describe('readAvroRecords', () => {
  it.each(['null', 'deflate', 'snappy'])('decodes every record of a %s file', async (codec) => {
    const files = paths(3);
    expect(read(await manifest(files, { codec }))).toEqual(files);
  });

  it('decodes a file of many blocks, in order', async () => {
    const files = paths(200);
    const bytes = await manifest(files, { codec: 'deflate', blockSize: 256 });
    // The 256-byte block size must really have split the records, or this tests one block again.
    const blockCount =
      bytes.toString('latin1').split(bytes.subarray(-16).toString('latin1')).length - 2;
    expect(blockCount).toBeGreaterThan(10);
    expect(read(bytes)).toEqual(files);
  });

  it('reads an empty file (a header and no blocks) as no records', async () => {
    expect(read(await manifest([]))).toEqual([]);
  });

  it('accepts a plain Uint8Array, not only a Buffer', async () => {
    const bytes = await manifest(paths(2));
    expect(read(new Uint8Array(bytes))).toEqual(paths(2));
  });

  it('refuses bytes that are not an Avro container file', () => {
    expect(() => read(Buffer.from('{"format-version": 2}'))).toThrow(
      new AvroError('not an Avro container file (no Obj\\x01 magic bytes)'),
    );
  });

  it('names a codec it cannot decompress instead of misreading the blocks', async () => {
    const bytes = await manifest(paths(1), { codec: 'bzip2' });
    expect(() => read(bytes)).toThrow(
      new AvroError('unsupported Avro codec "bzip2" (supported: null, deflate, zstandard, snappy)'),
    );
  });

  it('refuses a file cut short inside its last block', async () => {
    const bytes = await manifest(paths(5), { codec: 'deflate' });
    expect(() => read(bytes.subarray(0, bytes.length - 20))).toThrow(/^block 0: truncated$/);
  });

  it('refuses a file cut short inside its header', async () => {
    const bytes = await manifest(paths(1));
    expect(() => read(bytes.subarray(0, 40))).toThrow(/^header: truncated$/);
  });

  it('refuses a block whose sync marker does not match the header', async () => {
    const bytes = Buffer.from(await manifest(paths(2)));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    expect(() => read(bytes)).toThrow(/^block 0: sync marker does not match the header's$/);
  });

  it('reports a deflate block that does not inflate', async () => {
    const bytes = Buffer.from(await manifest(paths(5), { codec: 'deflate' }));
    // The block data sits between the header and the final 16-byte sync marker.
    bytes.fill(0xff, bytes.length - 60, bytes.length - 16);
    expect(() => read(bytes)).toThrow(/^block 0: deflate decompression failed: /);
  });

  it('reports a snappy block whose checksum does not match its contents', async () => {
    const bytes = Buffer.from(await manifest(paths(2), { codec: 'snappy' }));
    // The last 4 bytes before the sync marker are the CRC-32 of the uncompressed block.
    bytes[bytes.length - 17] = (bytes[bytes.length - 17] ?? 0) ^ 0x01;
    expect(() => read(bytes)).toThrow(/^block 0: snappy decompression failed: checksum mismatch$/);
  });

  it('reports a writer schema the reader schema cannot resolve', async () => {
    const bytes = await avroContainer({ type: 'record', name: 'other', fields: [] }, [{}]);
    expect(() => read(bytes)).toThrow(/^writer schema does not resolve: /);
  });

  it('passes on the error a reader-schema callback throws', async () => {
    const bytes = await manifest(paths(1));
    expect(() =>
      readAvroRecords(bytes, () => {
        throw new AvroError('not what I expected');
      }),
    ).toThrow(new AvroError('not what I expected'));
  });
});
