import { describe, expect, it } from 'vitest';
import {
  bindFilter,
  bindSpec,
  indexSchema,
  metricsMayMatch,
  partitionMatches,
  projectInclusive,
  summariesMayMatch,
  type FileStats,
} from '../../../../src/catalog/scan/index.js';
import type { StructField } from '../../../../src/catalog/metadata/index.js';

const fields: StructField[] = [
  { id: 1, name: 'id', type: 'int', required: false },
  { id: 2, name: 's', type: 'string', required: false },
  { id: 3, name: 'f', type: 'double', required: false },
  { id: 4, name: 'dec', type: 'decimal(9,2)', required: false },
  { id: 5, name: 'd', type: 'date', required: false },
  { id: 6, name: 'ts', type: 'timestamptz', required: false },
  { id: 7, name: 'nulls', type: 'string', required: false },
  { id: 8, name: 'nans', type: 'float', required: false },
  { id: 9, name: 'nostats', type: 'long', required: false },
  { id: 10, name: 'u', type: 'uuid', required: false },
];
const index = indexSchema(fields);

const int = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const long = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(v);
  return b;
};
const dbl = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};
const kv = <T>(entries: Array<[number, T]>) => entries.map(([key, value]) => ({ key, value }));

// 2024-01-01 is day 19723; 2024-01-10T00:00Z is 1704844800000000 micros.
const file: FileStats = {
  record_count: 50,
  value_counts: kv([
    [1, 50],
    [2, 50],
    [3, 50],
    [7, 50],
    [8, 50],
  ]),
  null_value_counts: kv([
    [1, 0],
    [2, 10],
    [3, 0],
    [7, 50],
    [8, 0],
  ]),
  nan_value_counts: kv([
    [3, 5],
    [8, 50],
  ]),
  lower_bounds: kv<Buffer>([
    [1, int(30)],
    [2, Buffer.from('abc')],
    [3, dbl(-1.5)],
    [4, Buffer.from([0x04, 0xd2])], // 12.34
    [5, int(19723)],
    [6, long(1704067200000000n)],
    [10, Buffer.alloc(16, 0xff)],
  ]),
  upper_bounds: kv<Buffer>([
    [1, int(79)],
    [2, Buffer.from('abd')], // a truncated upper bound of e.g. "abcz..."
    [3, dbl(2.5)],
    [4, Buffer.from([0x27, 0x0f])], // 99.99
    [5, int(19732)],
    [6, long(1704844800000000n)],
    [10, Buffer.alloc(16, 0)],
  ]),
};

const may = (filter: unknown, stats: FileStats = file) =>
  metricsMayMatch(bindFilter(filter, index, true), stats);

describe('metricsMayMatch (InclusiveMetricsEvaluator)', () => {
  it.each([
    [{ type: 'lt', term: 'id', value: 30 }, false],
    [{ type: 'lt', term: 'id', value: 31 }, true],
    [{ type: 'lt-eq', term: 'id', value: 30 }, true],
    [{ type: 'gt', term: 'id', value: 79 }, false],
    [{ type: 'gt-eq', term: 'id', value: 79 }, true],
    [{ type: 'eq', term: 'id', value: 29 }, false],
    [{ type: 'eq', term: 'id', value: 80 }, false],
    [{ type: 'eq', term: 'id', value: 50 }, true],
    [{ type: 'not-eq', term: 'id', value: 50 }, true],
    [{ type: 'in', term: 'id', values: [1, 2, 90] }, false],
    [{ type: 'in', term: 'id', values: [1, 35] }, true],
    [{ type: 'not-in', term: 'id', values: [1, 35] }, true],
    [{ type: 'is-null', term: 'id' }, false],
    [{ type: 'not-null', term: 'id' }, true],
  ])('int %j → %s', (filter, expected) => expect(may(filter)).toBe(expected));

  it.each([
    [{ type: 'is-null', term: 'nulls' }, true],
    [{ type: 'not-null', term: 'nulls' }, false],
    [{ type: 'eq', term: 'nulls', value: 'x' }, false],
    [{ type: 'starts-with', term: 'nulls', value: 'x' }, false],
    [{ type: 'not-starts-with', term: 'nulls', value: 'x' }, true],
  ])('all-null column %j → %s', (filter, expected) => expect(may(filter)).toBe(expected));

  it.each([
    [{ type: 'is-nan', term: 'f' }, true],
    [{ type: 'not-nan', term: 'f' }, true],
    [{ type: 'gt', term: 'f', value: 2.5 }, false],
    [{ type: 'lt', term: 'f', value: 0 }, true],
    [{ type: 'is-nan', term: 'nans' }, true],
    [{ type: 'not-nan', term: 'nans' }, false],
    [{ type: 'lt', term: 'nans', value: 1 }, false],
    [{ type: 'eq', term: 'nans', value: 1 }, false],
    [{ type: 'is-nan', term: 'id' }, 'error'],
  ])('NaN handling %j → %s', (filter, expected) => {
    if (expected === 'error') expect(() => may(filter)).toThrow(/float or double/);
    else expect(may(filter)).toBe(expected);
  });

  it('uses NaN in bounds as "unknown", as files from old writers may have it', () => {
    const old: FileStats = {
      record_count: 5,
      lower_bounds: kv<Buffer>([[3, dbl(NaN)]]),
      upper_bounds: kv<Buffer>([[3, dbl(NaN)]]),
    };
    expect(may({ type: 'lt', term: 'f', value: -100 }, old)).toBe(true);
    expect(may({ type: 'gt', term: 'f', value: 100 }, old)).toBe(true);
  });

  it.each([
    [{ type: 'starts-with', term: 's', value: 'ab' }, true],
    [{ type: 'starts-with', term: 's', value: 'abcz' }, true],
    [{ type: 'starts-with', term: 's', value: 'abe' }, false],
    [{ type: 'starts-with', term: 's', value: 'aa' }, false],
    [{ type: 'eq', term: 's', value: 'abcz' }, true], // below the truncated upper bound "abd"
    [{ type: 'eq', term: 's', value: 'abda' }, false],
    [{ type: 'not-starts-with', term: 's', value: 'ab' }, true], // 10 nulls may match
  ])('strings with truncated bounds %j → %s', (filter, expected) =>
    expect(may(filter)).toBe(expected),
  );

  it('not-starts-with rules out a file whose bounds both start with the prefix and has no nulls', () => {
    const f: FileStats = {
      record_count: 3,
      null_value_counts: kv([[2, 0]]),
      lower_bounds: kv<Buffer>([[2, Buffer.from('abc')]]),
      upper_bounds: kv<Buffer>([[2, Buffer.from('abz')]]),
    };
    expect(may({ type: 'not-starts-with', term: 's', value: 'ab' }, f)).toBe(false);
    expect(may({ type: 'not-starts-with', term: 's', value: 'abc' }, f)).toBe(true);
  });

  it.each([
    [{ type: 'lt', term: 'dec', value: '12.34' }, false],
    [{ type: 'lt-eq', term: 'dec', value: '12.34' }, true],
    [{ type: 'gt', term: 'dec', value: '99.99' }, false],
    [{ type: 'eq', term: 'dec', value: '50' }, true],
    [{ type: 'lt', term: 'd', value: '2024-01-01' }, false],
    [{ type: 'eq', term: 'd', value: '2024-01-10' }, true],
    [{ type: 'gt', term: 'd', value: '2024-01-10' }, false],
    [{ type: 'gt', term: 'ts', value: '2024-01-10T00:00:00+00:00' }, false],
    [{ type: 'gt-eq', term: 'ts', value: '2024-01-10T00:00:00+00:00' }, true],
    [{ type: 'gt-eq', term: 'ts', value: '2024-01-10T01:00:00+02:00' }, true],
    [{ type: 'lt', term: 'ts', value: '2023-12-31T23:59:59.999999+00:00' }, false],
  ])('decimals, dates, timestamps %j → %s', (filter, expected) =>
    expect(may(filter)).toBe(expected),
  );

  it('keeps files it has no statistics for, and drops empty files', () => {
    expect(may({ type: 'eq', term: 'nostats', value: 1 })).toBe(true);
    expect(may({ type: 'is-null', term: 'nostats' })).toBe(true);
    expect(may({ type: 'eq', term: 'id', value: 50 }, { record_count: 0 })).toBe(false);
    expect(may({ type: 'eq', term: 'id', value: 1 }, { record_count: -1 })).toBe(true);
    // Bounds of uuids are ignored: older writers ordered them as signed values.
    expect(may({ type: 'eq', term: 'u', value: '00000000-0000-0000-0000-000000000001' })).toBe(
      true,
    );
  });

  it('combines with and/or', () => {
    const lt = { type: 'lt', term: 'id', value: 10 };
    const eq = { type: 'eq', term: 'id', value: 50 };
    expect(may({ type: 'or', left: lt, right: eq })).toBe(true);
    expect(may({ type: 'and', left: lt, right: eq })).toBe(false);
    expect(may({ type: 'not', child: lt })).toBe(true);
  });
});

describe('partition evaluation', () => {
  const spec = bindSpec(
    {
      'spec-id': 1,
      fields: [
        { 'source-id': 2, name: 's', transform: 'identity' },
        { 'source-id': 5, name: 'd_month', transform: 'month' },
      ],
    },
    index,
  );
  const project = (f: unknown) => projectInclusive(bindFilter(f, index, true), spec);

  it('evaluates projected filters on a partition tuple', () => {
    // 2024-01 is month 648.
    expect(partitionMatches(project({ type: 'eq', term: 's', value: 'a' }), ['a', 648])).toBe(true);
    expect(partitionMatches(project({ type: 'eq', term: 's', value: 'b' }), ['a', 648])).toBe(
      false,
    );
    expect(
      partitionMatches(project({ type: 'lt', term: 'd', value: '2024-01-15' }), ['a', 648]),
    ).toBe(true);
    expect(
      partitionMatches(project({ type: 'lt', term: 'd', value: '2024-01-01' }), ['a', 648]),
    ).toBe(false);
    expect(partitionMatches(project({ type: 'is-null', term: 's' }), [null, 648])).toBe(true);
    expect(partitionMatches(project({ type: 'eq', term: 's', value: 'a' }), [null, 648])).toBe(
      false,
    );
    expect(partitionMatches(project({ type: 'not-eq', term: 's', value: 'a' }), [null, 648])).toBe(
      true,
    );
  });

  it('evaluates projected filters on manifest partition summaries', () => {
    const summaries = [
      {
        contains_null: false,
        contains_nan: false,
        lower_bound: Buffer.from('b'),
        upper_bound: Buffer.from('d'),
      },
      { contains_null: true, contains_nan: null, lower_bound: int(640), upper_bound: int(650) },
    ];
    const may = (f: unknown) => summariesMayMatch(project(f), summaries);
    expect(may({ type: 'eq', term: 's', value: 'a' })).toBe(false);
    expect(may({ type: 'eq', term: 's', value: 'c' })).toBe(true);
    expect(may({ type: 'is-null', term: 's' })).toBe(false);
    expect(may({ type: 'is-null', term: 'd' })).toBe(true);
    expect(may({ type: 'starts-with', term: 's', value: 'e' })).toBe(false);
    expect(may({ type: 'gt', term: 'd', value: '2025-01-01' })).toBe(false);
    expect(may({ type: 'in', term: 's', values: ['a', 'z'] })).toBe(false);
    expect(may({ type: 'in', term: 's', values: ['a', 'c'] })).toBe(true);
    expect(may({ type: 'not-eq', term: 's', value: 'c' })).toBe(true);
    expect(summariesMayMatch(project({ type: 'eq', term: 's', value: 'a' }), null)).toBe(true);
  });

  it('treats an all-null summary as matching no value', () => {
    const allNull = [
      { contains_null: true, contains_nan: false, lower_bound: null, upper_bound: null },
    ];
    expect(summariesMayMatch(project({ type: 'lt', term: 's', value: 'z' }), allNull)).toBe(false);
    expect(summariesMayMatch(project({ type: 'not-null', term: 's' }), allNull)).toBe(false);
    expect(summariesMayMatch(project({ type: 'is-null', term: 's' }), allNull)).toBe(true);
  });
});
