import { describe, expect, it } from 'vitest';
import {
  DependencyError,
  startLevels,
  startOrder,
  stopLevels,
} from '../../../../../src/targets/local/supervisor/order.js';

const n = (name: string, ...dependsOn: string[]) => ({ name, dependsOn });

describe('start order from dependsOn', () => {
  it('puts dependencies in earlier levels and keeps input order inside a level', () => {
    const nodes = [
      n('trino-worker-1', 'trino-coordinator'),
      n('trino-coordinator', 'iceberg-catalog'),
      n('prometheus'),
      n('iceberg-catalog', 'minio'),
      n('minio'),
    ];
    expect(startLevels(nodes)).toEqual([
      ['prometheus', 'minio'],
      ['iceberg-catalog'],
      ['trino-coordinator'],
      ['trino-worker-1'],
    ]);
    expect(startOrder(nodes)).toEqual([
      'prometheus',
      'minio',
      'iceberg-catalog',
      'trino-coordinator',
      'trino-worker-1',
    ]);
  });

  it('places a process after its deepest dependency', () => {
    const nodes = [n('a'), n('b', 'a'), n('c', 'a', 'b')];
    expect(startLevels(nodes)).toEqual([['a'], ['b'], ['c']]);
  });

  it('stops dependents before their dependencies', () => {
    expect(stopLevels([n('minio'), n('catalog', 'minio'), n('trino', 'catalog')])).toEqual([
      ['trino'],
      ['catalog'],
      ['minio'],
    ]);
  });

  it('returns nothing for nothing', () => {
    expect(startLevels([])).toEqual([]);
  });

  it('names the cycle', () => {
    const nodes = [n('a', 'c'), n('b', 'a'), n('c', 'b'), n('d')];
    expect(() => startLevels(nodes)).toThrow(DependencyError);
    expect(() => startLevels(nodes)).toThrow('dependency cycle: a → c → b → a');
  });

  it('rejects a process that depends on itself', () => {
    expect(() => startLevels([n('a', 'a')])).toThrow('process "a" depends on itself');
  });

  it('rejects an unknown dependency', () => {
    expect(() => startLevels([n('trino', 'catalog')])).toThrow(
      'process "trino" depends on "catalog", which is not a desired process',
    );
  });

  it('rejects duplicate names', () => {
    expect(() => startLevels([n('a'), n('a')])).toThrow('process "a" is listed twice');
  });
});
