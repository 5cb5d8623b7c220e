import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  booleanParam,
  decodeNamespace,
  pageRequest,
  snapshotsMode,
} from '../../../../src/catalog/http/params.js';

describe('request parameters', () => {
  it('splits multi-level namespaces on the unit separator', () => {
    expect(decodeNamespace('accounting\u001ftax')).toEqual(['accounting', 'tax']);
    expect(decodeNamespace('a.b')).toEqual(['a.b']);
  });

  it('rejects empty namespaces and empty levels', () => {
    expect(() => decodeNamespace('')).toThrow(BadRequestError);
    expect(() => decodeNamespace('a\u001f')).toThrow('Invalid namespace "a\\u001f": empty level');
  });

  it('reads page tokens and sizes', () => {
    expect(pageRequest({})).toEqual({});
    expect(pageRequest({ pageToken: 'abc', pageSize: '10' })).toEqual({
      pageToken: 'abc',
      pageSize: 10,
    });
    expect(() => pageRequest({ pageSize: '0' })).toThrow(
      'Invalid pageSize "0": must be a positive integer',
    );
    expect(() => pageRequest({ pageSize: 'x' })).toThrow(BadRequestError);
  });

  it('accepts snapshots=all|refs only', () => {
    expect(snapshotsMode({})).toBe('all');
    expect(snapshotsMode({ snapshots: 'refs' })).toBe('refs');
    expect(() => snapshotsMode({ snapshots: 'some' })).toThrow(
      'Invalid snapshots="some": use all or refs',
    );
  });

  it("accepts pyiceberg's True/False spelling of booleans", () => {
    expect(booleanParam({ purgeRequested: 'True' }, 'purgeRequested')).toBe(true);
    expect(booleanParam({ purgeRequested: 'false' }, 'purgeRequested')).toBe(false);
    expect(booleanParam({}, 'purgeRequested')).toBe(false);
    expect(() => booleanParam({ purgeRequested: 'yes' }, 'purgeRequested')).toThrow(
      BadRequestError,
    );
  });
});
