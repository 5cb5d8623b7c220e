import { describe, expect, it } from 'vitest';
import {
  ShapeError,
  toCatalogTable,
  toCatalogView,
  typeText,
} from '../../../src/console/catalog/index.js';
import type { IcebergType } from '../../../src/catalog/metadata/index.js';
import { parseJson } from '../../../src/lib/index.js';

/** A loadTable answer as the catalog sends it: JSON text, parsed losslessly. */
const answer = (metadata: object, location: string | null = 's3://w/t/metadata/00003.json') =>
  parseJson(JSON.stringify({ 'metadata-location': location, metadata }));

const NESTED_SCHEMA = {
  type: 'struct',
  'schema-id': 1,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'id', type: 'long', required: true, doc: 'key' },
    { id: 2, name: 'price', type: 'decimal(12,2)', required: false },
    {
      id: 3,
      name: 'points',
      required: false,
      type: {
        type: 'list',
        'element-id': 6,
        'element-required': false,
        element: {
          type: 'struct',
          fields: [
            { id: 7, name: 'x', type: 'double', required: true },
            { id: 8, name: 'y', type: 'fixed[ 4 ]', required: false },
          ],
        },
      },
    },
    {
      id: 4,
      name: 'attrs',
      required: true,
      type: {
        type: 'map',
        'key-id': 9,
        key: 'string',
        'value-id': 10,
        'value-required': true,
        value: { type: 'list', 'element-id': 11, element: 'long', 'element-required': true },
      },
    },
    { id: 5, name: 'gone_later', type: 'string', required: false },
  ],
};

/** v2 metadata: two schemas, an evolved spec, a sort order, 64-bit snapshot ids. */
const V2 = `{
  "format-version": 2, "table-uuid": "9c12d441-03fe-4693-9a96-a0705ddf69c1",
  "location": "s3://w/t", "last-updated-ms": 1700000300000, "last-column-id": 11,
  "schemas": [
    {"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "type": "long", "required": true}]},
    ${JSON.stringify(NESTED_SCHEMA)}
  ],
  "current-schema-id": 1,
  "partition-specs": [
    {"spec-id": 0, "fields": []},
    {"spec-id": 1, "fields": [
      {"field-id": 1000, "source-id": 1, "name": "id_bucket", "transform": "bucket[8]"},
      {"field-id": 1001, "source-id": 12, "name": "dropped_day", "transform": "day"}
    ]}
  ],
  "default-spec-id": 1, "last-partition-id": 1001,
  "sort-orders": [
    {"order-id": 0, "fields": []},
    {"order-id": 3, "fields": [{"source-id": 2, "transform": "identity", "direction": "desc", "null-order": "nulls-last"}]}
  ],
  "default-sort-order-id": 3,
  "properties": {"owner": "ana"},
  "current-snapshot-id": 8765432109876543211,
  "last-sequence-number": 2,
  "snapshots": [
    {"snapshot-id": 9007199254740993, "sequence-number": 1, "timestamp-ms": 1700000200000,
     "manifest-list": "s3://w/t/metadata/snap-1.avro", "schema-id": 1,
     "summary": {"operation": "append", "added-data-files": "4", "added-records": "100",
                 "added-files-size": "123456789012", "total-records": "100", "total-data-files": "4",
                 "total-delete-files": "0", "trino_query_id": "q1"}},
    {"snapshot-id": 8765432109876543211, "parent-snapshot-id": 9007199254740993,
     "sequence-number": 2, "timestamp-ms": 1700000100000,
     "manifest-list": "s3://w/t/metadata/snap-2.avro",
     "summary": {"operation": "delete"}}
  ],
  "refs": {
    "v1": {"type": "tag", "snapshot-id": 9007199254740993, "max-ref-age-ms": 86400000},
    "audit": {"type": "branch", "snapshot-id": 9007199254740993, "min-snapshots-to-keep": 2},
    "main": {"type": "branch", "snapshot-id": 8765432109876543211}
  },
  "snapshot-log": [
    {"snapshot-id": 9007199254740993, "timestamp-ms": 1700000200000},
    {"snapshot-id": 8765432109876543211, "timestamp-ms": 1700000100000}
  ],
  "metadata-log": [
    {"metadata-file": "s3://w/t/metadata/00001.json", "timestamp-ms": 1700000000000},
    {"metadata-file": "s3://w/t/metadata/00002.json", "timestamp-ms": 1700000200000}
  ]
}`;

describe('typeText', () => {
  it.each([
    ['long', 'long'],
    ['decimal(12,2)', 'decimal(12, 2)'],
    ['decimal( 38 , 0 )', 'decimal(38, 0)'],
    ['fixed[ 16 ]', 'fixed[16]'],
    [
      { type: 'list', 'element-id': 1, element: 'string', 'element-required': true },
      'list<string>',
    ],
    [
      {
        type: 'map',
        'key-id': 1,
        key: 'string',
        'value-id': 2,
        value: 'long',
        'value-required': false,
      },
      'map<string, long>',
    ],
    [{ type: 'struct', fields: [] }, 'struct'],
  ] satisfies [IcebergType, string][])('%j → %s', (type, text) => {
    expect(typeText(type)).toBe(text);
  });
});

describe('toCatalogTable on v2 metadata', () => {
  // Parsed from text: through JSON.parse, 8765432109876543211 would lose its last digits.
  const t = toCatalogTable(
    ['db', 'sales'],
    'orders',
    parseJson(`{"metadata-location": "s3://w/t/metadata/00003.json", "metadata": ${V2}}`),
  );

  it('identity, counts of schemas and specs, properties', () => {
    expect(t).toMatchObject({
      namespace: ['db', 'sales'],
      name: 'orders',
      metadataLocation: 's3://w/t/metadata/00003.json',
      location: 's3://w/t',
      tableUuid: '9c12d441-03fe-4693-9a96-a0705ddf69c1',
      formatVersion: 2,
      lastUpdatedMs: 1700000300000,
      schemaCount: 2,
      specCount: 2,
      properties: { owner: 'ana' },
    });
  });

  it('the current schema, flattened depth-first with list elements and map keys and values', () => {
    expect(t.schema.schemaId).toBe(1);
    expect(t.schema.identifierFieldIds).toEqual([1]);
    expect(t.schema.fields).toEqual([
      { id: 1, name: 'id', path: 'id', depth: 0, type: 'long', required: true, doc: 'key' },
      { id: 2, name: 'price', path: 'price', depth: 0, type: 'decimal(12, 2)', required: false },
      { id: 3, name: 'points', path: 'points', depth: 0, type: 'list<struct>', required: false },
      { id: 6, name: 'element', path: 'points.element', depth: 1, type: 'struct', required: false },
      { id: 7, name: 'x', path: 'points.element.x', depth: 2, type: 'double', required: true },
      { id: 8, name: 'y', path: 'points.element.y', depth: 2, type: 'fixed[4]', required: false },
      {
        id: 4,
        name: 'attrs',
        path: 'attrs',
        depth: 0,
        type: 'map<string, list<long>>',
        required: true,
      },
      { id: 9, name: 'key', path: 'attrs.key', depth: 1, type: 'string', required: true },
      { id: 10, name: 'value', path: 'attrs.value', depth: 1, type: 'list<long>', required: true },
      {
        id: 11,
        name: 'element',
        path: 'attrs.value.element',
        depth: 2,
        type: 'long',
        required: true,
      },
      { id: 5, name: 'gone_later', path: 'gone_later', depth: 0, type: 'string', required: false },
    ]);
  });

  it('the default spec of an evolved table, a dropped source named ""', () => {
    expect(t.partitionSpec).toEqual({
      specId: 1,
      fields: [
        { fieldId: 1000, name: 'id_bucket', sourceId: 1, sourceName: 'id', transform: 'bucket[8]' },
        { fieldId: 1001, name: 'dropped_day', sourceId: 12, sourceName: '', transform: 'day' },
      ],
    });
    expect(t.sortOrder).toEqual({
      orderId: 3,
      fields: [
        {
          sourceId: 2,
          sourceName: 'price',
          transform: 'identity',
          direction: 'desc',
          nullOrder: 'nulls-last',
        },
      ],
    });
  });

  it('snapshots newest first by sequence number, 64-bit ids as exact decimal text', () => {
    expect(t.currentSnapshotId).toBe('8765432109876543211');
    expect(t.snapshots.map((s) => s.snapshotId)).toEqual([
      '8765432109876543211',
      '9007199254740993',
    ]);
    const [del, append] = t.snapshots;
    expect(append).toEqual({
      snapshotId: '9007199254740993',
      parentSnapshotId: null,
      sequenceNumber: 1,
      timestampMs: 1700000200000,
      operation: 'append',
      schemaId: 1,
      manifestList: 's3://w/t/metadata/snap-1.avro',
      summary: {
        operation: 'append',
        'added-data-files': '4',
        'added-records': '100',
        'added-files-size': '123456789012',
        'total-records': '100',
        'total-data-files': '4',
        'total-delete-files': '0',
        trino_query_id: 'q1',
      },
      addedFiles: 4,
      deletedFiles: null,
      addedRecords: 100,
      deletedRecords: null,
      addedBytes: 123456789012,
      removedBytes: null,
      totalRecords: 100,
      totalFiles: 4,
    });
    // A summary with the operation only: every count unknown, not 0.
    expect(del).toMatchObject({
      parentSnapshotId: '9007199254740993',
      operation: 'delete',
      schemaId: null,
      addedFiles: null,
      deletedFiles: null,
      addedRecords: null,
      deletedRecords: null,
      addedBytes: null,
      removedBytes: null,
      totalRecords: null,
      totalFiles: null,
    });
  });

  it('refs: branches first, main first, then tags', () => {
    expect(t.refs).toEqual([
      { name: 'main', type: 'branch', snapshotId: '8765432109876543211' },
      { name: 'audit', type: 'branch', snapshotId: '9007199254740993', minSnapshotsToKeep: 2 },
      { name: 'v1', type: 'tag', snapshotId: '9007199254740993', maxRefAgeMs: 86400000 },
    ]);
  });

  it('logs newest first in their own order, whatever their timestamps say', () => {
    expect(t.metadataLog.map((e) => e.metadataFile)).toEqual([
      's3://w/t/metadata/00002.json',
      's3://w/t/metadata/00001.json',
    ]);
    expect(t.snapshotLog).toEqual([
      { timestampMs: 1700000100000, snapshotId: '8765432109876543211' },
      { timestampMs: 1700000200000, snapshotId: '9007199254740993' },
    ]);
  });
});

describe('toCatalogTable on v1 metadata', () => {
  // v1: the deprecated single schema and spec, no sequence numbers, no refs, -1 for no snapshot.
  const v1 = (snapshots: object[], current: number) =>
    answer(
      {
        'format-version': 1,
        'table-uuid': 'u1',
        location: 'file:///w/t',
        'last-updated-ms': 1,
        'last-column-id': 2,
        schema: {
          type: 'struct',
          fields: [
            { id: 1, name: 'a', type: 'int', required: false },
            { id: 2, name: 'b', type: 'date', required: false },
          ],
        },
        'partition-spec': [{ 'source-id': 2, name: 'b_month', transform: 'month' }],
        'current-snapshot-id': current,
        snapshots,
      },
      null,
    );

  it('the single schema and spec, field ids from 1000, no sort order, no snapshot', () => {
    const t = toCatalogTable(['db'], 'old', v1([], -1));
    expect(t.formatVersion).toBe(1);
    expect(t.metadataLocation).toBeNull();
    expect(t.schema.fields.map((f) => f.name)).toEqual(['a', 'b']);
    expect(t.partitionSpec).toEqual({
      specId: 0,
      fields: [
        { fieldId: 1000, name: 'b_month', sourceId: 2, sourceName: 'b', transform: 'month' },
      ],
    });
    expect(t.sortOrder).toEqual({ orderId: 0, fields: [] });
    expect(t.currentSnapshotId).toBeNull();
    expect(t.snapshots).toEqual([]);
    expect(t.refs).toEqual([]);
  });

  it('snapshots without sequence numbers newest first by the list; manifests for a manifest list', () => {
    const t = toCatalogTable(
      ['db'],
      'old',
      v1(
        [
          {
            'snapshot-id': 1,
            'timestamp-ms': 10,
            manifests: ['m1.avro', 'm2.avro'],
            summary: { operation: 'append' },
          },
          {
            'snapshot-id': 2,
            'timestamp-ms': 20,
            'parent-snapshot-id': 1,
            'manifest-list': 'l2.avro',
            summary: { operation: 'overwrite' },
          },
        ],
        2,
      ),
    );
    expect(t.snapshots.map((s) => [s.snapshotId, s.sequenceNumber, s.manifestList])).toEqual([
      ['2', 0, 'l2.avro'],
      ['1', 0, 'm1.avro, m2.avro'],
    ]);
    expect(t.refs).toEqual([{ name: 'main', type: 'branch', snapshotId: '2' }]);
  });

  it('an answer that is not a LoadTableResult: a ShapeError naming where', () => {
    expect(() => toCatalogTable(['db'], 't', { metadata: { 'format-version': 2 } })).toThrow(
      ShapeError,
    );
    expect(() => toCatalogTable(['db'], 't', { nope: 1 })).toThrow(/loadTable answer .*metadata/);
  });
});

describe('toCatalogView', () => {
  const version = (id: number, schemaId: number, sqls: [string, string][]) => ({
    'version-id': id,
    'timestamp-ms': 1000 + id,
    'schema-id': schemaId,
    summary: { 'engine-name': 'trino' },
    representations: sqls.map(([dialect, sql]) => ({ type: 'sql', dialect, sql })),
    'default-namespace': ['db'],
    ...(id === 2 ? { 'default-catalog': 'iceberg' } : {}),
  });
  const v = toCatalogView(
    ['db'],
    'v',
    answer({
      'view-uuid': 'vu',
      'format-version': 1,
      location: 's3://w/v',
      'current-version-id': 2,
      versions: [
        version(1, 0, [['trino', 'SELECT 1 AS x']]),
        version(2, 1, [
          ['trino', 'SELECT x, y FROM t'],
          ['spark', 'SELECT x, y FROM `t`'],
        ]),
      ],
      'version-log': [
        { 'version-id': 1, 'timestamp-ms': 1001 },
        { 'version-id': 2, 'timestamp-ms': 1002 },
      ],
      schemas: [
        {
          type: 'struct',
          'schema-id': 0,
          fields: [{ id: 1, name: 'x', type: 'int', required: false }],
        },
        {
          type: 'struct',
          'schema-id': 1,
          fields: [
            { id: 1, name: 'x', type: 'int', required: false },
            { id: 2, name: 'y', type: 'string', required: false },
          ],
        },
      ],
      properties: { comment: 'two dialects' },
    }),
  );

  it('versions newest first with SQL per dialect', () => {
    expect(v.versions).toEqual([
      {
        versionId: 2,
        timestampMs: 1002,
        schemaId: 1,
        summary: { 'engine-name': 'trino' },
        defaultCatalog: 'iceberg',
        defaultNamespace: ['db'],
        representations: [
          { dialect: 'trino', sql: 'SELECT x, y FROM t' },
          { dialect: 'spark', sql: 'SELECT x, y FROM `t`' },
        ],
      },
      {
        versionId: 1,
        timestampMs: 1001,
        schemaId: 0,
        summary: { 'engine-name': 'trino' },
        defaultCatalog: null,
        defaultNamespace: ['db'],
        representations: [{ dialect: 'trino', sql: 'SELECT 1 AS x' }],
      },
    ]);
    expect(v.versionLog.map((e) => e.versionId)).toEqual([2, 1]);
  });

  it('the current version’s schema and the properties', () => {
    expect(v.currentVersionId).toBe(2);
    expect(v.schema.schemaId).toBe(1);
    expect(v.schema.fields.map((f) => f.name)).toEqual(['x', 'y']);
    expect(v.properties).toEqual({ comment: 'two dialects' });
    expect(v.viewUuid).toBe('vu');
  });
});
