import { describe, expect, it } from 'vitest';
import {
  deleteAfterCommitEnabled,
  maxPreviousVersions,
  metadataFileName,
  parseMetadataVersion,
  withMetadataLog,
} from '../../../../src/catalog/metadata/index.js';
import { LOCATION, UUID, deepFreeze, table } from './fixtures.js';

const file = (n: number) => `${LOCATION}/metadata/${metadataFileName(n, UUID)}`;

describe('withMetadataLog', () => {
  it('appends the previous file with its last-updated-ms', () => {
    const next = deepFreeze(table());
    const { metadata, expiredMetadataFiles } = withMetadataLog(
      next,
      { metadataLocation: file(0), lastUpdatedMs: 5 },
      100,
    );
    expect(metadata['metadata-log']).toEqual([{ 'metadata-file': file(0), 'timestamp-ms': 5 }]);
    expect(expiredMetadataFiles).toEqual([]);
    expect(next['metadata-log']).toEqual([]);
  });

  it('trims the oldest entries to maxPrevious and reports them', () => {
    let m = table();
    const expired: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = withMetadataLog(m, { metadataLocation: file(i), lastUpdatedMs: i }, 3);
      m = r.metadata;
      expired.push(...r.expiredMetadataFiles);
    }
    expect(m['metadata-log']).toEqual([
      { 'metadata-file': file(2), 'timestamp-ms': 2 },
      { 'metadata-file': file(3), 'timestamp-ms': 3 },
      { 'metadata-file': file(4), 'timestamp-ms': 4 },
    ]);
    expect(expired).toEqual([file(0), file(1)]);
  });

  it('keeps at least one entry', () => {
    const base = withMetadataLog(
      table(),
      { metadataLocation: file(0), lastUpdatedMs: 0 },
      5,
    ).metadata;
    const r = withMetadataLog(base, { metadataLocation: file(1), lastUpdatedMs: 1 }, 0);
    expect(r.metadata['metadata-log']).toEqual([{ 'metadata-file': file(1), 'timestamp-ms': 1 }]);
    expect(r.expiredMetadataFiles).toEqual([file(0)]);
  });

  it('trims a log that was longer than a lowered maximum all at once', () => {
    let m = table();
    for (let i = 0; i < 4; i++)
      m = withMetadataLog(m, { metadataLocation: file(i), lastUpdatedMs: i }, 100).metadata;
    const r = withMetadataLog(m, { metadataLocation: file(4), lastUpdatedMs: 4 }, 2);
    expect(r.metadata['metadata-log'].map((e) => e['metadata-file'])).toEqual([file(3), file(4)]);
    expect(r.expiredMetadataFiles).toEqual([file(0), file(1), file(2)]);
  });
});

describe('metadata properties', () => {
  it('reads write.metadata.previous-versions-max with its default', () => {
    expect(maxPreviousVersions({})).toBe(100);
    expect(maxPreviousVersions({ 'write.metadata.previous-versions-max': '7' })).toBe(7);
    expect(maxPreviousVersions({ 'write.metadata.previous-versions-max': 'lots' })).toBe(100);
  });

  it('reads write.metadata.delete-after-commit.enabled', () => {
    expect(deleteAfterCommitEnabled({})).toBe(false);
    expect(deleteAfterCommitEnabled({ 'write.metadata.delete-after-commit.enabled': 'TRUE' })).toBe(
      true,
    );
    expect(
      deleteAfterCommitEnabled({ 'write.metadata.delete-after-commit.enabled': 'false' }),
    ).toBe(false);
  });
});

describe('metadata file names', () => {
  it('pads the version to 5 digits', () => {
    expect(metadataFileName(1, UUID)).toBe(`00001-${UUID}.metadata.json`);
    expect(metadataFileName(0, 'u')).toBe('00000-u.metadata.json');
    expect(metadataFileName(123456, 'u')).toBe('123456-u.metadata.json');
  });

  it('parses the version back, 0 when the name does not match', () => {
    expect(parseMetadataVersion(file(42))).toBe(42);
    expect(parseMetadataVersion(`s3://b/t/metadata/00007-${UUID}.gz.metadata.json`)).toBe(7);
    expect(parseMetadataVersion('s3://b/t/metadata/v3.metadata.json')).toBe(0);
    expect(parseMetadataVersion('s3://b/00009-x.metadata.json/other.json')).toBe(0);
    expect(parseMetadataVersion('')).toBe(0);
  });
});
