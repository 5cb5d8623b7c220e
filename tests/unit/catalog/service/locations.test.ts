import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  confineLocation,
  confineObjectLocations,
  isInsideWarehouse,
  joinLocation,
  metadataFolder,
  parseLocation,
} from '../../../../src/catalog/service/locations.js';
import { checkName, checkNamespace } from '../../../../src/catalog/service/identifiers.js';

const FILE_WH = { name: 'wh', location: 'file:///data/wh' };
const S3_WH = { name: 'lake', location: 's3://lake/wh' };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return (err as Error).message;
  }
  throw new Error('expected a BadRequestError');
}

describe('parseLocation', () => {
  it('reads file and S3 locations into a store, a bucket and decoded segments', () => {
    expect(parseLocation('file:///data/wh/ns/t')).toEqual({
      scheme: 'file',
      bucket: '',
      segments: ['data', 'wh', 'ns', 't'],
    });
    // file:/x, file:///x, file://localhost/x and /x are one file.
    for (const l of [
      'file:/data/wh',
      'file://localhost/data/wh',
      '/data/wh',
      'file:///data//wh/',
    ]) {
      expect(parseLocation(l)).toEqual({ scheme: 'file', bucket: '', segments: ['data', 'wh'] });
    }
    for (const l of ['s3://lake/wh/t', 's3a://lake/wh/t', 's3n://lake/wh/t']) {
      expect(parseLocation(l)).toEqual({ scheme: 's3', bucket: 'lake', segments: ['wh', 't'] });
    }
    expect(parseLocation('file:///data/my%20table').segments).toEqual(['data', 'my table']);
  });

  it.each([
    ['file:///data/wh/../x', "'.' and '..' segments are not allowed"],
    ['file:///data/wh/./x', "'.' and '..' segments are not allowed"],
    ['file:///data/wh/%2e%2e/x', "'.' and '..' segments are not allowed"],
    ['file:///data/wh/%2E%2E%2Fx', 'encoded separator'],
    ['file:///data/wh/a%00b', 'encoded separator or a control character'],
    ['file:///data/wh/%zz', 'malformed %-escape'],
    ['s3://lake/wh/%2e%2e', "'.' and '..' segments are not allowed"],
    ['file://otherhost/data', 'file:///absolute/path'],
    ['wh/t', 'use s3://bucket/prefix or file:///absolute/path'],
    ['::::', 'use s3://bucket/prefix or file:///absolute/path'],
    ['http://x/y', 'use s3://bucket/prefix or file:///absolute/path'],
    ['', 'use s3://bucket/prefix or file:///absolute/path'],
    ['s3:///wh', 'is not a bucket name'],
    ['s3://UPPER/wh', 'is not a bucket name'],
    ['file:///data/wh?x=1', "'?' and '#' are not allowed"],
  ])('%s → 400 (%s)', (location, reason) => {
    expect(refusal(() => parseLocation(location))).toContain(reason);
  });
});

describe('confineLocation', () => {
  it('accepts the warehouse root and anything below it', () => {
    expect(confineLocation(FILE_WH, 'file:///data/wh', 'Table location')).toBe('file:///data/wh');
    expect(confineLocation(FILE_WH, 'file:///data/wh/ns/t/', 'Table location')).toBe(
      'file:///data/wh/ns/t',
    );
    expect(confineLocation(FILE_WH, '/data/wh/ns/t', 'Table location')).toBe('/data/wh/ns/t');
    expect(confineLocation(S3_WH, 's3a://lake/wh/ns/t', 'Table location')).toBe(
      's3a://lake/wh/ns/t',
    );
  });

  it.each([
    [FILE_WH, 'file:///data/canary/t'],
    [FILE_WH, 'file:///data/wh-evil/t'],
    [FILE_WH, 'file:///data'],
    [FILE_WH, 'file:///etc'],
    [FILE_WH, 's3://lake/wh/t'],
    [S3_WH, 's3://other/wh/t'],
    [S3_WH, 's3://lake/wh-evil/t'],
    [S3_WH, 's3://lake/t'],
    [S3_WH, 'file:///lake/wh/t'],
  ])('%o refuses %s, naming the allowed prefix', (wh, location) => {
    expect(refusal(() => confineLocation(wh, location, 'Table location'))).toBe(
      `Table location ${JSON.stringify(location)} is outside the warehouse ${JSON.stringify(wh.name)}: it must be ${wh.location} or a location under ${wh.location}/`,
    );
    expect(isInsideWarehouse(wh, location)).toBe(false);
  });

  it('refuses a location it cannot name exactly as outside, saying why', () => {
    expect(
      refusal(() => confineLocation(FILE_WH, 'file:///data/wh/../canary', 'Table location')),
    ).toBe(
      `Table location "file:///data/wh/../canary" is outside the warehouse "wh": it must be file:///data/wh or a location under file:///data/wh/ ('.' and '..' segments are not allowed)`,
    );
    expect(refusal(() => confineLocation(FILE_WH, '::::', 'Table location'))).toBe(
      `Table location "::::" is outside the warehouse "wh": it must be file:///data/wh or a location under file:///data/wh/ (use s3://bucket/prefix or file:///absolute/path)`,
    );
  });

  it('checks write.metadata.path as well as the location', () => {
    expect(() =>
      confineObjectLocations(
        FILE_WH,
        { location: 'file:///data/wh/t', properties: { 'write.metadata.path': 'file:///tmp/m' } },
        'Table',
      ),
    ).toThrow('Table write.metadata.path "file:///tmp/m" is outside the warehouse');
    expect(metadataFolder('file:///data/wh/t/', {})).toBe('file:///data/wh/t/metadata');
    expect(
      metadataFolder('file:///data/wh/t', { 'write.metadata.path': 'file:///data/wh/m/' }),
    ).toBe('file:///data/wh/m');
  });
});

describe('derived locations and names', () => {
  it("encodes a '/' in a name so that it never forms a path segment", () => {
    const location = joinLocation('file:///data/wh', 'a/b', 'tab/le');
    expect(location).toBe('file:///data/wh/a%252Fb/tab%252Fle');
    expect(parseLocation(location).segments).toEqual(['data', 'wh', 'a%2Fb', 'tab%2Fle']);
    expect(joinLocation('s3://lake/wh/', 'my table')).toBe('s3://lake/wh/my%20table');
  });

  it.each([[''], ['.'], ['..'], ['a\u0000b'], ['a\u001bb'], ['a\u007fb']])(
    'refuses the name %j for namespaces, tables and views',
    (name) => {
      expect(refusal(() => checkNamespace(['ok', name]))).toMatch(/^Invalid namespace /);
      expect(refusal(() => checkName(name, 'table'))).toMatch(/^Invalid table name /);
      expect(refusal(() => checkName(name, 'view'))).toMatch(/^Invalid view name /);
    },
  );

  it("accepts '/' and other printable characters in names", () => {
    expect(checkName('tab/le', 'table')).toBe('tab/le');
    expect(checkNamespace(['a/b', 'données'])).toEqual(['a/b', 'données']);
  });
});
