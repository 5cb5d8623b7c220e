import { describe, expect, it } from 'vitest';
import {
  bindSpec,
  contentFileJson,
  indexSchema,
  scanTasksJson,
} from '../../../../src/catalog/scan/index.js';
import type { ContentFileRecord } from '../../../../src/catalog/scan/manifests.js';
import type { PlannedFile } from '../../../../src/catalog/scan/planner.js';
import { stringifyJson } from '../../../../src/lib/index.js';
import type { StructField } from '../../../../src/catalog/metadata/index.js';

const fields: StructField[] = [
  { id: 1, name: 'big', type: 'long', required: false },
  { id: 2, name: 'ts', type: 'timestamp', required: false },
  { id: 3, name: 'price', type: 'decimal(9,2)', required: false },
];
const index = indexSchema(fields);
const spec = bindSpec(
  {
    'spec-id': 3,
    fields: [
      { 'source-id': 1, name: 'big', transform: 'identity' },
      { 'source-id': 2, name: 'ts_day', transform: 'day' },
      { 'source-id': 2, name: 'ts_hour', transform: 'hour' },
      { 'source-id': 3, name: 'price', transform: 'identity' },
    ],
  },
  index,
);

const longBytes = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(v);
  return b;
};

function file(content: number, path: string, extra: Partial<ContentFileRecord> = {}): PlannedFile {
  return {
    spec,
    seq: 1,
    file: {
      content,
      file_path: path,
      file_format: 'PARQUET',
      partition: {
        big: 9007199254740993n,
        ts_day: 19723,
        ts_hour: 473352,
        price: Buffer.from([0x04, 0xd2]),
      },
      record_count: 3,
      file_size_in_bytes: 100,
      lower_bounds: [{ key: 1, value: longBytes(9007199254740993n) }],
      upper_bounds: [{ key: 1, value: longBytes(9007199254740995n) }],
      value_counts: [{ key: 1, value: 3 }],
      ...extra,
    },
  };
}

describe('serialization', () => {
  it('writes partition values in single-value JSON, 64-bit values exact', () => {
    const json = contentFileJson(file(0, 's3://b/d1.parquet'), []);
    expect(json).toMatchObject({
      'spec-id': 3,
      content: 'data',
      'file-format': 'parquet',
      partition: [9007199254740993n, '2024-01-01', 473352, '12.34'],
    });
    expect(json['lower-bounds']).toBeUndefined();
    expect(stringifyJson(json)).toContain(
      '"partition":[9007199254740993,"2024-01-01",473352,"12.34"]',
    );
  });

  it('sends statistics of the requested columns only', () => {
    const json = contentFileJson(file(0, 's3://b/d1.parquet'), [index.byId.get(1)!]);
    expect(json['lower-bounds']).toEqual({ keys: [1], values: [9007199254740993n] });
    expect(json['upper-bounds']).toEqual({ keys: [1], values: [9007199254740995n] });
    expect(json['value-counts']).toEqual({ keys: [1], values: [3] });
    expect(
      contentFileJson(file(0, 's3://b/d1.parquet'), [index.byId.get(3)!])['lower-bounds'],
    ).toBeUndefined();
  });

  it('lists each delete file once per response and refers to it by index', () => {
    const deletes = [
      file(1, 's3://b/pos.parquet'),
      file(2, 's3://b/eq.parquet', { equality_ids: [1] }),
    ];
    const tasks = [
      { ...file(0, 's3://b/d1.parquet'), deletes: [1] },
      { ...file(0, 's3://b/d2.parquet'), deletes: [0, 1] },
      { ...file(0, 's3://b/d3.parquet'), deletes: [] },
    ];
    const out = scanTasksJson(tasks, deletes, []);
    expect(out['delete-files']).toMatchObject([
      { content: 'equality-deletes', 'file-path': 's3://b/eq.parquet', 'equality-ids': [1] },
      { content: 'position-deletes', 'file-path': 's3://b/pos.parquet' },
    ]);
    expect(
      out['file-scan-tasks'].map((t) => (t as Record<string, unknown>)['delete-file-references']),
    ).toEqual([[0], [1, 0], undefined]);
  });
});
