import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import { newTableMetadata, tableMetadataSchema } from '../../../../src/catalog/metadata/index.js';
import { LOCATION, NOW, UUID, createRequest, schema, table } from './fixtures.js';

const ctx = { location: LOCATION, tableUuid: UUID, nowMs: NOW };

describe('newTableMetadata', () => {
  it('creates a v2 table by default', () => {
    const m = newTableMetadata(createRequest({ properties: { owner: 'me' } }), ctx);
    expect(m).toEqual({
      'format-version': 2,
      'table-uuid': UUID,
      location: LOCATION,
      'last-sequence-number': 0,
      'last-updated-ms': NOW,
      'last-column-id': 5,
      'current-schema-id': 0,
      schemas: [schema],
      'default-spec-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'last-partition-id': 999,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      properties: { owner: 'me' },
      'current-snapshot-id': -1,
      snapshots: [],
      refs: {},
      'snapshot-log': [],
      'metadata-log': [],
      statistics: [],
      'partition-statistics': [],
    });
  });

  it('creates a v1 table with the legacy schema and partition-spec fields', () => {
    const m = table(1, {
      'partition-spec': { fields: [{ 'source-id': 3, name: 'ts_day', transform: 'day' }] },
    });
    expect(m['format-version']).toBe(1);
    expect(m.properties).toEqual({});
    expect(m.schema).toEqual(schema);
    expect(m['partition-spec']).toEqual([
      { 'source-id': 3, name: 'ts_day', transform: 'day', 'field-id': 1000 },
    ]);
    expect(m['partition-specs']).toEqual([{ 'spec-id': 0, fields: m['partition-spec'] }]);
    expect(m['last-partition-id']).toBe(1000);
    expect(m['current-snapshot-id']).toBe(-1);
    expect(m['next-row-id']).toBeUndefined();
  });

  it('creates a v3 table with next-row-id 0 and a null current-snapshot-id', () => {
    const m = table(3);
    expect(m['format-version']).toBe(3);
    expect(m['next-row-id']).toBe(0);
    expect(m['current-snapshot-id']).toBeNull();
    expect('schema' in m).toBe(false);
    expect(m.properties).toEqual({});
  });

  it('assigns partition field ids from 1000 and keeps given ones', () => {
    const m = table(2, {
      'partition-spec': {
        fields: [
          { 'source-id': 1, name: 'id_bucket', transform: 'bucket[16]' },
          { 'source-id': 2, name: 'data_trunc', transform: 'truncate[4]', 'field-id': 1005 },
          { 'source-id': 3, name: 'ts_hour', transform: 'hour' },
        ],
      },
    });
    expect(m['partition-specs'][0]?.fields.map((f) => f['field-id'])).toEqual([1000, 1005, 1001]);
    expect(m['last-partition-id']).toBe(1005);
  });

  it('gives a write order id 1 and keeps it as default', () => {
    const m = table(2, {
      'write-order': {
        'order-id': 7,
        fields: [
          { 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        ],
      },
    });
    expect(m['sort-orders']).toEqual([
      {
        'order-id': 1,
        fields: [
          { 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        ],
      },
    ]);
    expect(m['default-sort-order-id']).toBe(1);
  });

  it('computes last-column-id from nested map ids', () => {
    const m = newTableMetadata(
      createRequest({
        schema: {
          type: 'struct',
          fields: [
            {
              id: 1,
              name: 'm',
              required: false,
              type: {
                type: 'map',
                'key-id': 7,
                key: 'string',
                'value-id': 9,
                value: 'long',
                'value-required': false,
              },
            },
          ],
        },
      }),
      ctx,
    );
    expect(m['last-column-id']).toBe(9);
  });

  it.each([
    ['0', 'Unsupported format version: "0" (supported: 1 to 3)'],
    ['4', 'Unsupported format version: "4" (supported: 1 to 3)'],
    ['two', 'Unsupported format version: "two" (supported: 1 to 3)'],
  ])('rejects format-version %s', (version, message) => {
    expect(() => table(2, { properties: { 'format-version': version } })).toThrow(
      new BadRequestError(message),
    );
  });

  it.each<[string, Parameters<typeof createRequest>[0], string]>([
    [
      'duplicate field ids',
      {
        schema: {
          type: 'struct',
          fields: [
            { id: 1, name: 'a', type: 'int', required: true },
            { id: 1, name: 'b', type: 'int', required: true },
          ],
        },
      },
      'Invalid schema: field id 1 is used by both a and b',
    ],
    [
      'missing identifier field',
      { schema: { ...schema, 'identifier-field-ids': [42] } },
      'Invalid schema: identifier field id 42 does not exist',
    ],
    [
      'optional identifier field',
      { schema: { ...schema, 'identifier-field-ids': [2] } },
      'Invalid schema: identifier field data (id 2) is not a required field',
    ],
    [
      'non-primitive identifier field',
      { schema: { ...schema, 'identifier-field-ids': [4] } },
      'Invalid schema: identifier field tags (id 4) is not a primitive type',
    ],
    [
      'unknown partition source',
      { 'partition-spec': { fields: [{ 'source-id': 99, name: 'x', transform: 'identity' }] } },
      'Invalid partition spec: source id 99 is not in the schema',
    ],
    [
      'invalid transform',
      { 'partition-spec': { fields: [{ 'source-id': 1, name: 'x', transform: 'bucket[0]' }] } },
      'Invalid partition spec: unknown transform "bucket[0]"',
    ],
    [
      'unknown sort source',
      {
        'write-order': {
          fields: [
            {
              'source-id': 77,
              transform: 'identity',
              direction: 'asc',
              'null-order': 'nulls-first',
            },
          ],
        },
      },
      'Invalid sort order: source id 77 is not in the schema',
    ],
    [
      'v3 type in a v2 table',
      {
        schema: {
          type: 'struct',
          fields: [{ id: 1, name: 'v', type: 'variant', required: false }],
        },
      },
      'Invalid schema: field v has type variant, which requires format version 3 (table is v2)',
    ],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => newTableMetadata(createRequest(overrides), ctx)).toThrow(
      new BadRequestError(message),
    );
  });

  it('accepts every transform', () => {
    const transforms = [
      'identity',
      'bucket[8]',
      'truncate[10]',
      'year',
      'month',
      'day',
      'hour',
      'void',
    ];
    const m = table(2, {
      'partition-spec': {
        fields: transforms.map((transform, i) => ({
          'source-id': i < 3 ? 1 : 3,
          name: `p${i}`,
          transform,
        })),
      },
    });
    expect(m['partition-specs'][0]?.fields.map((f) => f.transform)).toEqual(transforms);
    expect(m['last-partition-id']).toBe(1007);
  });

  it('round-trips through tableMetadataSchema unchanged, extra fields included', () => {
    const m = { ...table(3), 'future-field': { x: 1 } };
    expect(tableMetadataSchema.parse(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });
});
