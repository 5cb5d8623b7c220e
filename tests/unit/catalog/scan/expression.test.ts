import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  bindFilter,
  indexSchema,
  parseExpression,
} from '../../../../src/catalog/scan/index.js';
import type { StructField } from '../../../../src/catalog/metadata/index.js';

const fields: StructField[] = [
  { id: 1, name: 'id', type: 'long', required: true },
  { id: 2, name: 'Name', type: 'string', required: false },
  { id: 3, name: 'score', type: 'double', required: false },
  { id: 4, name: 'n', type: 'int', required: false },
  { id: 5, name: 'amount', type: 'decimal(9,2)', required: false },
  {
    id: 6,
    name: 'loc',
    type: {
      type: 'struct',
      fields: [
        { id: 7, name: 'city', type: 'string', required: false },
        { id: 8, name: 'zip', type: 'string', required: true },
      ],
    },
    required: false,
  },
];
const index = indexSchema(fields);
const bind = (f: unknown, cs = true) => bindFilter(f, index, cs);

describe('parseExpression', () => {
  it('reads the legacy and the current forms alike', () => {
    const legacy = parseExpression({ type: 'lt', term: 'id', value: 5 });
    const current = parseExpression({
      type: 'lt',
      left: { type: 'reference', name: 'id' },
      right: { type: 'literal', value: 5 },
    });
    expect(legacy).toEqual(current);
    expect(parseExpression(true)).toEqual({ op: 'true' });
    expect(parseExpression({ type: 'false' })).toEqual({ op: 'false' });
    expect(parseExpression({ type: 'in', child: 'id', values: [1, 2] })).toMatchObject({
      op: 'in',
      values: [1, 2],
    });
  });

  it('mirrors a literal on the left', () => {
    expect(
      parseExpression({ type: 'lt', left: 5, right: { type: 'reference', name: 'id' } }),
    ).toMatchObject({ op: 'gt', value: 5 });
  });

  it.each([
    [{ type: 'bogus', term: 'x' }, /unknown expression type "bogus"/],
    [{ type: 'lt', term: 'x' }, /needs left and right/],
    [{ type: 'and', left: true }, /filter: right/],
    [{ type: 'eq', term: 'x', value: { nested: 1 } }, /filter.right/],
    [{ type: 'is-null', term: 'x', value: 3 }, /Unrecognized key/],
    [[1, 2], /expected an expression object/],
    [{ type: 'not', child: { type: 'eq', term: '', value: 1 } }, /must not be empty/],
  ])('rejects %j', (node, message) => {
    expect(() => parseExpression(node)).toThrow(ExpressionError);
    expect(() => parseExpression(node)).toThrow(message);
  });
});

describe('bind', () => {
  it('resolves names case-sensitively or not, including nested fields', () => {
    expect(bind({ type: 'eq', term: 'Name', value: 'x' })).toMatchObject({ col: { id: 2 } });
    expect(() => bind({ type: 'eq', term: 'name', value: 'x' })).toThrow(
      /Cannot find field 'name'/,
    );
    expect(bind({ type: 'eq', term: 'name', value: 'x' }, false)).toMatchObject({ col: { id: 2 } });
    expect(bind({ type: 'eq', term: 'loc.city', value: 'x' })).toMatchObject({ col: { id: 7 } });
    expect(() => bind({ type: 'eq', term: 'loc', value: 'x' })).toThrow(/not a primitive column/);
  });

  it('converts literals to the column type and refuses what does not convert', () => {
    expect(bind({ type: 'eq', term: 'amount', value: '12.5' })).toMatchObject({ lit: 1250n });
    expect(() => bind({ type: 'eq', term: 'amount', value: '12.345' })).toThrow(
      /more than 2 digits/,
    );
    expect(() => bind({ type: 'eq', term: 'id', value: 'abc' })).toThrow(/not a valid long/);
    expect(() => bind({ type: 'starts-with', term: 'id', value: 'a' })).toThrow(
      /needs a string column/,
    );
    expect(() => bind({ type: 'is-nan', term: 'id' })).toThrow(/float or double/);
    expect(() => bind({ type: 'eq', term: 'score', value: 'NaN' })).toThrow(/use is-nan/);
  });

  it('folds null tests on required columns and out-of-range int literals', () => {
    expect(bind({ type: 'is-null', term: 'id' })).toEqual({ op: 'false' });
    // A required field of an optional struct is null where the struct is.
    expect(bind({ type: 'is-null', term: 'loc.zip' })).toMatchObject({ op: 'is-null' });
    expect(bind({ type: 'not', child: { type: 'is-null', term: 'id' } })).toEqual({ op: 'true' });
    expect(bind({ type: 'lt', term: 'n', value: 2 ** 40 })).toEqual({ op: 'true' });
    expect(bind({ type: 'eq', term: 'n', value: 2 ** 40 })).toEqual({ op: 'false' });
    expect(bind({ type: 'in', term: 'n', values: [2 ** 40, 3] })).toMatchObject({
      op: 'eq',
      lit: 3,
    });
  });

  it('pushes NOT down to the predicates', () => {
    expect(
      bind({
        type: 'not',
        child: {
          type: 'and',
          left: { type: 'lt', term: 'n', value: 3 },
          right: { type: 'in', term: 'n', values: [1, 2] },
        },
      }),
    ).toMatchObject({
      op: 'or',
      left: { op: 'gt-eq', lit: 3 },
      right: { op: 'not-in', lits: [1, 2] },
    });
  });

  it('treats transform terms as unevaluated but still checks the column', () => {
    expect(
      bind({
        type: 'eq',
        term: { type: 'transform', transform: 'bucket[4]', term: 'id' },
        value: 1,
      }),
    ).toEqual({ op: 'opaque' });
    expect(() =>
      bind({ type: 'eq', term: { type: 'transform', transform: 'day', term: 'nope' }, value: 1 }),
    ).toThrow(/Cannot find field 'nope'/);
  });
});
