import type { IcebergType, Schema } from '../../catalog/metadata/index.js';
import type { CatalogField, CatalogSchema } from '../api.js';

/**
 * Iceberg's type as a person reads it: primitives in their canonical spelling (the spec lets
 * writers put spaces anywhere in `decimal( 12,2 )`), nested types by their shape.
 */
export function typeText(type: IcebergType): string {
  if (typeof type === 'string') {
    const decimal = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
    if (decimal) return `decimal(${decimal[1]}, ${decimal[2]})`;
    const fixed = /^fixed\[\s*(\d+)\s*\]$/.exec(type);
    if (fixed) return `fixed[${fixed[1]}]`;
    return type;
  }
  switch (type.type) {
    case 'struct':
      return 'struct';
    case 'list':
      return `list<${typeText(type.element)}>`;
    case 'map':
      return `map<${typeText(type.key)}, ${typeText(type.value)}>`;
  }
}

interface Child {
  id: number;
  name: string;
  type: IcebergType;
  required: boolean;
  doc?: string | undefined;
}

/** A nested type's children as fields: a struct's fields, a list's element, a map's key and value. */
function childrenOf(type: IcebergType): Child[] {
  if (typeof type === 'string') return [];
  switch (type.type) {
    case 'struct':
      return type.fields;
    case 'list':
      return [
        {
          id: type['element-id'],
          name: 'element',
          type: type.element,
          required: type['element-required'],
        },
      ];
    case 'map':
      return [
        // A map's keys are always required (the spec has no key-required).
        { id: type['key-id'], name: 'key', type: type.key, required: true },
        { id: type['value-id'], name: 'value', type: type.value, required: type['value-required'] },
      ];
  }
}

/** Every field depth-first, each followed by its children one level deeper. */
export function flattenFields(fields: readonly Child[]): CatalogField[] {
  const out: CatalogField[] = [];
  const walk = (children: readonly Child[], depth: number, prefix: string): void => {
    for (const f of children) {
      const path = prefix === '' ? f.name : `${prefix}.${f.name}`;
      out.push({
        id: f.id,
        name: f.name,
        path,
        depth,
        type: typeText(f.type),
        required: f.required,
        ...(f.doc !== undefined ? { doc: f.doc } : {}),
      });
      walk(childrenOf(f.type), depth + 1, path);
    }
  };
  walk(fields, 0, '');
  return out;
}

export function toCatalogSchema(schema: Schema): CatalogSchema {
  return {
    schemaId: schema['schema-id'] ?? 0,
    identifierFieldIds: schema['identifier-field-ids'] ?? [],
    fields: flattenFields(schema.fields),
  };
}

/** A field id's dotted path in the schema; "" when the schema has no such field (it was dropped). */
export function fieldPath(schema: CatalogSchema, id: number): string {
  return schema.fields.find((f) => f.id === id)?.path ?? '';
}
