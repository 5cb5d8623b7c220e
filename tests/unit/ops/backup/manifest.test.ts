import { describe, expect, it } from 'vitest';
import {
  buildManifest,
  objectKeyOf,
  objectPath,
  parseManifest,
  verifyManifest,
  type FileEntry,
} from '../../../../src/ops/backup/index.js';

const sha = (c: string) => c.repeat(64);

const input = {
  createdAt: '2026-11-23T23:40:05.000Z',
  source: {
    env: 'local',
    target: 'local',
    bucket: 'warehouse',
    warehouse: 's3://warehouse/lakehouse',
    catalogDatabase: 'sqlite' as const,
  },
  versions: { trino: '476' },
  contents: {
    catalog: { path: 'catalog/catalog.db', format: 'sqlite' as const },
    objects: { prefix: 'objects/', count: 1, bytes: 10 },
    config: { paths: ['config/values.yaml'] },
    secrets: { path: 'secrets/credentials.json.enc', encrypted: true },
  },
};

const files: FileEntry[] = [
  { path: 'objects/lakehouse/t/data/a.parquet', size: 10, sha256: sha('a') },
  { path: 'catalog/catalog.db', size: 4096, sha256: sha('b') },
  { path: 'config/values.yaml', size: 300, sha256: sha('c') },
  { path: 'secrets/credentials.json.enc', size: 400, sha256: sha('d') },
];

describe('backup manifest', () => {
  it('lists every file sorted by path with totals, and survives a JSON round trip', () => {
    const m = buildManifest(input, files);
    expect(m.files.map((f) => f.path)).toEqual([
      'catalog/catalog.db',
      'config/values.yaml',
      'objects/lakehouse/t/data/a.parquet',
      'secrets/credentials.json.enc',
    ]);
    expect(m.totals).toEqual({ files: 4, bytes: 4806 });
    expect(m.formatVersion).toBe(1);
    expect(parseManifest(JSON.stringify(m))).toEqual(m);
  });

  it('refuses a file listed twice or the manifest listing itself', () => {
    expect(() => buildManifest(input, [...files, files[0] as FileEntry])).toThrow(/listed twice/);
    expect(() =>
      buildManifest(input, [{ path: 'manifest.json', size: 1, sha256: sha('e') }]),
    ).toThrow(/itself/);
  });

  it('finds nothing wrong when every file matches', () => {
    const m = buildManifest(input, files);
    expect(verifyManifest(m, [...files].reverse())).toEqual([]);
  });

  it('names a missing, an extra, a resized and an altered file', () => {
    const m = buildManifest(input, files);
    const actual: FileEntry[] = [
      // catalog/catalog.db missing
      { path: 'config/values.yaml', size: 301, sha256: sha('c') },
      { path: 'objects/lakehouse/t/data/a.parquet', size: 10, sha256: sha('f') },
      { path: 'secrets/credentials.json.enc', size: 400, sha256: sha('d') },
      { path: 'objects/stray.txt', size: 1, sha256: sha('0') },
    ];
    const problems = verifyManifest(m, actual);
    expect(problems.map((p) => [p.path, p.kind])).toEqual([
      ['catalog/catalog.db', 'missing'],
      ['config/values.yaml', 'size'],
      ['objects/lakehouse/t/data/a.parquet', 'checksum'],
      ['objects/stray.txt', 'extra'],
    ]);
    for (const p of problems) expect(p.message.startsWith(`${p.path}: `)).toBe(true);
    expect(problems[1]?.message).toContain('size is 301 bytes, the manifest says 300');
  });

  it('rejects text that is not a manifest, or a newer format version, saying which', () => {
    expect(() => parseManifest('{')).toThrow(/not JSON/);
    expect(() => parseManifest('{"format":"other"}')).toThrow(/not a lakehouse backup manifest/);
    const m = buildManifest(input, files);
    expect(() => parseManifest(JSON.stringify({ ...m, formatVersion: 2 }))).toThrow(
      /format version 2; this lakehouse reads version 1/,
    );
    expect(() =>
      parseManifest(JSON.stringify({ ...m, files: [{ path: 'x', size: 1, sha256: 'nothex' }] })),
    ).toThrow(/files\.0\.sha256/);
  });

  it('maps object keys to backup paths and back, refusing keys that are not safe file paths', () => {
    expect(objectPath('lakehouse/t/metadata/00001.metadata.json')).toBe(
      'objects/lakehouse/t/metadata/00001.metadata.json',
    );
    expect(objectKeyOf('objects/a/b')).toBe('a/b');
    expect(objectKeyOf('catalog/catalog.db')).toBeUndefined();
    for (const bad of ['', '../etc/passwd', 'a/../../b', 'a//b', '/abs', 'dir/', 'a/./b']) {
      expect(() => objectPath(bad), bad).toThrow(/cannot be stored as a file/);
    }
  });
});
