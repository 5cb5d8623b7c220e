/** View commit requirements: one validate function per requirement type. */
import { CommitFailedError } from '../errors.js';
import type { ViewMetadata, ViewRequirement } from './schemas.js';

type Validator<T extends ViewRequirement['type']> = (
  requirement: Extract<ViewRequirement, { type: T }>,
  base: ViewMetadata,
) => void;

const validators: { [T in ViewRequirement['type']]: Validator<T> } = {
  'assert-view-uuid': (r, base) => {
    if (r.uuid !== base['view-uuid']) {
      throw new CommitFailedError(
        `Requirement failed: view UUID does not match: expected ${r.uuid} != ${base['view-uuid']}`,
      );
    }
  },
};

/** Throws CommitFailedError for the first requirement `base` does not meet (all fail when the view is missing). */
export function checkViewRequirements(
  base: ViewMetadata | undefined,
  requirements: readonly ViewRequirement[],
): void {
  for (const requirement of requirements) {
    if (base === undefined)
      throw new CommitFailedError(`Requirement failed: view does not exist (${requirement.type})`);
    validators[requirement.type](requirement, base);
  }
}
