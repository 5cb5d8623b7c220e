import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  currentSnapshot,
  metadataWithOnlyRefs,
  tableIdentifierSchema,
  validateNamespace,
} from '../../../../src/catalog/metadata/index.js';
import { apply, snapshot, table, tableWithSnapshots } from './fixtures.js';

describe('validateNamespace', () => {
  it('accepts non-empty levels', () => {
    expect(() => validateNamespace(['a', 'b c', 'ü'])).not.toThrow();
  });

  it.each<[string[], string]>([
    [[], 'Invalid namespace: must have at least one level'],
    [['a', ''], 'Invalid namespace: level 2 is empty'],
    [['a\u001fb'], 'Invalid namespace: level "a\\u001fb" contains the unit separator (U+001F)'],
  ])('rejects %j', (namespace, message) => {
    expect(() => validateNamespace(namespace)).toThrow(new BadRequestError(message));
  });
});

describe('tableIdentifierSchema', () => {
  it('parses namespace and name', () => {
    expect(tableIdentifierSchema.parse({ namespace: ['db'], name: 't' })).toEqual({
      namespace: ['db'],
      name: 't',
    });
    expect(tableIdentifierSchema.safeParse({ namespace: 'db', name: 't' }).success).toBe(false);
  });
});

describe('currentSnapshot', () => {
  it('returns the snapshot main points at, or undefined', () => {
    const m = tableWithSnapshots();
    expect(currentSnapshot(m)).toEqual(m.snapshots[1]);
    expect(currentSnapshot(table())).toBeUndefined();
    expect(currentSnapshot(table(3))).toBeUndefined();
  });
});

describe('metadataWithOnlyRefs', () => {
  it('keeps only snapshots referenced by a branch or tag', () => {
    const m = apply(tableWithSnapshots(), [
      { action: 'add-snapshot', snapshot: snapshot(3, 3, { 'parent-snapshot-id': 2 }) },
    ]);
    const filtered = metadataWithOnlyRefs(m);
    expect(filtered.snapshots.map((s) => s['snapshot-id'])).toEqual([1, 2]);
    expect({ ...filtered, snapshots: m.snapshots }).toEqual(m);
    expect(m.snapshots).toHaveLength(3);
  });
});
