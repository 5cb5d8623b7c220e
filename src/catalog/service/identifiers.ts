import { BadRequestError } from '../errors.js';

/** Validates a namespace path: at least one level, no empty level, no control characters. */
export function checkNamespace(namespace: readonly string[]): string[] {
  if (namespace.length === 0)
    throw new BadRequestError('Invalid namespace: it must have at least one level');
  for (const level of namespace) {
    if (typeof level !== 'string' || level.length === 0) {
      throw new BadRequestError(`Invalid namespace ${JSON.stringify(namespace)}: empty level`);
    }
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    if (/[\u0000-\u001f]/.test(level)) {
      throw new BadRequestError(
        `Invalid namespace ${JSON.stringify(namespace)}: control character in a level`,
      );
    }
  }
  return [...namespace];
}

/** Validates a table or view name. */
export function checkName(name: string, what: 'table' | 'view'): string {
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (typeof name !== 'string' || name.length === 0 || /[\u0000-\u001f/]/.test(name)) {
    throw new BadRequestError(
      `Invalid ${what} name ${JSON.stringify(name)}: it must be non-empty, without '/' or control characters`,
    );
  }
  return name;
}

export function formatIdentifier(namespace: readonly string[], name?: string): string {
  return name === undefined ? namespace.join('.') : [...namespace, name].join('.');
}
