import type { SqlValue } from '../api.js';

/**
 * A value of Trino's JSON encoding as JSON can carry it to the page. The client parses integers
 * beyond 2^53 to bigint (exact); JSON has no such number, so they travel as their digits.
 * Arrays (Trino's arrays and rows) and objects (maps) are converted element by element.
 */
export function toSqlValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity (Trino sends them as strings anyway).
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      if (Array.isArray(value)) return value.map(toSqlValue);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSqlValue(v)]));
    default:
      return String(value);
  }
}

export const toSqlRows = (rows: readonly unknown[][]): SqlValue[][] =>
  rows.map((row) => row.map(toSqlValue));
