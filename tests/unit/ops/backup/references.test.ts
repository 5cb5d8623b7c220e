import { describe, expect, it } from 'vitest';
import { missingReferences, type TableCheck } from '../../../../src/ops/backup/index.js';

const table = (name: string, files: string[]): TableCheck => ({
  namespace: ['demo'],
  name,
  metadataLocation: files[0] as string,
  requiredFiles: files,
});

describe('files the catalog snapshot references, against the copied objects', () => {
  const copied = new Set([
    'lakehouse/demo/orders/metadata/00001.metadata.json',
    'lakehouse/demo/orders/metadata/snap-1.avro',
  ]);

  it('nothing is missing when every file was copied', () => {
    const t = table('orders', [
      's3://warehouse/lakehouse/demo/orders/metadata/00001.metadata.json',
      's3://warehouse/lakehouse/demo/orders/metadata/snap-1.avro',
    ]);
    expect(missingReferences([t], 'warehouse', copied)).toEqual([]);
  });

  it('names each missing file with its table, and files outside the bucket', () => {
    const tables = [
      table('orders', [
        's3://warehouse/lakehouse/demo/orders/metadata/00001.metadata.json',
        's3://warehouse/lakehouse/demo/orders/metadata/snap-2.avro',
      ]),
      table('other', ['s3://elsewhere/x.metadata.json', 'file:///tmp/y.metadata.json']),
    ];
    expect(missingReferences(tables, 'warehouse', copied)).toEqual([
      'demo.orders: s3://warehouse/lakehouse/demo/orders/metadata/snap-2.avro',
      'demo.other: s3://elsewhere/x.metadata.json',
      'demo.other: file:///tmp/y.metadata.json',
    ]);
  });
});
