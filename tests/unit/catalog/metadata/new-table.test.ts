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

  it('assigns partition field ids from 1000, as Java rebuilds the spec, whatever was sent', () => {
    const m = table(2, {
      'partition-spec': {
        fields: [
          { 'source-id': 1, name: 'id_bucket', transform: 'bucket[16]' },
          { 'source-id': 2, name: 'data_trunc', transform: 'truncate[4]', 'field-id': 1005 },
          { 'source-id': 3, name: 'ts_hour', transform: 'hour' },
        ],
      },
    });
    expect(m['partition-specs'][0]?.fields.map((f) => f['field-id'])).toEqual([1000, 1001, 1002]);
    expect(m['last-partition-id']).toBe(1002);
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

  it('renumbers a map from 1, key before value, and sets last-column-id to the count', () => {
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
    expect(m.schemas[0]?.fields[0]?.type).toMatchObject({ 'key-id': 2, 'value-id': 3 });
    expect(m['last-column-id']).toBe(3);
  });

  it("assigns fresh ids in Java's AssignFreshIds order and remaps spec, order and identifiers", () => {
    const m = newTableMetadata(
      createRequest({
        schema: {
          type: 'struct',
          'schema-id': 5,
          'identifier-field-ids': [40],
          fields: [
            { id: 40, name: 'id', type: 'long', required: true },
            {
              id: 10,
              name: 'b',
              required: false,
              type: {
                type: 'struct',
                fields: [
                  {
                    id: 11,
                    name: 'c',
                    required: false,
                    type: {
                      type: 'list',
                      'element-id': 12,
                      'element-required': false,
                      element: {
                        type: 'struct',
                        fields: [
                          { id: 13, name: 'd', type: 'int', required: false },
                          { id: 14, name: 'e', type: 'int', required: false },
                        ],
                      },
                    },
                  },
                  { id: 15, name: 'f', type: 'int', required: false },
                ],
              },
            },
            {
              id: 20,
              name: 'g',
              required: false,
              type: {
                type: 'map',
                'key-id': 21,
                key: 'string',
                'value-id': 22,
                'value-required': false,
                value: {
                  type: 'struct',
                  fields: [{ id: 23, name: 'h', type: 'int', required: false }],
                },
              },
            },
            { id: 30, name: 'ts', type: 'timestamptz', required: false },
          ],
        },
        'partition-spec': {
          'spec-id': 3,
          fields: [
            { 'source-id': 30, name: 'ts_day', transform: 'day', 'field-id': 2000 },
            { 'source-id': 15, name: 'f', transform: 'identity' },
          ],
        },
        'write-order': {
          'order-id': 4,
          fields: [
            {
              'source-id': 40,
              transform: 'identity',
              direction: 'asc',
              'null-order': 'nulls-first',
            },
          ],
        },
      }),
      ctx,
    );
    // A struct numbers its own fields first, then descends into each field's type in order.
    const s = m.schemas[0];
    expect(s?.['schema-id']).toBe(0);
    expect(s?.fields.map((f) => [f.name, f.id])).toEqual([
      ['id', 1],
      ['b', 2],
      ['g', 3],
      ['ts', 4],
    ]);
    expect(s?.fields[1]?.type).toEqual({
      type: 'struct',
      fields: [
        {
          id: 5,
          name: 'c',
          required: false,
          type: {
            type: 'list',
            'element-id': 7,
            'element-required': false,
            element: {
              type: 'struct',
              fields: [
                { id: 8, name: 'd', type: 'int', required: false },
                { id: 9, name: 'e', type: 'int', required: false },
              ],
            },
          },
        },
        { id: 6, name: 'f', type: 'int', required: false },
      ],
    });
    expect(s?.fields[2]?.type).toMatchObject({
      'key-id': 10,
      'value-id': 11,
      value: { fields: [{ id: 12, name: 'h' }] },
    });
    expect(s?.['identifier-field-ids']).toEqual([1]);
    expect(m['last-column-id']).toBe(12);
    expect(m['partition-specs']).toEqual([
      {
        'spec-id': 0,
        fields: [
          { 'source-id': 4, name: 'ts_day', transform: 'day', 'field-id': 1000 },
          { 'source-id': 6, name: 'f', transform: 'identity', 'field-id': 1001 },
        ],
      },
    ]);
    expect(m['last-partition-id']).toBe(1001);
    expect(m['sort-orders']).toEqual([
      {
        'order-id': 1,
        fields: [
          { 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' },
        ],
      },
    ]);
  });

  it('checks the spec against the schema as sent, naming the sent ids', () => {
    expect(() =>
      table(2, {
        'partition-spec': { fields: [{ 'source-id': 99, name: 'x', transform: 'identity' }] },
      }),
    ).toThrow(new BadRequestError('Invalid partition spec: source id 99 is not in the schema'));
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
