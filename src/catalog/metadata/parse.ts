import type { z } from 'zod';
import { BadRequestError } from '../errors.js';

const MAX_REPORTED_ISSUES = 3;

/**
 * Validates `value` and returns the parsed data, or throws a BadRequestError whose message names
 * the JSON path and the problem, e.g.
 * `Invalid commit request: updates[2].action: unknown action "set-foo"`.
 */
export function parseOrBadRequest<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => describeIssue(issue, value));
  const more = result.error.issues.length - problems.length;
  throw new BadRequestError(
    `Invalid ${what}: ${problems.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`,
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const where = formatPath(issue.path);
  if (
    issue.code === 'invalid_union' &&
    'discriminator' in issue &&
    typeof issue.discriminator === 'string'
  ) {
    const actual = valueAt(root, issue.path);
    // The path already ends with the discriminator key (e.g. `updates[2].action`).
    const noun = issue.discriminator === 'action' ? 'action' : `${issue.discriminator}`;
    if (actual === undefined) return `${where}: missing ${noun}`;
    return `${where}: unknown ${noun} ${JSON.stringify(actual)}`;
  }
  return `${where}: ${issue.message}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
