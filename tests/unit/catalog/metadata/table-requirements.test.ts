import { describe, expect, it } from 'vitest';
import { CommitFailedError } from '../../../../src/catalog/errors.js';
import {
  checkTableRequirements,
  type TableRequirement,
} from '../../../../src/catalog/metadata/index.js';
import { UUID, table, tableWithSnapshots } from './fixtures.js';

const base = tableWithSnapshots(); // main -> 2 (branch), t1 -> 1 (tag)

function failure(requirement: TableRequirement): string {
  try {
    checkTableRequirements(base, [requirement]);
  } catch (err) {
    expect(err).toBeInstanceOf(CommitFailedError);
    return (err as Error).message;
  }
  throw new Error('requirement unexpectedly passed');
}

describe('checkTableRequirements', () => {
  it('assert-create passes on a missing table and fails on an existing one', () => {
    expect(() => checkTableRequirements(undefined, [{ type: 'assert-create' }])).not.toThrow();
    expect(failure({ type: 'assert-create' })).toBe('Requirement failed: table already exists');
  });

  it('assert-table-uuid', () => {
    expect(() =>
      checkTableRequirements(base, [{ type: 'assert-table-uuid', uuid: UUID }]),
    ).not.toThrow();
    expect(failure({ type: 'assert-table-uuid', uuid: 'other' })).toBe(
      `Requirement failed: UUID does not match: expected other != ${UUID}`,
    );
  });

  it('assert-ref-snapshot-id on an existing branch and tag', () => {
    expect(() =>
      checkTableRequirements(base, [
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 2 },
        { type: 'assert-ref-snapshot-id', ref: 't1', 'snapshot-id': 1n },
      ]),
    ).not.toThrow();
    expect(failure({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 1 })).toBe(
      'Requirement failed: branch main has changed: expected id 1 != 2',
    );
    expect(failure({ type: 'assert-ref-snapshot-id', ref: 't1', 'snapshot-id': 2 })).toBe(
      'Requirement failed: tag t1 has changed: expected id 2 != 1',
    );
    expect(failure({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null })).toBe(
      'Requirement failed: branch main was created concurrently',
    );
  });

  it('assert-ref-snapshot-id on a missing ref', () => {
    expect(() =>
      checkTableRequirements(base, [
        { type: 'assert-ref-snapshot-id', ref: 'dev', 'snapshot-id': null },
      ]),
    ).not.toThrow();
    expect(failure({ type: 'assert-ref-snapshot-id', ref: 'dev', 'snapshot-id': 5 })).toBe(
      'Requirement failed: branch or tag dev is missing, expected 5',
    );
  });

  it('assert-last-assigned-field-id', () => {
    expect(() =>
      checkTableRequirements(base, [
        { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 5 },
      ]),
    ).not.toThrow();
    expect(failure({ type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 4 })).toBe(
      'Requirement failed: last assigned field id changed: expected id 4 != 5',
    );
  });

  it('assert-current-schema-id', () => {
    expect(() =>
      checkTableRequirements(base, [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }]),
    ).not.toThrow();
    expect(failure({ type: 'assert-current-schema-id', 'current-schema-id': 1 })).toBe(
      'Requirement failed: current schema id changed: expected 1 != 0',
    );
  });

  it('assert-last-assigned-partition-id', () => {
    expect(() =>
      checkTableRequirements(base, [
        { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 },
      ]),
    ).not.toThrow();
    expect(
      failure({ type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 1000 }),
    ).toBe('Requirement failed: last assigned partition id changed: expected id 1000 != 999');
  });

  it('assert-default-spec-id', () => {
    expect(() =>
      checkTableRequirements(base, [{ type: 'assert-default-spec-id', 'default-spec-id': 0 }]),
    ).not.toThrow();
    expect(failure({ type: 'assert-default-spec-id', 'default-spec-id': 3 })).toBe(
      'Requirement failed: default partition spec changed: expected id 3 != 0',
    );
  });

  it('assert-default-sort-order-id', () => {
    expect(() =>
      checkTableRequirements(base, [
        { type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 },
      ]),
    ).not.toThrow();
    expect(failure({ type: 'assert-default-sort-order-id', 'default-sort-order-id': 1 })).toBe(
      'Requirement failed: default sort order changed: expected id 1 != 0',
    );
  });

  it('every requirement but assert-create fails on a missing table', () => {
    expect(() =>
      checkTableRequirements(undefined, [{ type: 'assert-table-uuid', uuid: UUID }]),
    ).toThrow(
      new CommitFailedError('Requirement failed: table does not exist (assert-table-uuid)'),
    );
    expect(() =>
      checkTableRequirements(undefined, [
        { type: 'assert-create' },
        { type: 'assert-current-schema-id', 'current-schema-id': 0 },
      ]),
    ).toThrow(
      new CommitFailedError('Requirement failed: table does not exist (assert-current-schema-id)'),
    );
  });

  it('reports the first failing requirement', () => {
    expect(() =>
      checkTableRequirements(table(), [
        { type: 'assert-current-schema-id', 'current-schema-id': 0 },
        { type: 'assert-default-spec-id', 'default-spec-id': 9 },
        { type: 'assert-table-uuid', uuid: 'x' },
      ]),
    ).toThrow(
      new CommitFailedError(
        'Requirement failed: default partition spec changed: expected id 9 != 0',
      ),
    );
  });
});
