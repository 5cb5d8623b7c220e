import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError, createFileIO, type FileIO } from '../../../../src/catalog/io/index.js';
import {
  tableMetadataSchema,
  type Snapshot,
  type TableMetadata,
} from '../../../../src/catalog/metadata/index.js';
import { referencedFiles } from '../../../../src/catalog/service/referenced-files.js';
import { parseJson, stringifyJson } from '../../../../src/lib/index.js';
import {
  BIG_SNAPSHOT_ID,
  Content,
  Status,
  avroContainer,
  manifestEntry,
  manifestFile,
  manifestListSchema,
  manifestSchema,
  type FormatVersion,
} from '../io/avro-fixtures.js';
import { table } from '../metadata/fixtures.js';

let dir: string;
let root: string;
const io = createFileIO({});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lakehouse-referenced-files-'));
  root = pathToFileURL(dir).href;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = (path: string): string => `${root}/${path}`;

async function put(path: string, bytes: Uint8Array | string): Promise<string> {
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  return at(path);
}

/** Writes a manifest listing `files` (each an entry, by default ADDED data files). */
async function putManifest(
  version: FormatVersion,
  path: string,
  entries: Array<string | { path: string; status?: number; content?: number; ref?: string }>,
  codec = 'deflate',
): Promise<string> {
  const records = entries.map((e) =>
    typeof e === 'string'
      ? manifestEntry(version, e)
      : manifestEntry(version, e.path, {
          status: e.status,
          content: e.content,
          referencedDataFile: e.ref,
        }),
  );
  return put(path, await avroContainer(manifestSchema(version), records, { codec }));
}

async function putManifestList(
  version: FormatVersion,
  path: string,
  manifests: Array<string | { path: string; content: number }>,
  codec = 'deflate',
): Promise<string> {
  const records = manifests.map((m) =>
    typeof m === 'string' ? manifestFile(version, m) : manifestFile(version, m.path, m.content),
  );
  return put(path, await avroContainer(manifestListSchema(version), records, { codec }));
}

function snapshot(id: number, fields: Partial<Snapshot>): Snapshot {
  return {
    'snapshot-id': id,
    'timestamp-ms': 1_700_000_000_000 + id,
    summary: { operation: 'append' },
    ...fields,
  };
}

function withSnapshots(version: FormatVersion, snapshots: Snapshot[]): TableMetadata {
  return { ...table(version), location: root, snapshots };
}

describe('referencedFiles', () => {
  it('finds every file of a v2 table: metadata, lists, data and delete manifests, all entries, statistics', async () => {
    const data = ['data/a-1.parquet', 'data/a-2.parquet', 'data/a-3.parquet'].map(at);
    const deletes = at('data/a-1-deletes.parquet');
    const m1 = await putManifest(2, 'metadata/m1.avro', [data[0]!, data[1]!]);
    // An overwrite's manifest: the removed file stays listed as DELETED, the new one ADDED.
    const m2 = await putManifest(2, 'metadata/m2.avro', [
      { path: data[0]!, status: Status.DELETED },
      { path: data[2]!, status: Status.ADDED },
      { path: data[1]!, status: Status.EXISTING },
    ]);
    const dm = await putManifest(2, 'metadata/m3-deletes.avro', [
      { path: deletes, content: Content.POSITION_DELETES },
    ]);
    const list1 = await putManifestList(2, 'metadata/snap-1.avro', [m1]);
    const list2 = await putManifestList(2, 'metadata/snap-2.avro', [
      m2,
      { path: dm, content: Content.POSITION_DELETES },
    ]);
    const metadata: TableMetadata = {
      ...withSnapshots(2, [
        snapshot(1, { 'manifest-list': list1 }),
        snapshot(2, { 'manifest-list': list2, 'parent-snapshot-id': 1 }),
      ]),
      'metadata-log': [
        { 'metadata-file': at('metadata/00000-a.metadata.json'), 'timestamp-ms': 1 },
        { 'metadata-file': at('metadata/00001-b.metadata.json'), 'timestamp-ms': 2 },
      ],
      statistics: [
        {
          'snapshot-id': 2,
          'statistics-path': at('metadata/stats-2.puffin'),
          'file-size-in-bytes': 10,
          'file-footer-size-in-bytes': 5,
          'blob-metadata': [],
        },
      ],
      'partition-statistics': [
        {
          'snapshot-id': 2,
          'statistics-path': at('metadata/partition-stats-2.parquet'),
          'file-size-in-bytes': 10,
        },
      ],
    };

    const result = await referencedFiles(io, at('metadata/00002-c.metadata.json'), metadata);

    expect(result).toEqual({
      files: [
        ...data,
        deletes,
        at('metadata/00000-a.metadata.json'),
        at('metadata/00001-b.metadata.json'),
        at('metadata/00002-c.metadata.json'),
        m1,
        m2,
        dm,
        at('metadata/partition-stats-2.parquet'),
        list1,
        list2,
        at('metadata/stats-2.puffin'),
      ].sort(),
      problems: [],
    });
  });

  it('reads a v1 table: v1 manifest lists and manifests, and inline `manifests` without a list', async () => {
    const m1 = await putManifest(1, 'metadata/m1.avro', [at('data/1.parquet')], 'null');
    const m2 = await putManifest(1, 'metadata/m2.avro', [at('data/2.parquet')], 'snappy');
    const list = await putManifestList(1, 'metadata/snap-1.avro', [m1], 'null');
    const metadata = withSnapshots(1, [
      snapshot(1, { 'manifest-list': list }),
      snapshot(2, { manifests: [m1, m2] }),
    ]);

    const result = await referencedFiles(io, at('metadata/v2.metadata.json'), metadata);

    expect(result).toEqual({
      files: [
        at('data/1.parquet'),
        at('data/2.parquet'),
        m1,
        m2,
        list,
        at('metadata/v2.metadata.json'),
      ],
      problems: [],
    });
  });

  it('reads a v3 table whose deletion vectors share one Puffin file', async () => {
    const puffin = at('data/dv-1.puffin');
    const m1 = await putManifest(3, 'metadata/m1.avro', [
      at('data/1.parquet'),
      at('data/2.parquet'),
    ]);
    const dm = await putManifest(3, 'metadata/m2.avro', [
      { path: puffin, content: Content.POSITION_DELETES, ref: at('data/1.parquet') },
      { path: puffin, content: Content.POSITION_DELETES, ref: at('data/2.parquet') },
    ]);
    const list = await putManifestList(3, 'metadata/snap-1.avro', [
      m1,
      { path: dm, content: Content.POSITION_DELETES },
    ]);

    const result = await referencedFiles(
      io,
      at('metadata/v1.metadata.json'),
      withSnapshots(3, [snapshot(1, { 'manifest-list': list })]),
    );

    expect(result.problems).toEqual([]);
    expect(result.files).toEqual([
      at('data/1.parquet'),
      at('data/2.parquet'),
      puffin,
      m1,
      dm,
      list,
      at('metadata/v1.metadata.json'),
    ]);
  });

  it('keeps snapshot ids beyond 2^53 exact and needs nothing from them', async () => {
    const list = await putManifestList(2, 'metadata/snap-big.avro', [
      await putManifest(2, 'metadata/m.avro', [at('data/1.parquet')]),
    ]);
    const text = stringifyJson({
      ...table(2),
      location: root,
      'current-snapshot-id': BIG_SNAPSHOT_ID,
      snapshots: [snapshot(0, { 'manifest-list': list, 'snapshot-id': BIG_SNAPSHOT_ID })],
    });
    const metadata = tableMetadataSchema.parse(parseJson(text));
    expect(metadata.snapshots[0]?.['snapshot-id']).toBe(BIG_SNAPSHOT_ID);

    const result = await referencedFiles(io, at('metadata/v.metadata.json'), metadata);

    expect(result.files).toContain(at('data/1.parquet'));
    expect(result.problems).toEqual([]);
  });

  it('reports each unreadable list or manifest, names it and why, and goes on with the rest', async () => {
    const good = await putManifest(2, 'metadata/good.avro', [at('data/good.parquet')]);
    const corrupt = await put('metadata/corrupt.avro', 'this is not avro');
    const bzip2 = await putManifest(2, 'metadata/bzip2.avro', [at('data/lost.parquet')], 'bzip2');
    const refused = await putManifest(2, 'metadata/refused.avro', [at('data/refused.parquet')]);
    const missingManifest = at('metadata/missing-manifest.avro');
    const missingList = at('metadata/snap-missing.avro');
    const list = await putManifestList(2, 'metadata/snap-1.avro', [
      good,
      corrupt,
      bzip2,
      refused,
      missingManifest,
    ]);
    // What the confinement layer does with a location it will not read.
    const confined: Pick<FileIO, 'readBytes'> = {
      readBytes: async (location) => {
        if (location === refused) throw new StorageError(`refusing ${location}`, location);
        return io.readBytes(location);
      },
    };
    const metadata = withSnapshots(2, [
      snapshot(1, { 'manifest-list': list }),
      snapshot(2, { 'manifest-list': missingList }),
    ]);

    const result = await referencedFiles(confined, at('metadata/v.metadata.json'), metadata);

    expect(result.files).toEqual(
      [
        at('data/good.parquet'),
        good,
        corrupt,
        bzip2,
        refused,
        missingManifest,
        list,
        missingList,
        at('metadata/v.metadata.json'),
      ].sort(),
    );
    // Sorted: every `manifest file:…` before `manifest list …`, then by path.
    expect(result.problems).toEqual([
      `manifest ${bzip2}: unsupported Avro codec "bzip2" (supported: null, deflate, zstandard, snappy)`,
      `manifest ${corrupt}: not an Avro container file (no Obj\\x01 magic bytes)`,
      expect.stringMatching(
        new RegExp(`^manifest ${missingManifest}: cannot read ${missingManifest}: ENOENT`),
      ),
      `manifest ${refused}: refusing ${refused}`,
      expect.stringMatching(
        new RegExp(`^manifest list ${missingList}: cannot read ${missingList}: ENOENT`),
      ),
    ]);
  });

  it('reports an Avro file that is not a manifest or manifest list', async () => {
    const notAList = await putManifest(2, 'metadata/entries.avro', [at('data/1.parquet')]);
    const notAManifest = await putManifestList(2, 'metadata/list-as-manifest.avro', [
      at('metadata/x.avro'),
    ]);
    const list = await putManifestList(2, 'metadata/snap-1.avro', [notAManifest]);
    const metadata = withSnapshots(2, [
      snapshot(1, { 'manifest-list': notAList }),
      snapshot(2, { 'manifest-list': list }),
    ]);

    const result = await referencedFiles(io, at('metadata/v.metadata.json'), metadata);

    expect(result.problems).toEqual([
      `manifest ${notAManifest}: not an Iceberg manifest: its records have no data_file.file_path`,
      `manifest list ${notAList}: not an Iceberg manifest list: its records have no manifest_path`,
    ]);
  });

  it('reads a manifest shared by many snapshots once, and at most `concurrency` files at a time', async () => {
    const manifests: string[] = [];
    for (let i = 0; i < 20; i++) {
      manifests.push(await putManifest(2, `metadata/m${i}.avro`, [at(`data/${i}.parquet`)]));
    }
    const snapshots: Snapshot[] = [];
    for (let s = 0; s < 5; s++) {
      // Each snapshot's list holds every earlier manifest too, as fast appends do.
      const list = await putManifestList(
        2,
        `metadata/snap-${s}.avro`,
        manifests.slice(0, 4 * (s + 1)),
      );
      snapshots.push(snapshot(s, { 'manifest-list': list }));
    }
    const reads = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const counting: Pick<FileIO, 'readBytes'> = {
      readBytes: async (location) => {
        reads.set(location, (reads.get(location) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return await io.readBytes(location);
        } finally {
          inFlight--;
        }
      },
    };

    const result = await referencedFiles(
      counting,
      at('metadata/v.metadata.json'),
      withSnapshots(2, snapshots),
      {
        concurrency: 3,
      },
    );

    expect(result.problems).toEqual([]);
    expect(result.files).toHaveLength(1 + 5 + 20 + 20);
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
    expect(reads.size).toBe(25);
    expect(maxInFlight).toBe(3);
  });
});
