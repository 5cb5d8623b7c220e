import type { Int64 } from './schemas.js';

/** Structural equality of JSON-like values, ignoring key order and keys whose value is undefined. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    return (typeof a === 'bigint' || typeof a === 'number') &&
      (typeof b === 'bigint' || typeof b === 'number')
      ? sameId(a, b)
      : false;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keysA = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const keysB = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => k in rb && deepEqual(ra[k], rb[k]));
}

/** Snapshot ids may arrive as number or bigint; compare by value. */
export function sameId(a: Int64 | null | undefined, b: Int64 | null | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return a === b;
  return String(a) === String(b);
}

export function idKey(id: Int64): string {
  return String(id);
}

export function withoutNullish<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as T;
}

export function maxOf(values: Iterable<number>, initial: number): number {
  let max = initial;
  for (const v of values) if (v > max) max = v;
  return max;
}
