import { describe, expect, it } from 'vitest';
import {
  bindFilter,
  indexSchema,
  projectInclusive,
  bindSpec,
  applyTransform,
  murmur3,
  parseTransform,
  literalFromJson,
  parseType,
  type Bound,
} from '../../../../src/catalog/scan/index.js';
import { hashBytes } from '../../../../src/catalog/scan/transforms.js';
import type { StructField } from '../../../../src/catalog/metadata/index.js';

const hash = (type: string, json: unknown): number => {
  const t = parseType(type)!;
  const v = literalFromJson(json, t);
  return murmur3(hashBytes(v as never, t)!);
};

describe('bucket hash (spec Appendix B test values)', () => {
  it.each([
    ['int', 34, 2017239379],
    ['long', 34, 2017239379],
    ['decimal(4,2)', '14.20', -500754589],
    ['date', '2017-11-16', -653330422],
    ['time', '22:31:08', -662762989],
    ['timestamp', '2017-11-16T22:31:08', -2047944441],
    ['timestamp', '2017-11-16T22:31:08.000001', -1207196810],
    ['timestamptz', '2017-11-16T14:31:08-08:00', -2047944441],
    ['timestamp_ns', '2017-11-16T22:31:08.000001001', -1207196810],
    ['string', 'iceberg', 1210000089],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed[4]', '00010203', -188683207],
    ['binary', '00010203', -188683207],
  ])('%s %j hashes to %d', (type, value, expected) => {
    expect(hash(type, value)).toBe(expected);
  });
});

describe('transforms', () => {
  const apply = (t: string, type: string, json: unknown) =>
    applyTransform(
      parseTransform(t),
      literalFromJson(json, parseType(type)!) as never,
      parseType(type)!,
    );

  it('truncates numbers toward negative infinity, strings by code point', () => {
    expect(apply('truncate[10]', 'int', 1)).toBe(0);
    expect(apply('truncate[10]', 'int', -1)).toBe(-10);
    expect(apply('truncate[10]', 'long', 25)).toBe(20);
    expect(apply('truncate[50]', 'decimal(9,2)', '10.65')).toBe(1050n);
    expect(apply('truncate[3]', 'string', 'iceberg')).toBe('ice');
    expect(apply('truncate[2]', 'string', '😀😁x')).toBe('😀😁');
  });

  it('maps dates and timestamps to years, months, days and hours since 1970', () => {
    expect(apply('year', 'date', '2017-11-16')).toBe(47);
    expect(apply('month', 'date', '2017-11-16')).toBe(574);
    expect(apply('day', 'date', '2017-11-16')).toBe(17486);
    expect(apply('day', 'timestamp', '1969-12-31T23:59:59.999999')).toBe(-1);
    expect(apply('hour', 'timestamptz', '2017-11-16T22:31:08+00:00')).toBe(419686);
    expect(apply('month', 'timestamp', '1969-12-31T23:00:00')).toBe(-1);
    expect(apply('bucket[16]', 'int', 34)).toBe(2017239379 % 16);
  });
});

const fields: StructField[] = [
  { id: 1, name: 'id', type: 'long', required: false },
  { id: 2, name: 'name', type: 'string', required: false },
  { id: 3, name: 'ts', type: 'timestamp', required: false },
  { id: 4, name: 'd', type: 'date', required: false },
];
const index = indexSchema(fields);

function project(filter: unknown, transform: string, sourceId: number): Bound {
  const spec = bindSpec(
    { 'spec-id': 0, fields: [{ 'source-id': sourceId, name: 'p', transform }] },
    index,
  );
  return projectInclusive(bindFilter(filter, index, true), spec);
}

const lit = (b: Bound) => ('lit' in b ? b.lit : 'lits' in b ? b.lits : undefined);

describe('inclusive projection', () => {
  it('identity keeps the predicate', () => {
    const p = project({ type: 'lt', term: 'id', value: 5 }, 'identity', 1);
    expect(p.op).toBe('lt');
    expect(lit(p)).toBe(5);
  });

  it('bucket projects eq and in only', () => {
    expect(project({ type: 'eq', term: 'id', value: 34 }, 'bucket[16]', 1)).toMatchObject({
      op: 'eq',
      lit: 2017239379 % 16,
    });
    expect(project({ type: 'in', term: 'id', values: [34, 35] }, 'bucket[16]', 1).op).toBe('in');
    expect(project({ type: 'lt', term: 'id', value: 34 }, 'bucket[16]', 1).op).toBe('true');
    expect(project({ type: 'not-eq', term: 'id', value: 34 }, 'bucket[16]', 1).op).toBe('true');
    expect(project({ type: 'is-null', term: 'id' }, 'bucket[16]', 1).op).toBe('is-null');
  });

  it('truncate steps over exclusive bounds', () => {
    expect(project({ type: 'lt', term: 'id', value: 10 }, 'truncate[10]', 1)).toMatchObject({
      op: 'lt-eq',
      lit: 0,
    });
    expect(project({ type: 'gt', term: 'id', value: 9 }, 'truncate[10]', 1)).toMatchObject({
      op: 'gt-eq',
      lit: 10,
    });
    expect(
      project({ type: 'starts-with', term: 'name', value: 'abcdef' }, 'truncate[3]', 2),
    ).toMatchObject({ op: 'starts-with', lit: 'abc' });
    expect(
      project({ type: 'not-starts-with', term: 'name', value: 'ab' }, 'truncate[3]', 2).op,
    ).toBe('not-starts-with');
    expect(
      project({ type: 'not-starts-with', term: 'name', value: 'abc' }, 'truncate[3]', 2),
    ).toMatchObject({ op: 'not-eq', lit: 'abc' });
    expect(
      project({ type: 'not-starts-with', term: 'name', value: 'abcd' }, 'truncate[3]', 2).op,
    ).toBe('true');
  });

  it('day/month/year/hour project ranges, widening pre-1970 values', () => {
    expect(
      project({ type: 'lt', term: 'ts', value: '2024-01-02T00:00:00' }, 'day', 3),
    ).toMatchObject({
      op: 'lt-eq',
      lit: 19723, // 2024-01-01
    });
    expect(project({ type: 'gt-eq', term: 'd', value: '2024-03-15' }, 'month', 4)).toMatchObject({
      op: 'gt-eq',
      lit: 650,
    });
    expect(project({ type: 'eq', term: 'd', value: '1969-12-31' }, 'year', 4)).toMatchObject({
      op: 'in',
      lits: [-1, 0],
    });
    expect(
      project({ type: 'not-eq', term: 'ts', value: '2024-01-02T00:00:00' }, 'hour', 3).op,
    ).toBe('true');
  });

  it('void and unrelated columns project to true; and/or combine', () => {
    expect(project({ type: 'eq', term: 'id', value: 1 }, 'void', 1).op).toBe('true');
    expect(project({ type: 'eq', term: 'name', value: 'x' }, 'identity', 1).op).toBe('true');
    const p = project(
      {
        type: 'or',
        left: { type: 'eq', term: 'id', value: 1 },
        right: { type: 'eq', term: 'name', value: 'x' },
      },
      'identity',
      1,
    );
    expect(p.op).toBe('true');
    const q = project(
      {
        type: 'and',
        left: { type: 'eq', term: 'id', value: 1 },
        right: { type: 'eq', term: 'name', value: 'x' },
      },
      'identity',
      1,
    );
    expect(q).toMatchObject({ op: 'eq', lit: 1 });
  });
});
