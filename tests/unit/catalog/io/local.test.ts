import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, createFileIO } from '../../../../src/catalog/io/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakehouse-local-io-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local FileIO readBytes', () => {
  // Every byte value: a read through a text decoding would mangle those that are not UTF-8.
  const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

  it('returns the file byte for byte, by file:// URL or plain absolute path', async () => {
    const path = join(dir, 'm 1.avro');
    await writeFile(path, allBytes);
    const io = createFileIO({});
    expect(new Uint8Array(await io.readBytes(pathToFileURL(path).href))).toEqual(allBytes);
    expect(new Uint8Array(await io.readBytes(path))).toEqual(allBytes);
  });

  it('fails with a StorageError naming a missing file', async () => {
    const location = pathToFileURL(join(dir, 'missing.avro')).href;
    const err = await createFileIO({})
      .readBytes(location)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).location).toBe(location);
    expect((err as StorageError).message).toMatch(new RegExp(`^cannot read ${location}: ENOENT`));
  });
});
