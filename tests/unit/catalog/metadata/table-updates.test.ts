import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  CommitFailedError,
  IllegalArgumentError,
} from '../../../../src/catalog/errors.js';
import { parseJson, stringifyJson } from '../../../../src/lib/index.js';
import {
  applyTableUpdates,
  checkTableRequirements,
  commitTableRequestSchema,
  parseOrBadRequest,
  type TableMetadata,
  type TableUpdate,
} from '../../../../src/catalog/metadata/index.js';
import {
  NOW,
  UUID,
  apply,
  deepFreeze,
  schema,
  snapshot,
  table,
  tableWithSnapshots,
} from './fixtures.js';

const LATER = NOW + 1000;

function rejects(base: TableMetadata | undefined, updates: TableUpdate[], message: string): void {
  expect(() => apply(base, updates)).toThrow(new BadRequestError(message));
}

/** Java's builder checks these with Preconditions.checkArgument; its client rethrows the type. */
function rejectsIllegal(
  base: TableMetadata | undefined,
  updates: TableUpdate[],
  message: string,
): void {
  expect(() => apply(base, updates)).toThrow(new IllegalArgumentError(message));
}

const schema1 = {
  type: 'struct' as const,
  fields: [...schema.fields, { id: 6, name: 'extra', type: 'int', required: false }],
};

const statsFile = (snapshotId: number, path = `s3://x/stats-${snapshotId}.puffin`) => ({
  'snapshot-id': snapshotId,
  'statistics-path': path,
  'file-size-in-bytes': 100,
  'file-footer-size-in-bytes': 10,
  'blob-metadata': [
    {
      type: 'apache-datasketches-theta-v1',
      'snapshot-id': snapshotId,
      'sequence-number': 1,
      fields: [1],
    },
  ],
});
const partitionStatsFile = (snapshotId: number) => ({
  'snapshot-id': snapshotId,
  'statistics-path': `s3://x/pstats-${snapshotId}.parquet`,
  'file-size-in-bytes': 42,
});

describe('applyTableUpdates: general', () => {
  it('returns the base itself when nothing changes, and never mutates the base', () => {
    const base = deepFreeze(tableWithSnapshots());
    const noOps: TableUpdate[] = [
      { action: 'assign-uuid', uuid: UUID },
      { action: 'upgrade-format-version', 'format-version': 2 },
      { action: 'add-schema', schema },
      { action: 'set-current-schema', 'schema-id': 0 },
      { action: 'add-spec', spec: { fields: [] } },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'add-sort-order', 'sort-order': { fields: [] } },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 2 },
      { action: 'remove-snapshots', 'snapshot-ids': [99] },
      { action: 'remove-snapshot-ref', 'ref-name': 'nope' },
      { action: 'set-location', location: base.location },
      { action: 'set-properties', updates: {} },
      { action: 'remove-properties', removals: ['absent'] },
      { action: 'remove-statistics', 'snapshot-id': 1 },
      { action: 'remove-partition-statistics', 'snapshot-id': 1 },
      { action: 'remove-partition-specs', 'spec-ids': [5] },
      { action: 'remove-schemas', 'schema-ids': [5] },
    ];
    const copy = structuredClone(base);
    const result = applyTableUpdates(base, noOps, { nowMs: LATER + 99 });
    expect(result).toBe(base);
    expect(result).toEqual(copy);
  });

  it('does not mutate a frozen base while changing everything', () => {
    const base = deepFreeze(tableWithSnapshots());
    const copy = structuredClone(base);
    const result = apply(base, [
      { action: 'add-schema', schema: schema1 },
      { action: 'set-current-schema', 'schema-id': -1 },
      {
        action: 'add-spec',
        spec: { fields: [{ 'source-id': 6, name: 'e', transform: 'identity' }] },
      },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'set-properties', updates: { a: 'b' } },
      { action: 'set-statistics', statistics: statsFile(2) },
      { action: 'remove-snapshots', 'snapshot-ids': [1] },
    ]);
    expect(base).toEqual(copy);
    expect(result).not.toEqual(base);
  });

  it('sets last-updated-ms to now when no snapshot was added', () => {
    const m = apply(table(), [{ action: 'set-properties', updates: { a: 'b' } }], NOW + 42);
    expect(m['last-updated-ms']).toBe(NOW + 42);
  });
});

describe('applyTableUpdates: each action', () => {
  it('assign-uuid: same uuid is a no-op, another one is rejected on an existing table', () => {
    const base = table();
    expect(apply(base, [{ action: 'assign-uuid', uuid: UUID }])).toBe(base);
    rejects(
      base,
      [{ action: 'assign-uuid', uuid: 'other' }],
      `Cannot reassign table UUID: ${UUID} to other`,
    );
  });

  it('upgrade-format-version v1 -> v2 drops the legacy fields', () => {
    const v1 = table(1);
    const m = apply(v1, [{ action: 'upgrade-format-version', 'format-version': 2 }]);
    const { schema: _s, 'partition-spec': _p, ...rest } = v1;
    expect(m).toEqual({ ...rest, 'format-version': 2, 'last-updated-ms': LATER });
  });

  it('upgrade-format-version v2 -> v3 starts row lineage', () => {
    const m = apply(table(2), [{ action: 'upgrade-format-version', 'format-version': 3 }]);
    expect(m['format-version']).toBe(3);
    expect(m['next-row-id']).toBe(0);
    expect(m['current-snapshot-id']).toBeNull();
  });

  it('upgrade-format-version refuses downgrades and unsupported versions', () => {
    rejectsIllegal(
      table(3),
      [{ action: 'upgrade-format-version', 'format-version': 2 }],
      'Cannot downgrade v3 table to v2',
    );
    rejectsIllegal(
      table(2),
      [{ action: 'upgrade-format-version', 'format-version': 4 }],
      'Cannot upgrade table to unsupported format version: v4 (supported: v3)',
    );
  });

  it('add-schema assigns the next id and last-column-id; set-current-schema -1 picks it', () => {
    const m = apply(table(), [
      { action: 'add-schema', schema: { ...schema1, 'schema-id': 17 } },
      { action: 'set-current-schema', 'schema-id': -1 },
    ]);
    expect(m.schemas).toEqual([schema, { ...schema1, 'schema-id': 1 }]);
    expect(m['current-schema-id']).toBe(1);
    expect(m['last-column-id']).toBe(6);
  });

  it('add-schema honours a higher last-column-id and tolerates a stale one', () => {
    const m = apply(table(), [{ action: 'add-schema', schema: schema1, 'last-column-id': 10 }]);
    expect(m['last-column-id']).toBe(10);
    expect(m['current-schema-id']).toBe(0);
    // Java 1.10 clients still send the deprecated value they loaded; ids never go backwards.
    const stale = apply(table(), [{ action: 'add-schema', schema: schema1, 'last-column-id': 3 }]);
    expect(stale['last-column-id']).toBe(6);
    expect(stale.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    const belowBase = apply(table(), [
      {
        action: 'add-schema',
        schema: { ...schema, fields: schema.fields.slice(0, 2) },
        'last-column-id': 2,
      },
    ]);
    expect(belowBase['last-column-id']).toBe(5);
  });

  it('add-schema reuses the id of an identical schema; -1 then resolves to it', () => {
    const base = apply(table(), [{ action: 'add-schema', schema: schema1 }]);
    const m = apply(base, [
      { action: 'add-schema', schema: { ...schema1, 'schema-id': 9 } },
      { action: 'set-current-schema', 'schema-id': -1 },
    ]);
    expect(m.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(m['current-schema-id']).toBe(1);
  });

  it('add-schema validates the schema', () => {
    rejects(
      table(),
      [
        {
          action: 'add-schema',
          schema: {
            type: 'struct',
            fields: [{ id: 1, name: 'x', type: 'timestamp_ns', required: false }],
          },
        },
      ],
      'Invalid schema: field x has type timestamp_ns, which requires format version 3 (table is v2)',
    );
  });

  it('set-current-schema rejects unknown ids and -1 without an added schema', () => {
    rejectsIllegal(
      table(),
      [{ action: 'set-current-schema', 'schema-id': 3 }],
      'Cannot set current schema to unknown schema: 3',
    );
    rejects(
      table(),
      [{ action: 'set-current-schema', 'schema-id': -1 }],
      'Cannot set last added schema: no schema has been added',
    );
  });

  it('add-spec assigns spec id and field ids above last-partition-id; set-default-spec -1 picks it', () => {
    const base = table(2, {
      'partition-spec': { fields: [{ 'source-id': 1, name: 'id', transform: 'identity' }] },
    });
    const m = apply(base, [
      {
        action: 'add-spec',
        spec: {
          'spec-id': 5,
          fields: [
            { 'source-id': 1, name: 'id', transform: 'identity', 'field-id': 1000 },
            { 'source-id': 3, name: 'ts_day', transform: 'day' },
          ],
        },
      },
      { action: 'set-default-spec', 'spec-id': -1 },
    ]);
    expect(m['partition-specs'][1]).toEqual({
      'spec-id': 1,
      fields: [
        { 'source-id': 1, name: 'id', transform: 'identity', 'field-id': 1000 },
        { 'source-id': 3, name: 'ts_day', transform: 'day', 'field-id': 1001 },
      ],
    });
    expect(m['default-spec-id']).toBe(1);
    expect(m['last-partition-id']).toBe(1001);
  });

  it('add-spec reuses a compatible spec and validates sources and transforms', () => {
    const base = table(2, {
      'partition-spec': { fields: [{ 'source-id': 1, name: 'id', transform: 'identity' }] },
    });
    expect(
      apply(base, [
        {
          action: 'add-spec',
          spec: { fields: [{ 'source-id': 1, name: 'id', transform: 'identity' }] },
        },
      ]),
    ).toBe(base);
    rejects(
      base,
      [
        {
          action: 'add-spec',
          spec: { fields: [{ 'source-id': 42, name: 'x', transform: 'identity' }] },
        },
      ],
      'Invalid partition spec: source id 42 is not in the schema',
    );
    rejects(
      base,
      [
        {
          action: 'add-spec',
          spec: { fields: [{ 'source-id': 1, name: 'x', transform: 'zorder' }] },
        },
      ],
      'Invalid partition spec: unknown transform "zorder"',
    );
  });

  it('set-default-spec rejects unknown ids', () => {
    rejects(
      table(),
      [{ action: 'set-default-spec', 'spec-id': 4 }],
      'Cannot set default partition spec to unknown spec: 4',
    );
    rejects(
      table(),
      [{ action: 'set-default-spec', 'spec-id': -1 }],
      'Cannot set last added spec: no spec has been added',
    );
  });

  it('add-sort-order assigns ids from 1; set-default-sort-order -1 picks it', () => {
    const field = {
      'source-id': 2,
      transform: 'identity',
      direction: 'desc' as const,
      'null-order': 'nulls-last' as const,
    };
    const m = apply(table(), [
      { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [field] } },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
    ]);
    expect(m['sort-orders']).toEqual([
      { 'order-id': 0, fields: [] },
      { 'order-id': 1, fields: [field] },
    ]);
    expect(m['default-sort-order-id']).toBe(1);
    const again = apply(m, [
      { action: 'add-sort-order', 'sort-order': { 'order-id': 8, fields: [field] } },
    ]);
    expect(again).toBe(m);
    rejects(
      table(),
      [{ action: 'set-default-sort-order', 'sort-order-id': 3 }],
      'Cannot set default sort order to unknown sort order: 3',
    );
    rejects(
      table(),
      [{ action: 'add-sort-order', 'sort-order': { fields: [{ ...field, 'source-id': 50 }] } }],
      'Invalid sort order: source id 50 is not in the schema',
    );
  });

  it('add-snapshot adds it, advances last-sequence-number and last-updated-ms', () => {
    const snap = snapshot(10, 1);
    const m = apply(table(), [{ action: 'add-snapshot', snapshot: snap }]);
    expect(m.snapshots).toEqual([snap]);
    expect(m['last-sequence-number']).toBe(1);
    expect(m['last-updated-ms']).toBe(snap['timestamp-ms']);
    // Not on a branch yet: no current snapshot, no log entry.
    expect(m['current-snapshot-id']).toBe(-1);
    expect(m['snapshot-log']).toEqual([]);
  });

  it('add-snapshot rejects duplicate ids and stale sequence numbers', () => {
    const base = tableWithSnapshots();
    rejects(
      base,
      [{ action: 'add-snapshot', snapshot: snapshot(2, 3) }],
      'Snapshot already exists for id: 2',
    );
    rejects(
      base,
      [{ action: 'add-snapshot', snapshot: snapshot(3, 2, { 'parent-snapshot-id': 2 }) }],
      'Cannot add snapshot with sequence number 2 older than last sequence number 2',
    );
    const { 'sequence-number': _seq, ...noSeq } = snapshot(3, 0);
    rejects(
      base,
      [{ action: 'add-snapshot', snapshot: noSeq }],
      'Cannot add snapshot 3 without a sequence-number to a v2 table',
    );
  });

  it('add-snapshot on v1 ignores sequence numbers', () => {
    const m = apply(table(1), [{ action: 'add-snapshot', snapshot: snapshot(10, 0) }]);
    expect(m['last-sequence-number']).toBe(0);
    expect(m.snapshots).toHaveLength(1);
  });

  it('set-snapshot-ref main moves current-snapshot-id and logs it', () => {
    const base = tableWithSnapshots();
    expect(base['current-snapshot-id']).toBe(2);
    expect(base.refs).toEqual({
      main: { type: 'branch', 'snapshot-id': 2 },
      t1: { type: 'tag', 'snapshot-id': 1 },
    });
    // Snapshot 1 was current and then replaced within the same commit: an intermediate snapshot.
    expect(base['snapshot-log']).toEqual([{ 'snapshot-id': 2, 'timestamp-ms': NOW + 2 }]);
    // Like Java: the last ref set to a snapshot added in the commit (tag t1 -> 1) stamps the time.
    expect(base['last-updated-ms']).toBe(NOW + 1);

    const m = apply(
      base,
      [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 }],
      NOW + 500,
    );
    expect(m['current-snapshot-id']).toBe(1);
    expect(m['snapshot-log']).toEqual([
      { 'snapshot-id': 2, 'timestamp-ms': NOW + 2 },
      { 'snapshot-id': 1, 'timestamp-ms': NOW + 500 },
    ]);
    expect(m['last-updated-ms']).toBe(NOW + 500);
  });

  it('set-snapshot-ref on another branch keeps current-snapshot-id and the log', () => {
    const base = tableWithSnapshots();
    const m = apply(base, [
      {
        action: 'set-snapshot-ref',
        'ref-name': 'dev',
        type: 'branch',
        'snapshot-id': 1,
        'max-ref-age-ms': 1000,
        'min-snapshots-to-keep': null,
      },
    ]);
    expect(m.refs['dev']).toEqual({ type: 'branch', 'snapshot-id': 1, 'max-ref-age-ms': 1000 });
    expect(m['current-snapshot-id']).toBe(2);
    expect(m['snapshot-log']).toEqual(base['snapshot-log']);
  });

  it('set-snapshot-ref rejects unknown snapshots and invalid tag options', () => {
    const base = tableWithSnapshots();
    rejects(
      base,
      [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 9 }],
      'Cannot set main to unknown snapshot: 9',
    );
    rejects(
      base,
      [
        {
          action: 'set-snapshot-ref',
          'ref-name': 't2',
          type: 'tag',
          'snapshot-id': 1,
          'min-snapshots-to-keep': 2,
        },
      ],
      'Invalid ref t2: tags do not support min-snapshots-to-keep',
    );
    rejects(
      base,
      [
        {
          action: 'set-snapshot-ref',
          'ref-name': 'b',
          type: 'branch',
          'snapshot-id': 1,
          'max-ref-age-ms': 0,
        },
      ],
      'Invalid ref b: max-ref-age-ms must be greater than 0',
    );
  });

  it('remove-snapshots removes refs pointing at them, their statistics and older history', () => {
    const base = apply(
      tableWithSnapshots(),
      [
        { action: 'set-statistics', statistics: statsFile(1) },
        { action: 'set-statistics', statistics: statsFile(2) },
        { action: 'set-partition-statistics', 'partition-statistics': partitionStatsFile(1) },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 2 },
      ],
      NOW + 600,
    );
    expect(base['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([2, 1, 2]);

    const m = apply(base, [{ action: 'remove-snapshots', 'snapshot-ids': [1] }], NOW + 700);
    expect(m.snapshots.map((s) => s['snapshot-id'])).toEqual([2]);
    expect(m.refs).toEqual({ main: { type: 'branch', 'snapshot-id': 2 } });
    expect(m.statistics).toEqual([statsFile(2)]);
    expect(m['partition-statistics']).toEqual([]);
    expect(m['snapshot-log']).toEqual([{ 'snapshot-id': 2, 'timestamp-ms': NOW + 600 }]);
    expect(m['current-snapshot-id']).toBe(2);
  });

  it('remove-snapshots of the current snapshot clears main', () => {
    const m = apply(tableWithSnapshots(), [{ action: 'remove-snapshots', 'snapshot-ids': [2, 1] }]);
    expect(m.snapshots).toEqual([]);
    expect(m.refs).toEqual({});
    expect(m['current-snapshot-id']).toBe(-1);
    expect(m['snapshot-log']).toEqual([]);
  });

  it('remove-snapshot-ref removes a tag, and removing main clears the current snapshot', () => {
    const base = tableWithSnapshots();
    const tagless = apply(base, [{ action: 'remove-snapshot-ref', 'ref-name': 't1' }]);
    expect(tagless.refs).toEqual({ main: { type: 'branch', 'snapshot-id': 2 } });
    expect(tagless.snapshots).toEqual(base.snapshots);
    const noMain = apply(base, [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }]);
    expect(noMain.refs).toEqual({ t1: { type: 'tag', 'snapshot-id': 1 } });
    expect(noMain['current-snapshot-id']).toBe(-1);
  });

  it('set-location', () => {
    expect(apply(table(), [{ action: 'set-location', location: 's3://new/loc' }]).location).toBe(
      's3://new/loc',
    );
    rejects(
      table(),
      [{ action: 'set-location', location: '' }],
      'Invalid location: must not be empty',
    );
  });

  it('set-properties and remove-properties', () => {
    const base = apply(table(), [{ action: 'set-properties', updates: { a: '1', b: '2' } }]);
    expect(base.properties).toEqual({ a: '1', b: '2' });
    const m = apply(base, [
      { action: 'set-properties', updates: { b: '3', c: '4' } },
      { action: 'remove-properties', removals: ['a', 'zzz'] },
    ]);
    expect(m.properties).toEqual({ b: '3', c: '4' });
  });

  it('set-statistics replaces the file of the same snapshot; remove-statistics removes it', () => {
    const base = tableWithSnapshots();
    const withStats = apply(base, [
      { action: 'set-statistics', statistics: statsFile(1) },
      { action: 'set-statistics', statistics: statsFile(2) },
      { action: 'set-statistics', statistics: statsFile(1, 's3://x/new.puffin'), 'snapshot-id': 1 },
    ]);
    expect(withStats.statistics).toEqual([statsFile(2), statsFile(1, 's3://x/new.puffin')]);
    const removed = apply(withStats, [{ action: 'remove-statistics', 'snapshot-id': 2 }]);
    expect(removed.statistics).toEqual([statsFile(1, 's3://x/new.puffin')]);
  });

  it('set-partition-statistics and remove-partition-statistics', () => {
    const base = apply(tableWithSnapshots(), [
      { action: 'set-partition-statistics', 'partition-statistics': partitionStatsFile(1) },
      { action: 'set-partition-statistics', 'partition-statistics': partitionStatsFile(2) },
    ]);
    expect(base['partition-statistics']).toEqual([partitionStatsFile(1), partitionStatsFile(2)]);
    const m = apply(base, [{ action: 'remove-partition-statistics', 'snapshot-id': 1 }]);
    expect(m['partition-statistics']).toEqual([partitionStatsFile(2)]);
  });

  it('remove-partition-specs removes unused specs, never the default', () => {
    const base = apply(table(), [
      {
        action: 'add-spec',
        spec: { fields: [{ 'source-id': 1, name: 'id', transform: 'bucket[4]' }] },
      },
      { action: 'set-default-spec', 'spec-id': -1 },
    ]);
    const m = apply(base, [{ action: 'remove-partition-specs', 'spec-ids': [0] }]);
    expect(m['partition-specs'].map((s) => s['spec-id'])).toEqual([1]);
    expect(m['last-partition-id']).toBe(1000);
    rejectsIllegal(
      base,
      [{ action: 'remove-partition-specs', 'spec-ids': [1] }],
      'Cannot remove the default partition spec: 1',
    );
  });

  it('remove-schemas removes old schemas, never the current one', () => {
    const base = apply(table(), [
      { action: 'add-schema', schema: schema1 },
      { action: 'set-current-schema', 'schema-id': -1 },
    ]);
    const m = apply(base, [{ action: 'remove-schemas', 'schema-ids': [0] }]);
    expect(m.schemas).toEqual([{ ...schema1, 'schema-id': 1 }]);
    expect(m['last-column-id']).toBe(6);
    rejectsIllegal(
      base,
      [{ action: 'remove-schemas', 'schema-ids': [1, 0] }],
      'Cannot remove the current schema: 1',
    );
  });

  it('add-encryption-key and remove-encryption-key on v3', () => {
    const key = {
      'key-id': 'k1',
      'encrypted-key-metadata': 'aWNlYmVyZwo=',
      properties: { kms: 'x' },
    };
    const m = apply(table(3), [
      { action: 'add-encryption-key', 'encryption-key': key },
      {
        action: 'add-encryption-key',
        'encryption-key': { 'key-id': 'k2', 'encrypted-key-metadata': 'AA==' },
      },
    ]);
    expect(m['encryption-keys']).toEqual([
      key,
      { 'key-id': 'k2', 'encrypted-key-metadata': 'AA==' },
    ]);
    expect(apply(m, [{ action: 'add-encryption-key', 'encryption-key': key }])).toBe(m);
    const removed = apply(m, [{ action: 'remove-encryption-key', 'key-id': 'k1' }]);
    expect(removed['encryption-keys']).toEqual([
      { 'key-id': 'k2', 'encrypted-key-metadata': 'AA==' },
    ]);
    rejects(
      table(2),
      [{ action: 'add-encryption-key', 'encryption-key': key }],
      'Cannot add an encryption key to a v2 table: requires format version 3',
    );
  });

  it('rejects an unknown action that bypassed parsing', () => {
    const bogus = { action: 'set-foo' } as unknown as TableUpdate;
    rejects(table(), [bogus], 'Invalid update updates[0]: unknown action "set-foo"');
  });
});

describe('applyTableUpdates: v3 row lineage', () => {
  it('add-snapshot assigns row ids from first-row-id and advances next-row-id', () => {
    const s1 = snapshot(1, 1, { 'first-row-id': 0, 'added-rows': 30 });
    const s2 = snapshot(2, 2, { 'parent-snapshot-id': 1, 'first-row-id': 30, 'added-rows': 12 });
    const m = apply(table(3), [
      { action: 'add-snapshot', snapshot: s1 },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
    ]);
    expect(m['next-row-id']).toBe(30);
    expect(m['current-snapshot-id']).toBe(1);
    const m2 = apply(m, [{ action: 'add-snapshot', snapshot: s2 }]);
    expect(m2['next-row-id']).toBe(42);
    // Not on main: current stays.
    expect(m2['current-snapshot-id']).toBe(1);
  });

  it('a first-row-id ahead of next-row-id moves next-row-id past its rows', () => {
    const m = apply(table(3), [
      {
        action: 'add-snapshot',
        snapshot: snapshot(1, 1, { 'first-row-id': 100, 'added-rows': 5 }),
      },
    ]);
    expect(m['next-row-id']).toBe(105);
  });

  it('rejects missing or stale row lineage fields', () => {
    const base = apply(table(3), [
      { action: 'add-snapshot', snapshot: snapshot(1, 1, { 'first-row-id': 0, 'added-rows': 10 }) },
    ]);
    rejects(
      base,
      [{ action: 'add-snapshot', snapshot: snapshot(2, 2) }],
      'Cannot add a snapshot: first-row-id is null',
    );
    rejects(
      base,
      [{ action: 'add-snapshot', snapshot: snapshot(2, 2, { 'first-row-id': 10 }) }],
      'Cannot add a snapshot: added-rows is null',
    );
    rejects(
      base,
      [
        {
          action: 'add-snapshot',
          snapshot: snapshot(2, 2, { 'first-row-id': 5, 'added-rows': 1 }),
        },
      ],
      'Cannot add a snapshot, first-row-id is behind table next-row-id: 5 < 10',
    );
  });
});

describe('applyTableUpdates: v1 legacy fields follow the current schema and spec', () => {
  it('updates schema and partition-spec', () => {
    const m = apply(table(1), [
      { action: 'add-schema', schema: schema1 },
      { action: 'set-current-schema', 'schema-id': -1 },
      {
        action: 'add-spec',
        spec: { fields: [{ 'source-id': 6, name: 'e', transform: 'identity' }] },
      },
      { action: 'set-default-spec', 'spec-id': -1 },
    ]);
    expect(m.schema).toEqual({ ...schema1, 'schema-id': 1 });
    expect(m['partition-spec']).toEqual([
      { 'source-id': 6, name: 'e', transform: 'identity', 'field-id': 1000 },
    ]);
    expect(m['last-partition-id']).toBe(1000);
  });
});

describe('applyTableUpdates: 64-bit snapshot ids', () => {
  it('handles ids beyond 2^53 as bigint, as the lossless JSON parser hands them over', () => {
    const big = 3051729675574597004n;
    const child = 3051729675574597005n;
    const body = parseJson(
      JSON.stringify({
        requirements: [{ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }],
        updates: [
          { action: 'add-snapshot', snapshot: { ...snapshot(0, 1), 'snapshot-id': '@BIG@' } },
          {
            action: 'set-snapshot-ref',
            'ref-name': 'main',
            type: 'branch',
            'snapshot-id': '@BIG@',
          },
        ],
      }).replaceAll('"@BIG@"', big.toString()),
    );
    const request = parseOrBadRequest(commitTableRequestSchema, body, 'commit request');
    const base = table();
    checkTableRequirements(base, request.requirements);
    const m = apply(base, request.updates);
    expect(m['current-snapshot-id']).toBe(big);
    expect(m.refs['main']).toEqual({ type: 'branch', 'snapshot-id': big });
    expect(stringifyJson(m)).toContain(`"current-snapshot-id":${big}`);

    const m2 = apply(m, [
      {
        action: 'add-snapshot',
        snapshot: { ...snapshot(0, 2), 'snapshot-id': child, 'parent-snapshot-id': big },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': child },
    ]);
    expect(() =>
      checkTableRequirements(m2, [
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': child },
      ]),
    ).not.toThrow();
    expect(() =>
      checkTableRequirements(m2, [
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': big },
      ]),
    ).toThrow(
      new CommitFailedError(
        `Requirement failed: branch main has changed: expected id ${big} != ${child}`,
      ),
    );
    const m3 = apply(m2, [{ action: 'remove-snapshots', 'snapshot-ids': [big] }]);
    expect(m3.snapshots.map((s) => s['snapshot-id'])).toEqual([child]);
    expect(
      apply(m3, [
        { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': child },
      ]),
    ).toBe(m3);
  });
});

describe('applyTableUpdates: Java edge cases', () => {
  it('a snapshot without parent is exempt from the sequence-number ordering check', () => {
    const base = tableWithSnapshots();
    const m = apply(base, [{ action: 'add-snapshot', snapshot: snapshot(3, 1) }]);
    expect(m.snapshots).toHaveLength(3);
    // The table's counter never goes backwards.
    expect(m['last-sequence-number']).toBe(2);
  });

  it('removing main on a v3 table writes a null current-snapshot-id', () => {
    const base = apply(table(3), [
      { action: 'add-snapshot', snapshot: snapshot(1, 1, { 'first-row-id': 0, 'added-rows': 1 }) },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
    ]);
    expect(base['current-snapshot-id']).toBe(1);
    expect(
      apply(base, [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }])['current-snapshot-id'],
    ).toBeNull();
  });

  it('a create transaction starts at the format version its first upgrade names', () => {
    const m = applyTableUpdates(
      undefined,
      [
        { action: 'upgrade-format-version', 'format-version': 1 },
        { action: 'add-schema', schema },
        {
          action: 'add-spec',
          spec: { fields: [{ 'source-id': 1, name: 'id', transform: 'identity' }] },
        },
        { action: 'set-default-spec', 'spec-id': -1 },
      ],
      { nowMs: NOW, location: 's3://x', tableUuid: UUID },
    );
    expect(m['format-version']).toBe(1);
    expect(m['partition-spec']).toEqual([
      { 'source-id': 1, name: 'id', transform: 'identity', 'field-id': 1000 },
    ]);
    expect(m.schema).toEqual(schema);
  });
});
