/**
 * zod schemas for Iceberg schemas and their (nested) types, as the REST spec serializes them.
 * Objects are loose so that fields a newer client writes survive a round trip through us.
 */
import { z } from 'zod';

/** Primitive types of every format version (v3 ones are rejected for older tables elsewhere). */
export const PLAIN_PRIMITIVES: ReadonlySet<string> = new Set([
  'unknown',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
  'variant',
  'geometry',
  'geography',
]);

// The spec asks readers to accept optional whitespace around parameters and separators.
const FIXED = /^fixed\[\s*\d+\s*\]$/;
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;
const GEOMETRY = /^geometry\(\s*[^,()]+?\s*\)$/;
const GEOGRAPHY = /^geography\(\s*[^,()]+?\s*(,\s*[^,()]+?\s*)?\)$/;

export function isPrimitiveType(type: string): boolean {
  if (
    PLAIN_PRIMITIVES.has(type) ||
    FIXED.test(type) ||
    GEOMETRY.test(type) ||
    GEOGRAPHY.test(type)
  ) {
    return true;
  }
  const decimal = DECIMAL.exec(type);
  return decimal !== null && Number(decimal[1]) <= 38 && Number(decimal[2]) <= Number(decimal[1]);
}

/** Types a v1 or v2 table must not use. */
export function isV3OnlyType(type: string): boolean {
  return (
    ['unknown', 'timestamp_ns', 'timestamptz_ns', 'variant'].includes(type) ||
    type.startsWith('geometry') ||
    type.startsWith('geography')
  );
}

export const primitiveTypeSchema = z.string().refine(isPrimitiveType, {
  error: (issue) => `unknown primitive type ${JSON.stringify(issue.input)}`,
});

export interface StructField {
  id: number;
  name: string;
  type: IcebergType;
  required: boolean;
  doc?: string | undefined;
  'initial-default'?: unknown;
  'write-default'?: unknown;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export interface ListType {
  type: 'list';
  'element-id': number;
  element: IcebergType;
  'element-required': boolean;
}

export interface MapType {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  value: IcebergType;
  'value-required': boolean;
}

export type NestedType = StructType | ListType | MapType;
export type IcebergType = string | NestedType;

const intSchema = z.number().int();

export const structFieldSchema: z.ZodType<StructField> = z.looseObject({
  id: intSchema,
  name: z.string(),
  get type() {
    return typeSchema;
  },
  required: z.boolean(),
  doc: z.string().optional(),
  'initial-default': z.unknown().optional(),
  'write-default': z.unknown().optional(),
});

export const structTypeSchema: z.ZodType<StructType> = z.looseObject({
  type: z.literal('struct'),
  fields: z.array(structFieldSchema),
});

export const listTypeSchema: z.ZodType<ListType> = z.looseObject({
  type: z.literal('list'),
  'element-id': intSchema,
  get element() {
    return typeSchema;
  },
  'element-required': z.boolean(),
});

export const mapTypeSchema: z.ZodType<MapType> = z.looseObject({
  type: z.literal('map'),
  'key-id': intSchema,
  get key() {
    return typeSchema;
  },
  'value-id': intSchema,
  get value() {
    return typeSchema;
  },
  'value-required': z.boolean(),
});

export const typeSchema: z.ZodType<IcebergType> = z.union([
  primitiveTypeSchema,
  structTypeSchema,
  listTypeSchema,
  mapTypeSchema,
]);

export const schemaSchema = z.looseObject({
  type: z.literal('struct'),
  fields: z.array(structFieldSchema),
  'schema-id': intSchema.optional(),
  'identifier-field-ids': z.array(intSchema).optional(),
});
export type Schema = z.infer<typeof schemaSchema>;
