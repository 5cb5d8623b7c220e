/**
 * Java's TypeUtil.assignFreshIds (the AssignFreshIds visitor), which TableMetadata.newTableMetadata
 * applies to a create request's schema: a struct numbers its own fields first, in order, then each
 * field's type in turn (depth first); a list numbers its element, a map its key then its value,
 * before descending into them. Ids start at 1.
 */
import type { IcebergType, Schema, StructField } from './schemas.js';

export interface FreshSchema {
  schema: Schema;
  /** Old field id → new field id, for remapping what refers to the schema's fields. */
  ids: Map<number, number>;
  /** The highest id assigned (the table's last-column-id). */
  lastColumnId: number;
}

export function assignFreshIds(schema: Schema, schemaId: number): FreshSchema {
  const ids = new Map<number, number>();
  let last = 0;
  const next = (old: number): number => {
    last += 1;
    ids.set(old, last);
    return last;
  };

  const freshFields = (fields: readonly StructField[]): StructField[] => {
    const newIds = fields.map((f) => next(f.id));
    return fields.map((f, i) => ({ ...f, id: newIds[i] as number, type: freshType(f.type) }));
  };

  const freshType = (type: IcebergType): IcebergType => {
    if (typeof type === 'string') return type;
    switch (type.type) {
      case 'struct':
        return { ...type, fields: freshFields(type.fields) };
      case 'list': {
        const elementId = next(type['element-id']);
        return { ...type, 'element-id': elementId, element: freshType(type.element) };
      }
      case 'map': {
        const keyId = next(type['key-id']);
        const valueId = next(type['value-id']);
        const key = freshType(type.key);
        return { ...type, 'key-id': keyId, 'value-id': valueId, key, value: freshType(type.value) };
      }
    }
  };

  const fields = freshFields(schema.fields);
  const fresh: Schema = { ...schema, fields, 'schema-id': schemaId };
  const identifiers = schema['identifier-field-ids'];
  if (identifiers !== undefined) {
    fresh['identifier-field-ids'] = identifiers.map((id) => ids.get(id) ?? id);
  }
  return { schema: fresh, ids, lastColumnId: last };
}
