/**
 * Checks on schemas, partition specs and sort orders that zod's shape checks cannot express:
 * field-id uniqueness, identifier fields, transforms, source ids. All throw BadRequestError.
 */
import { BadRequestError } from '../errors.js';
import type { IcebergType, PartitionSpec, Schema, SortOrder, StructType } from './schemas.js';
import { isV3OnlyType } from './schemas.js';
import { deepEqual } from './util.js';

interface FieldInfo {
  id: number;
  name: string;
  type: IcebergType;
  required: boolean;
  /** Reached only through structs (not through a list element or a map key/value). */
  structPath: boolean;
  /** Every enclosing struct field is required. */
  requiredPath: boolean;
}

/** Every field id in the schema (struct fields, list elements, map keys and values), nested included. */
export function indexFields(schema: Pick<Schema, 'fields'>): FieldInfo[] {
  const out: FieldInfo[] = [];
  const visit = (
    type: IcebergType,
    name: string,
    structPath: boolean,
    requiredPath: boolean,
  ): void => {
    if (typeof type === 'string') return;
    if (type.type === 'struct') {
      visitStruct(type, name, structPath, requiredPath);
    } else if (type.type === 'list') {
      const n = `${name}.element`;
      out.push({
        id: type['element-id'],
        name: n,
        type: type.element,
        required: type['element-required'],
        structPath: false,
        requiredPath: false,
      });
      visit(type.element, n, false, false);
    } else {
      out.push({
        id: type['key-id'],
        name: `${name}.key`,
        type: type.key,
        required: true,
        structPath: false,
        requiredPath: false,
      });
      visit(type.key, `${name}.key`, false, false);
      out.push({
        id: type['value-id'],
        name: `${name}.value`,
        type: type.value,
        required: type['value-required'],
        structPath: false,
        requiredPath: false,
      });
      visit(type.value, `${name}.value`, false, false);
    }
  };
  const visitStruct = (
    struct: Pick<StructType, 'fields'>,
    prefix: string,
    structPath: boolean,
    requiredPath: boolean,
  ): void => {
    for (const field of struct.fields) {
      const name = prefix === '' ? field.name : `${prefix}.${field.name}`;
      out.push({
        id: field.id,
        name,
        type: field.type,
        required: field.required,
        structPath,
        requiredPath,
      });
      visit(field.type, name, structPath, requiredPath && field.required);
    }
  };
  visitStruct(schema, '', true, true);
  return out;
}

export function highestFieldId(schema: Pick<Schema, 'fields'>): number {
  return indexFields(schema).reduce((max, f) => Math.max(max, f.id), 0);
}

export function fieldIds(schema: Pick<Schema, 'fields'>): Set<number> {
  return new Set(indexFields(schema).map((f) => f.id));
}

/** Field ids unique, identifier fields valid, no v3-only types in older tables. */
export function validateSchema(schema: Schema, formatVersion: number): void {
  const fields = indexFields(schema);
  const byId = new Map<number, FieldInfo>();
  for (const field of fields) {
    const clash = byId.get(field.id);
    if (clash) {
      throw new BadRequestError(
        `Invalid schema: field id ${field.id} is used by both ${clash.name} and ${field.name}`,
      );
    }
    byId.set(field.id, field);
    if (formatVersion < 3 && typeof field.type === 'string' && isV3OnlyType(field.type)) {
      throw new BadRequestError(
        `Invalid schema: field ${field.name} has type ${field.type}, which requires format version 3 (table is v${formatVersion})`,
      );
    }
  }
  for (const id of schema['identifier-field-ids'] ?? []) {
    const field = byId.get(id);
    if (!field)
      throw new BadRequestError(`Invalid schema: identifier field id ${id} does not exist`);
    const problem =
      typeof field.type !== 'string'
        ? `not a primitive type`
        : !field.required || !field.requiredPath
          ? `not a required field`
          : !field.structPath
            ? `nested in a list or map`
            : field.type === 'float' || field.type === 'double'
              ? `a float or double field`
              : undefined;
    if (problem)
      throw new BadRequestError(
        `Invalid schema: identifier field ${field.name} (id ${id}) is ${problem}`,
      );
  }
}

const TRANSFORM = /^(identity|year|month|day|hour|void|bucket\[[1-9]\d*\]|truncate\[[1-9]\d*\])$/;

export function isValidTransform(transform: string): boolean {
  return TRANSFORM.test(transform);
}

function sourceIds(field: {
  'source-id'?: number | undefined;
  'source-ids'?: number[] | undefined;
}): number[] {
  return field['source-ids'] ?? (field['source-id'] === undefined ? [] : [field['source-id']]);
}

function checkSources(
  what: string,
  field: {
    'source-id'?: number | undefined;
    'source-ids'?: number[] | undefined;
    transform: string;
  },
  schema: Schema,
): void {
  if (!isValidTransform(field.transform)) {
    throw new BadRequestError(
      `Invalid ${what}: unknown transform ${JSON.stringify(field.transform)}`,
    );
  }
  const fields = new Map(indexFields(schema).map((f) => [f.id, f]));
  for (const id of sourceIds(field)) {
    const source = fields.get(id);
    if (!source) throw new BadRequestError(`Invalid ${what}: source id ${id} is not in the schema`);
    if (typeof source.type !== 'string') {
      throw new BadRequestError(
        `Invalid ${what}: source ${source.name} (id ${id}) is not a primitive type`,
      );
    }
  }
}

export function validatePartitionSpec(spec: PartitionSpec, schema: Schema): void {
  const names = new Set<string>();
  for (const field of spec.fields) {
    if (names.has(field.name))
      throw new BadRequestError(`Invalid partition spec: duplicate field name ${field.name}`);
    names.add(field.name);
    checkSources('partition spec', field, schema);
  }
  const ids = spec.fields.map((f) => f['field-id']).filter((id): id is number => id !== undefined);
  if (new Set(ids).size !== ids.length)
    throw new BadRequestError('Invalid partition spec: duplicate field ids');
}

export function validateSortOrder(order: SortOrder, schema: Schema): void {
  for (const field of order.fields) checkSources('sort order', field, schema);
}

/** Java's PartitionSpec.compatibleWith: same source ids, transforms and names, in order. */
export function sameSpecFields(a: PartitionSpec, b: PartitionSpec): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((fa, i) => {
      const fb = b.fields[i];
      return (
        fb !== undefined &&
        sourceIds(fa).join(',') === sourceIds(fb).join(',') &&
        fa.transform === fb.transform &&
        fa.name === fb.name
      );
    })
  );
}

/** Java's SortOrder.sameOrder: same fields, ignoring the order id. */
export function sameSortFields(a: SortOrder, b: SortOrder): boolean {
  return (
    a.fields.length === b.fields.length &&
    a.fields.every((fa, i) => {
      const fb = b.fields[i];
      return (
        fb !== undefined &&
        sourceIds(fa).join(',') === sourceIds(fb).join(',') &&
        fa.transform === fb.transform &&
        fa.direction === fb.direction &&
        fa['null-order'] === fb['null-order']
      );
    })
  );
}

/** Java's Schema.sameSchema: same struct and same identifier fields, ignoring the schema id. */
export function sameSchema(a: Schema, b: Schema): boolean {
  const ids = (s: Schema) => [...new Set(s['identifier-field-ids'] ?? [])].sort((x, y) => x - y);
  return deepEqual(a.fields, b.fields) && deepEqual(ids(a), ids(b));
}
