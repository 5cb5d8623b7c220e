import { describe, expect, it } from 'vitest';
import { bindSpec, indexSchema } from '../../../../src/catalog/scan/index.js';
import { DeleteIndex, type PlannedFile } from '../../../../src/catalog/scan/planner.js';
import type { ContentFileRecord } from '../../../../src/catalog/scan/manifests.js';
import type { StructField } from '../../../../src/catalog/metadata/index.js';

const fields: StructField[] = [
  { id: 1, name: 'id', type: 'long', required: false },
  { id: 2, name: 'cat', type: 'string', required: false },
];
const index = indexSchema(fields);
const unpartitioned = bindSpec({ 'spec-id': 0, fields: [] }, index);
const byCat = bindSpec(
  { 'spec-id': 1, fields: [{ 'source-id': 2, name: 'cat', transform: 'identity' }] },
  index,
);

function file(
  path: string,
  content: number,
  partition: Record<string, unknown>,
  extra: Partial<ContentFileRecord> = {},
): ContentFileRecord {
  return {
    content,
    file_path: path,
    file_format: 'PARQUET',
    partition,
    record_count: 10,
    file_size_in_bytes: 100,
    ...extra,
  };
}

const planned = (f: ContentFileRecord, spec = byCat, seq = 1): PlannedFile => ({
  file: f,
  spec,
  seq,
});

describe('DeleteIndex', () => {
  it('applies position deletes with seq >= the data seq, in the same spec and partition', () => {
    const deletes = [
      planned(file('pos-a-3', 1, { cat: 'a' }), byCat, 3),
      planned(file('pos-a-1', 1, { cat: 'a' }), byCat, 1),
      planned(file('pos-a-0', 1, { cat: 'a' }), byCat, 0),
      planned(file('pos-b-3', 1, { cat: 'b' }), byCat, 3),
      planned(file('pos-unpart', 1, {}), unpartitioned, 3),
    ];
    const idx = new DeleteIndex(deletes);
    expect(idx.forDataFile(planned(file('a1', 0, { cat: 'a' }), byCat, 1))).toEqual([0, 1]);
    expect(idx.forDataFile(planned(file('b1', 0, { cat: 'b' }), byCat, 1))).toEqual([3]);
    expect(idx.forDataFile(planned(file('u1', 0, {}), unpartitioned, 1))).toEqual([4]);
    expect(idx.forDataFile(planned(file('n1', 0, { cat: null }), byCat, 1))).toEqual([]);
  });

  it('applies equality deletes only to older data; unpartitioned ones globally', () => {
    const deletes = [
      planned(file('eq-a-2', 2, { cat: 'a' }, { equality_ids: [1] }), byCat, 2),
      planned(file('eq-global-2', 2, {}, { equality_ids: [1] }), unpartitioned, 2),
    ];
    const idx = new DeleteIndex(deletes);
    expect(idx.forDataFile(planned(file('a1', 0, { cat: 'a' }), byCat, 1))).toEqual([0, 1]);
    expect(idx.forDataFile(planned(file('a2', 0, { cat: 'a' }), byCat, 2))).toEqual([]);
    expect(idx.forDataFile(planned(file('b1', 0, { cat: 'b' }), byCat, 1))).toEqual([1]);
  });

  it('narrows position deletes by their file_path bounds and referenced data file', () => {
    const path = 2147483546;
    const bounded = file(
      'pos-bounded',
      1,
      { cat: 'a' },
      {
        lower_bounds: [{ key: path, value: Buffer.from('s3://b/t/data/a1') }],
        upper_bounds: [{ key: path, value: Buffer.from('s3://b/t/data/a1') }],
      },
    );
    const dv = file('dv', 1, { cat: 'a' }, { referenced_data_file: 's3://b/t/data/a2' });
    const idx = new DeleteIndex([planned(bounded, byCat, 5), planned(dv, byCat, 5)]);
    expect(idx.forDataFile(planned(file('s3://b/t/data/a1', 0, { cat: 'a' })))).toEqual([0]);
    expect(idx.forDataFile(planned(file('s3://b/t/data/a2', 0, { cat: 'a' })))).toEqual([1]);
    expect(idx.forDataFile(planned(file('s3://b/t/data/a3', 0, { cat: 'a' })))).toEqual([]);
  });
});
