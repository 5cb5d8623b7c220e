/**
 * Commit requirements: one validate function per requirement type, messages as Java's
 * UpdateRequirement words them so clients' logs read the same against any catalog.
 */
import { CommitFailedError } from '../errors.js';
import type { TableMetadata, TableRequirement, TableRequirementType } from './schemas.js';
import { sameId } from './util.js';

type Validator<T extends TableRequirementType> = (
  requirement: Extract<TableRequirement, { type: T }>,
  base: TableMetadata,
) => void;

function fail(message: string): never {
  throw new CommitFailedError(`Requirement failed: ${message}`);
}

const validators: { [T in Exclude<TableRequirementType, 'assert-create'>]: Validator<T> } = {
  'assert-table-uuid': (r, base) => {
    if (r.uuid !== base['table-uuid'])
      fail(`UUID does not match: expected ${r.uuid} != ${base['table-uuid']}`);
  },
  'assert-ref-snapshot-id': (r, base) => {
    const ref = base.refs[r.ref];
    const expected = r['snapshot-id'];
    if (ref) {
      if (expected === null || expected === undefined)
        fail(`${ref.type} ${r.ref} was created concurrently`);
      if (!sameId(expected, ref['snapshot-id'])) {
        fail(`${ref.type} ${r.ref} has changed: expected id ${expected} != ${ref['snapshot-id']}`);
      }
    } else if (expected !== null && expected !== undefined) {
      fail(`branch or tag ${r.ref} is missing, expected ${expected}`);
    }
  },
  'assert-last-assigned-field-id': (r, base) => {
    if (r['last-assigned-field-id'] !== base['last-column-id']) {
      fail(
        `last assigned field id changed: expected id ${r['last-assigned-field-id']} != ${base['last-column-id']}`,
      );
    }
  },
  'assert-current-schema-id': (r, base) => {
    if (r['current-schema-id'] !== base['current-schema-id']) {
      fail(
        `current schema id changed: expected ${r['current-schema-id']} != ${base['current-schema-id']}`,
      );
    }
  },
  'assert-last-assigned-partition-id': (r, base) => {
    if (r['last-assigned-partition-id'] !== base['last-partition-id']) {
      fail(
        `last assigned partition id changed: expected id ${r['last-assigned-partition-id']} != ${base['last-partition-id']}`,
      );
    }
  },
  'assert-default-spec-id': (r, base) => {
    if (r['default-spec-id'] !== base['default-spec-id']) {
      fail(
        `default partition spec changed: expected id ${r['default-spec-id']} != ${base['default-spec-id']}`,
      );
    }
  },
  'assert-default-sort-order-id': (r, base) => {
    if (r['default-sort-order-id'] !== base['default-sort-order-id']) {
      fail(
        `default sort order changed: expected id ${r['default-sort-order-id']} != ${base['default-sort-order-id']}`,
      );
    }
  },
};

/**
 * Throws CommitFailedError for the first requirement `base` does not meet. `base` is undefined
 * when the table does not exist: then only assert-create holds.
 */
export function checkTableRequirements(
  base: TableMetadata | undefined,
  requirements: readonly TableRequirement[],
): void {
  for (const requirement of requirements) {
    if (requirement.type === 'assert-create') {
      if (base !== undefined) fail('table already exists');
      continue;
    }
    if (base === undefined) fail(`table does not exist (${requirement.type})`);
    // The mapped type guarantees the validator matches the requirement's type.
    const validate = validators[requirement.type] as Validator<typeof requirement.type>;
    validate(requirement, base);
  }
}
