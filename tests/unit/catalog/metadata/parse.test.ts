import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  commitTableRequestSchema,
  commitTransactionRequestSchema,
  commitViewRequestSchema,
  createTableRequestSchema,
  parseOrBadRequest,
  schemaSchema,
  tableMetadataSchema,
} from '../../../../src/catalog/metadata/index.js';
import { schema, table } from './fixtures.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return (err as Error).message;
  }
  throw new Error('did not throw');
}

describe('parseOrBadRequest', () => {
  it('names an unknown action with its path', () => {
    const body = {
      requirements: [],
      updates: [
        { action: 'set-location', location: 's3://x' },
        { action: 'set-properties', updates: {} },
        { action: 'set-foo' },
      ],
    };
    expect(message(() => parseOrBadRequest(commitTableRequestSchema, body, 'commit request'))).toBe(
      'Invalid commit request: updates[2].action: unknown action "set-foo"',
    );
  });

  it('rejects a view action in a table commit and a table action in a view commit', () => {
    expect(
      message(() =>
        parseOrBadRequest(
          commitTableRequestSchema,
          {
            requirements: [],
            updates: [{ action: 'set-current-view-version', 'view-version-id': 1 }],
          },
          'commit request',
        ),
      ),
    ).toBe('Invalid commit request: updates[0].action: unknown action "set-current-view-version"');
    expect(
      message(() =>
        parseOrBadRequest(
          commitViewRequestSchema,
          { updates: [{ action: 'remove-snapshots', 'snapshot-ids': [] }] },
          'view commit',
        ),
      ),
    ).toBe('Invalid view commit: updates[0].action: unknown action "remove-snapshots"');
  });

  it('names an unknown requirement type and a missing action', () => {
    expect(
      message(() =>
        parseOrBadRequest(
          commitTableRequestSchema,
          { requirements: [{ type: 'assert-nothing' }], updates: [{}] },
          'commit request',
        ),
      ),
    ).toBe(
      'Invalid commit request: requirements[0].type: unknown type "assert-nothing"; updates[0].action: missing action',
    );
  });

  it('names a bad field inside a known action', () => {
    expect(
      message(() =>
        parseOrBadRequest(
          commitTableRequestSchema,
          { requirements: [], updates: [{ action: 'set-current-schema', 'schema-id': 'one' }] },
          'commit request',
        ),
      ),
    ).toBe(
      'Invalid commit request: updates[0].schema-id: Invalid input: expected number, received string',
    );
  });

  it('requires identifiers in a transaction', () => {
    expect(
      message(() =>
        parseOrBadRequest(
          commitTransactionRequestSchema,
          { 'table-changes': [{ requirements: [], updates: [] }] },
          'transaction',
        ),
      ),
    ).toBe(
      'Invalid transaction: table-changes[0].identifier: Invalid input: expected object, received undefined',
    );
  });

  it('rejects unknown primitive types and accepts every spec type', () => {
    const types = [
      'boolean',
      'int',
      'long',
      'float',
      'double',
      'decimal(9,2)',
      'decimal(38, 0)',
      'date',
      'time',
      'timestamp',
      'timestamptz',
      'timestamp_ns',
      'timestamptz_ns',
      'string',
      'uuid',
      'fixed[16]',
      'binary',
      'variant',
      'unknown',
      'geometry',
      'geometry(srid:4326)',
      'geography',
      'geography(srid:4326, spherical)',
    ];
    const s = {
      type: 'struct',
      fields: types.map((type, i) => ({ id: i + 1, name: `c${i}`, type, required: false })),
    };
    expect(parseOrBadRequest(schemaSchema, s, 'schema').fields).toHaveLength(types.length);
    expect(
      message(() =>
        parseOrBadRequest(
          createTableRequestSchema,
          {
            name: 't',
            schema: {
              type: 'struct',
              fields: [{ id: 1, name: 'x', type: 'decimal(39,2)', required: true }],
            },
          },
          'create table request',
        ),
      ),
    ).toBe(
      'Invalid create table request: schema.fields[0].type: unknown primitive type "decimal(39,2)"',
    );
  });

  it('keeps unknown metadata fields and fills in defaults for optional lists', () => {
    const { snapshots: _s, refs: _r, 'snapshot-log': _l, ...minimal } = table(2);
    const parsed = parseOrBadRequest(
      tableMetadataSchema,
      { ...minimal, 'x-extra': [1] },
      'metadata',
    );
    expect(parsed['x-extra']).toEqual([1]);
    expect(parsed.snapshots).toEqual([]);
    expect(parsed.refs).toEqual({});
    expect(parsed['snapshot-log']).toEqual([]);
  });

  it('reads a v1 file with only the legacy schema and partition-spec fields', () => {
    const v1 = {
      'format-version': 1,
      'table-uuid': 'u',
      location: 's3://x',
      'last-updated-ms': 1,
      'last-column-id': 5,
      schema: { type: 'struct', fields: schema.fields },
      'partition-spec': [{ name: 'id', transform: 'identity', 'source-id': 1 }],
      'current-snapshot-id': 7,
      snapshots: [
        {
          'snapshot-id': 7,
          'timestamp-ms': 1,
          'manifest-list': 'm',
          summary: { operation: 'append' },
        },
      ],
    };
    const parsed = parseOrBadRequest(tableMetadataSchema, v1, 'metadata');
    expect(parsed.schemas).toEqual([{ type: 'struct', fields: schema.fields, 'schema-id': 0 }]);
    expect(parsed['current-schema-id']).toBe(0);
    expect(parsed['partition-specs']).toEqual([
      {
        'spec-id': 0,
        fields: [{ name: 'id', transform: 'identity', 'source-id': 1, 'field-id': 1000 }],
      },
    ]);
    expect(parsed['default-spec-id']).toBe(0);
    expect(parsed['last-partition-id']).toBe(1000);
    expect(parsed['sort-orders']).toEqual([{ 'order-id': 0, fields: [] }]);
    expect(parsed.refs).toEqual({ main: { type: 'branch', 'snapshot-id': 7 } });
    expect(parsed['last-sequence-number']).toBe(0);
  });

  it('rejects metadata with an unsupported format version', () => {
    expect(
      message(() =>
        parseOrBadRequest(
          tableMetadataSchema,
          { ...table(), 'format-version': 4 },
          'table metadata',
        ),
      ),
    ).toMatch(/^Invalid table metadata: format-version: /);
  });
});

describe('requests from Java clients', () => {
  it('reads null optional fields of a create table request as absent (Trino sends location: null)', () => {
    const parsed = parseOrBadRequest(
      createTableRequestSchema,
      {
        name: 'orders',
        location: null,
        schema: {
          type: 'struct',
          'schema-id': 0,
          fields: [{ id: 1, name: 'id', type: 'long', required: false }],
        },
        'partition-spec': null,
        'write-order': null,
        'stage-create': true,
        properties: null,
      },
      'create table request',
    );
    expect(parsed.location).toBeUndefined();
    expect(parsed['partition-spec']).toBeUndefined();
    expect(parsed['write-order']).toBeUndefined();
    expect(parsed.properties).toBeUndefined();
    expect(parsed['stage-create']).toBe(true);
  });

  it('still rejects a wrong type in an optional field', () => {
    expect(() =>
      parseOrBadRequest(
        createTableRequestSchema,
        { name: 'orders', location: 42, schema: { type: 'struct', fields: [] } },
        'create table request',
      ),
    ).toThrow(/location/);
  });
});
