import { describe, expect, it } from 'vitest';
import { BadRequestError, CommitFailedError } from '../../../../src/catalog/errors.js';
import {
  applyTableUpdates,
  checkTableRequirements,
  commitTableRequestSchema,
  parseOrBadRequest,
  tableMetadataSchema,
} from '../../../../src/catalog/metadata/index.js';
import { LOCATION, NOW, UUID, schema, table } from './fixtures.js';

/** The body pyiceberg's create_table_transaction commits after a stage-create (JSON as it serializes it). */
function pyicebergCreateTransaction(formatVersion: number) {
  return {
    identifier: { namespace: ['db'], name: 't' },
    requirements: [{ type: 'assert-create' }],
    updates: [
      { action: 'assign-uuid', uuid: UUID },
      { action: 'upgrade-format-version', 'format-version': formatVersion },
      {
        action: 'add-schema',
        schema: {
          type: 'struct',
          fields: [
            { id: 1, name: 'id', type: 'long', required: true },
            { id: 2, name: 'data', type: 'string', required: false },
          ],
          'schema-id': 0,
          'identifier-field-ids': [],
        },
        'last-column-id': 2,
      },
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
      { action: 'set-location', location: LOCATION },
      { action: 'set-properties', updates: { 'write.parquet.compression-codec': 'zstd' } },
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': 3051729675574597,
          'sequence-number': 1,
          'timestamp-ms': NOW + 5,
          'manifest-list': `${LOCATION}/metadata/snap-1.avro`,
          summary: { operation: 'append', 'added-records': '3' },
          'schema-id': 0,
          ...(formatVersion >= 3 ? { 'first-row-id': 0, 'added-rows': 3 } : {}),
        },
      },
      {
        action: 'set-snapshot-ref',
        'ref-name': 'main',
        type: 'branch',
        'snapshot-id': 3051729675574597,
      },
    ],
  };
}

describe('create transaction (stage-create then commit with assert-create)', () => {
  it.each([1, 2, 3])(
    'builds valid v%i metadata from the exact pyiceberg update list',
    (formatVersion) => {
      const request = parseOrBadRequest(
        commitTableRequestSchema,
        pyicebergCreateTransaction(formatVersion),
        'commit request',
      );
      checkTableRequirements(undefined, request.requirements);
      const m = applyTableUpdates(undefined, request.updates, { nowMs: NOW + 100 });

      const expectedSchema = {
        type: 'struct',
        fields: [
          { id: 1, name: 'id', type: 'long', required: true },
          { id: 2, name: 'data', type: 'string', required: false },
        ],
        'schema-id': 0,
        'identifier-field-ids': [],
      };
      const snapshot =
        request.updates[10]?.action === 'add-snapshot' ? request.updates[10].snapshot : undefined;
      expect(m).toEqual({
        'format-version': formatVersion,
        'table-uuid': UUID,
        location: LOCATION,
        'last-sequence-number': formatVersion === 1 ? 0 : 1,
        'last-updated-ms': NOW + 5,
        'last-column-id': 2,
        'current-schema-id': 0,
        schemas: [expectedSchema],
        'default-spec-id': 0,
        'partition-specs': [{ 'spec-id': 0, fields: [] }],
        'last-partition-id': 999,
        'default-sort-order-id': 0,
        'sort-orders': [{ 'order-id': 0, fields: [] }],
        properties: { 'write.parquet.compression-codec': 'zstd' },
        'current-snapshot-id': 3051729675574597,
        snapshots: [snapshot],
        refs: { main: { type: 'branch', 'snapshot-id': 3051729675574597 } },
        'snapshot-log': [{ 'snapshot-id': 3051729675574597, 'timestamp-ms': NOW + 5 }],
        'metadata-log': [],
        statistics: [],
        'partition-statistics': [],
        ...(formatVersion >= 3 ? { 'next-row-id': 3 } : {}),
        ...(formatVersion === 1 ? { schema: expectedSchema, 'partition-spec': [] } : {}),
      });
      // What we produce must parse back as table metadata.
      expect(tableMetadataSchema.parse(JSON.parse(JSON.stringify(m)))).toEqual(m);
    },
  );

  it('equals the metadata of a plain create for the same table', () => {
    const updates = pyicebergCreateTransaction(2).updates.slice(0, 9);
    const request = parseOrBadRequest(
      commitTableRequestSchema,
      { requirements: [], updates },
      'commit request',
    );
    const built = applyTableUpdates(undefined, request.updates, { nowMs: NOW });
    const created = table(2, {
      schema: {
        type: 'struct',
        'schema-id': 0,
        'identifier-field-ids': [],
        fields: [
          { id: 1, name: 'id', type: 'long', required: true },
          { id: 2, name: 'data', type: 'string', required: false },
        ],
      },
    });
    expect(built).toEqual(created);
  });

  it('assert-create fails when the table exists', () => {
    expect(() => checkTableRequirements(table(), [{ type: 'assert-create' }])).toThrow(
      new CommitFailedError('Requirement failed: table already exists'),
    );
  });

  it('uses ctx.location and ctx.tableUuid when the updates carry none', () => {
    const m = applyTableUpdates(
      undefined,
      [
        { action: 'add-schema', schema },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
      { nowMs: NOW, location: 's3://b/x', tableUuid: 'u-1' },
    );
    expect(m.location).toBe('s3://b/x');
    expect(m['table-uuid']).toBe('u-1');
    expect(m['partition-specs']).toEqual([{ 'spec-id': 0, fields: [] }]);
    expect(m['sort-orders']).toEqual([{ 'order-id': 0, fields: [] }]);
    expect(m['last-column-id']).toBe(5);
  });

  it('rejects a create without schema or location', () => {
    expect(() => applyTableUpdates(undefined, [], { nowMs: NOW, location: 's3://b/x' })).toThrow(
      new BadRequestError('Cannot create table: no schema was added'),
    );
    expect(() =>
      applyTableUpdates(undefined, [{ action: 'add-schema', schema }], { nowMs: NOW }),
    ).toThrow(new BadRequestError('Cannot create table: no location was set'));
  });
});
