import { BadRequestError } from '../errors.js';

/**
 * Why a namespace level or an object name cannot be used, or undefined when it can. Levels and
 * names become path segments of derived locations, so `.` and `..` would climb out of the
 * warehouse; control characters (NUL included) corrupt logs and paths.
 */
function problemWith(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty';
  if (name === '.' || name === '..') return `'${name}' is not allowed`;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it holds a control character';
  return undefined;
}

/** Validates a namespace path: at least one level, each non-empty, not `.`/`..`, no control characters. */
export function checkNamespace(namespace: readonly string[]): string[] {
  if (!Array.isArray(namespace) || namespace.length === 0)
    throw new BadRequestError('Invalid namespace: it must have at least one level');
  for (const level of namespace) {
    const problem = problemWith(level);
    if (problem) {
      throw new BadRequestError(
        `Invalid namespace ${JSON.stringify(namespace)}: level ${JSON.stringify(level)} — ${problem}`,
      );
    }
  }
  return [...namespace];
}

/**
 * Validates a table, view or function name. A '/' is allowed, as the spec allows it (Iceberg's Java
 * conformance tests create `tab/le`); derived locations encode it so it never forms a path segment.
 */
export function checkName(name: string, what: 'table' | 'view' | 'function'): string {
  const problem = problemWith(name);
  if (problem) {
    throw new BadRequestError(`Invalid ${what} name ${JSON.stringify(name)}: ${problem}`);
  }
  return name;
}

export function formatIdentifier(namespace: readonly string[], name?: string): string {
  return name === undefined ? namespace.join('.') : [...namespace, name].join('.');
}
