/**
 * Types of function parameters and return values (the REST spec's FunctionDataType), and the
 * canonical text of a type that a definition-id is made of. Pure: no I/O.
 *
 * A type is a string for primitives ("int", "decimal(9,2)") or an object for nested types
 * ({type: list, element}, {type: map, key, value}, {type: struct, fields: [{name, type}]}).
 * The spec asks type strings to carry no spaces or quotes, so none is normalized: "decimal(9, 2)"
 * or "INT" are refused with the spelling to use, and each type has exactly one canonical text.
 */

import { PLAIN_PRIMITIVES } from './types-schema.js';

const DECIMAL = /^decimal\((\d+),(\d+)\)$/;
const FIXED = /^fixed\[(\d+)\]$/;
// CRS and edge-algorithm parameters: identifiers such as srid:4326 or OGC:CRS84, spherical.
const PARAM = '[A-Za-z0-9_:.\\-]+';
const GEOMETRY = new RegExp(`^geometry\\(${PARAM}\\)$`);
const GEOGRAPHY = new RegExp(`^geography\\(${PARAM}(,${PARAM})?\\)$`);

/** Decimal precision is at most 38 digits (Iceberg's table spec). */
export const MAX_DECIMAL_PRECISION = 38;

/**
 * Characters a struct field name may not hold: the canonical text writes `name:type` inside
 * `struct<...>`, separated by commas, so these would make two different types read the same.
 */
// eslint-disable-next-line no-control-regex -- control characters are refused on purpose
const FIELD_NAME_FORBIDDEN = /[,:<>\s"'`\u0000-\u001f\u007f]/;

/** Thrown with the JSON path of the offending type and what to write instead. */
export class FunctionTypeError extends Error {}

function fail(path: string, message: string): never {
  throw new FunctionTypeError(`${path}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a primitive type string is invalid, or undefined when it is valid. */
export function primitiveTypeProblem(type: string): string | undefined {
  if (PLAIN_PRIMITIVES.has(type) || GEOMETRY.test(type) || GEOGRAPHY.test(type)) return undefined;
  if (/[\s"'`]/.test(type)) {
    return `type ${JSON.stringify(type)} holds a space or a quote; write it without (e.g. "decimal(9,2)")`;
  }
  const decimal = DECIMAL.exec(type);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
      return `decimal precision ${precision} is out of range: use 1 to ${MAX_DECIMAL_PRECISION}`;
    }
    if (scale > precision) {
      return `decimal scale ${scale} exceeds its precision ${precision}: use a scale from 0 to ${precision}`;
    }
    if (decimal[1] !== String(precision) || decimal[2] !== String(scale)) {
      return `type ${JSON.stringify(type)} has leading zeros: write decimal(${precision},${scale})`;
    }
    return undefined;
  }
  const fixed = FIXED.exec(type);
  if (fixed) {
    const length = Number(fixed[1]);
    if (length < 1 || fixed[1] !== String(length) || !Number.isSafeInteger(length)) {
      return `fixed length ${JSON.stringify(fixed[1])} must be a positive integer without leading zeros`;
    }
    return undefined;
  }
  const lower = type.toLowerCase();
  if (lower !== type && primitiveTypeProblem(lower) === undefined) {
    return `type ${JSON.stringify(type)} must be lowercase: write ${JSON.stringify(lower)}`;
  }
  if (['list', 'map', 'struct'].includes(type)) {
    return `a ${type} type is an object, e.g. ${NESTED_EXAMPLES[type]}`;
  }
  return `unknown type ${JSON.stringify(type)}: use a primitive (int, long, string, decimal(P,S), fixed[L], ...) or a list, map or struct object`;
}

const NESTED_EXAMPLES: Record<string, string> = {
  list: '{"type":"list","element":"int"}',
  map: '{"type":"map","key":"string","value":"int"}',
  struct: '{"type":"struct","fields":[{"name":"a","type":"int"}]}',
};

/**
 * The canonical text of a type: primitives as written, `list<E>`, `map<K,V>`,
 * `struct<name:T,...>`, without spaces. Throws FunctionTypeError naming `path` for an invalid
 * type. Fields beyond those the UDF spec requires (ids, required flags, docs) are ignored, as the
 * spec says, so they do not change a definition's identity.
 */
export function canonicalType(type: unknown, path: string): string {
  if (typeof type === 'string') {
    const problem = primitiveTypeProblem(type);
    if (problem) fail(path, problem);
    return type;
  }
  if (!isObject(type)) {
    fail(path, 'a type is a string (e.g. "int") or an object with "type" list, map or struct');
  }
  switch (type['type']) {
    case 'list':
      if (!('element' in type)) fail(path, `a list needs "element", e.g. ${NESTED_EXAMPLES.list}`);
      return `list<${canonicalType(type['element'], `${path}.element`)}>`;
    case 'map':
      if (!('key' in type) || !('value' in type)) {
        fail(path, `a map needs "key" and "value", e.g. ${NESTED_EXAMPLES.map}`);
      }
      return `map<${canonicalType(type['key'], `${path}.key`)},${canonicalType(type['value'], `${path}.value`)}>`;
    case 'struct': {
      const fields = type['fields'];
      if (!Array.isArray(fields)) {
        fail(path, `a struct needs a "fields" array, e.g. ${NESTED_EXAMPLES.struct}`);
      }
      const seen = new Set<string>();
      const parts = fields.map((field: unknown, i) => {
        const at = `${path}.fields[${i}]`;
        if (!isObject(field)) fail(at, 'a struct field is an object with "name" and "type"');
        const name = field['name'];
        if (typeof name !== 'string' || name.length === 0)
          fail(`${at}.name`, 'must be a non-empty string');
        if (FIELD_NAME_FORBIDDEN.test(name)) {
          fail(
            `${at}.name`,
            `${JSON.stringify(name)} holds a space, quote, control character or one of , : < >, which the canonical type text cannot carry; rename the field`,
          );
        }
        if (seen.has(name)) fail(`${at}.name`, `duplicate field name ${JSON.stringify(name)}`);
        seen.add(name);
        if (!('type' in field)) fail(at, 'a struct field needs a "type"');
        return `${name}:${canonicalType(field['type'], `${at}.type`)}`;
      });
      return `struct<${parts.join(',')}>`;
    }
    default:
      fail(
        `${path}.type`,
        `${JSON.stringify(type['type'])} is not a nested type: use "list", "map" or "struct"`,
      );
  }
}

/**
 * A definition's identifier: the canonical texts of its parameter types, comma-separated with no
 * spaces (the REST spec's FunctionDefinition.definition-id). "" for a function of no parameters.
 */
export function canonicalDefinitionId(parameterTypes: readonly unknown[], path: string): string {
  return parameterTypes.map((t, i) => canonicalType(t, `${path}[${i}].type`)).join(',');
}

/** Whether a type is a struct: a UDTF returns rows, so its return type must be one. */
export function isStructType(type: unknown): boolean {
  return isObject(type) && type['type'] === 'struct';
}
