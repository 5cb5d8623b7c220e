import { isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * JSON that keeps 64-bit integers exact. Iceberg snapshot ids are random 63-bit longs, which
 * `JSON.parse` silently rounds; integers beyond 2^53 become bigint here and are written back
 * digit for digit. Everything else parses to the same values `JSON.parse` gives.
 */
function parseNumber(text: string): number | bigint {
  if (isSafeNumber(text)) return Number(text);
  if (/^-?\d+$/.test(text)) return BigInt(text);
  // A non-integer beyond double precision: keep JSON.parse's behaviour.
  return Number(text);
}

export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new TypeError('value cannot be represented as JSON');
  return text;
}
