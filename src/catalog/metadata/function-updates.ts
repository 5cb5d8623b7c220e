/**
 * Creating and changing functions: the catalog's own request bodies for the write operations
 * the REST spec leaves out (it defines only listFunctions and loadFunction), and the pure
 * functions that turn them into new FunctionMetadata. No I/O.
 *
 * Requests are strict objects: a misspelled field ("return_type") is a 400 naming it, not a
 * field silently dropped. Version ids, timestamps, the uuid and the definition log are the
 * catalog's to assign; a definition-id may be given, and must then be the canonical one.
 */
import { z } from 'zod';
import { AlreadyExistsError, BadRequestError } from '../errors.js';
import {
  checkFunctionMetadata,
  currentVersions,
  definitionIdOf,
  FUNCTION_FORMAT_VERSION,
  type FunctionDefinition,
  type FunctionDefinitionVersion,
  type FunctionMetadata,
} from './function-metadata.js';

/** Shape only; canonicalType checks the type itself with the spec's rules. */
const dataTypeSchema = z.union([z.string(), z.looseObject({ type: z.string() })]);

const representationSchema = z.strictObject({
  type: z.literal('sql'),
  dialect: z.string(),
  sql: z.string(),
});

export const functionVersionInputSchema = z.strictObject({
  representations: z.array(representationSchema).min(1, 'needs at least one SQL representation'),
  deterministic: z.boolean().optional(),
  'on-null-input': z.enum(['return-null', 'call']).optional(),
});
export type FunctionVersionInput = z.infer<typeof functionVersionInputSchema>;

export const functionDefinitionInputSchema = z.strictObject({
  'definition-id': z.string().optional(),
  'specific-name': z.string().optional(),
  parameters: z.array(
    z.strictObject({ name: z.string(), type: dataTypeSchema, doc: z.string().optional() }),
  ),
  'return-type': dataTypeSchema,
  'return-nullable': z.boolean().optional(),
  'function-type': z.enum(['udf', 'udtf']).default('udf'),
  doc: z.string().optional(),
  version: functionVersionInputSchema,
});
export type FunctionDefinitionInput = z.infer<typeof functionDefinitionInputSchema>;

const stringMap = z.record(z.string(), z.string());

export const createFunctionRequestSchema = z.strictObject({
  name: z.string(),
  definitions: z.array(functionDefinitionInputSchema).min(1, 'needs at least one definition'),
  properties: stringMap.optional(),
  secure: z.boolean().optional(),
  doc: z.string().optional(),
});
export type CreateFunctionRequest = z.infer<typeof createFunctionRequestSchema>;

const definitionId = z.string();

export const functionUpdateSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('add-definition'),
    definition: functionDefinitionInputSchema,
  }),
  z.strictObject({
    action: z.literal('add-definition-version'),
    'definition-id': definitionId,
    version: functionVersionInputSchema,
  }),
  z.strictObject({
    action: z.literal('set-current-version'),
    'definition-id': definitionId,
    'version-id': z.number().int(),
  }),
  z.strictObject({ action: z.literal('remove-definition'), 'definition-id': definitionId }),
  z.strictObject({ action: z.literal('set-properties'), updates: stringMap }),
  z.strictObject({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
]);
export type FunctionUpdate = z.infer<typeof functionUpdateSchema>;

export const updateFunctionRequestSchema = z.strictObject({
  updates: z.array(functionUpdateSchema).min(1, 'needs at least one update'),
});
export type UpdateFunctionRequest = z.infer<typeof updateFunctionRequestSchema>;

export interface FunctionContext {
  nowMs: number;
}

function newVersion(
  input: FunctionVersionInput,
  versionId: number,
  nowMs: number,
): FunctionDefinitionVersion {
  return {
    'version-id': versionId,
    representations: input.representations.map((r) => ({ ...r })),
    ...(input.deterministic === undefined ? {} : { deterministic: input.deterministic }),
    ...(input['on-null-input'] === undefined ? {} : { 'on-null-input': input['on-null-input'] }),
    'timestamp-ms': nowMs,
  };
}

/** A new definition at version 1; its id is derived, and a given one must equal it. */
function newDefinition(
  input: FunctionDefinitionInput,
  path: string,
  nowMs: number,
): FunctionDefinition {
  const id = definitionIdOf(input.parameters, path);
  const given = input['definition-id'];
  if (given !== undefined && given !== id) {
    throw new BadRequestError(
      `Invalid function: ${path}.definition-id: ${JSON.stringify(given)} does not match its parameter types; the canonical id is ${JSON.stringify(id)} (omit it and the catalog derives it)`,
    );
  }
  return {
    'definition-id': id,
    ...(input['specific-name'] === undefined ? {} : { 'specific-name': input['specific-name'] }),
    parameters: input.parameters.map((p) => ({ ...p })),
    'return-type': input['return-type'],
    ...(input['return-nullable'] === undefined
      ? {}
      : { 'return-nullable': input['return-nullable'] }),
    versions: [newVersion(input.version, 1, nowMs)],
    'current-version-id': 1,
    'function-type': input['function-type'],
    ...(input.doc === undefined ? {} : { doc: input.doc }),
  };
}

/** The metadata of a new function; throws BadRequestError for an invalid request. */
export function newFunctionMetadata(
  request: CreateFunctionRequest,
  ctx: FunctionContext & { functionUuid: string },
): FunctionMetadata {
  const definitions = request.definitions.map((d, i) =>
    newDefinition(d, `definitions[${i}]`, ctx.nowMs),
  );
  const metadata: FunctionMetadata = {
    'function-uuid': ctx.functionUuid,
    'format-version': FUNCTION_FORMAT_VERSION,
    definitions,
    'definition-log': [
      { 'timestamp-ms': ctx.nowMs, 'definition-versions': currentVersions({ definitions }) },
    ],
    ...(request.properties === undefined ? {} : { properties: { ...request.properties } }),
    ...(request.secure === undefined ? {} : { secure: request.secure }),
    ...(request.doc === undefined ? {} : { doc: request.doc }),
  };
  checkFunctionMetadata(metadata);
  return metadata;
}

function findDefinition(
  definitions: FunctionDefinition[],
  id: string,
  path: string,
): FunctionDefinition {
  const def = definitions.find((d) => d['definition-id'] === id);
  if (!def) {
    const known = definitions.map((d) => JSON.stringify(d['definition-id'])).join(', ');
    throw new BadRequestError(
      `Invalid function update: ${path}: no definition with definition-id ${JSON.stringify(id)} (the function has ${known})`,
    );
  }
  return def;
}

type Handler<A extends FunctionUpdate['action']> = (
  m: FunctionMetadata,
  u: Extract<FunctionUpdate, { action: A }>,
  path: string,
  ctx: FunctionContext,
) => FunctionMetadata;

/** One handler per action, so the compiler says when an action has none. */
const HANDLERS: { [A in FunctionUpdate['action']]: Handler<A> } = {
  'add-definition': (m, u, path, ctx) => {
    const def = newDefinition(u.definition, `${path}.definition`, ctx.nowMs);
    if (m.definitions.some((d) => d['definition-id'] === def['definition-id'])) {
      throw new AlreadyExistsError(
        `Function definition already exists: parameter types (${def['definition-id']}); add a version to it with add-definition-version`,
      );
    }
    return { ...m, definitions: [...m.definitions, def] };
  },
  'add-definition-version': (m, u, path, ctx) => {
    const def = findDefinition(m.definitions, u['definition-id'], `${path}.definition-id`);
    const id = Math.max(...def.versions.map((v) => v['version-id'])) + 1;
    const updated: FunctionDefinition = {
      ...def,
      versions: [...def.versions, newVersion(u.version, id, ctx.nowMs)],
      'current-version-id': id,
    };
    return { ...m, definitions: m.definitions.map((d) => (d === def ? updated : d)) };
  },
  'set-current-version': (m, u, path) => {
    const def = findDefinition(m.definitions, u['definition-id'], `${path}.definition-id`);
    if (!def.versions.some((v) => v['version-id'] === u['version-id'])) {
      throw new BadRequestError(
        `Invalid function update: ${path}.version-id: definition (${def['definition-id']}) has no version ${u['version-id']} (it has ${def.versions.map((v) => v['version-id']).join(', ')})`,
      );
    }
    if (def['current-version-id'] === u['version-id']) return m;
    const updated = { ...def, 'current-version-id': u['version-id'] };
    return { ...m, definitions: m.definitions.map((d) => (d === def ? updated : d)) };
  },
  'remove-definition': (m, u, path) => {
    const def = findDefinition(m.definitions, u['definition-id'], `${path}.definition-id`);
    return { ...m, definitions: m.definitions.filter((d) => d !== def) };
  },
  'set-properties': (m, u) => {
    const current = m.properties ?? {};
    // Setting what is already set is no change: no new row version.
    if (
      Object.entries(u.updates).every(([k, v]) => Object.hasOwn(current, k) && current[k] === v)
    ) {
      return m;
    }
    return { ...m, properties: { ...(m.properties ?? {}), ...u.updates } };
  },
  'remove-properties': (m, u) => {
    const properties = { ...(m.properties ?? {}) };
    let changed = false;
    for (const key of u.removals) {
      if (Object.hasOwn(properties, key)) {
        delete properties[key];
        changed = true;
      }
    }
    return changed ? { ...m, properties } : m;
  },
};

/**
 * Applies `updates` in order and returns the new metadata, or `base` itself when nothing changed.
 * A change of any definition's current version appends a definition-log entry. Throws
 * BadRequestError (or AlreadyExistsError for a definition that exists) and leaves `base` as is.
 */
export function applyFunctionUpdates(
  base: FunctionMetadata,
  updates: readonly FunctionUpdate[],
  ctx: FunctionContext,
): FunctionMetadata {
  let m = base;
  updates.forEach((u, i) => {
    const handler = HANDLERS[u.action] as Handler<typeof u.action>;
    m = handler(m, u, `updates[${i}]`, ctx);
  });
  if (m === base) return base;
  const now = currentVersions(m);
  const last = m['definition-log'][m['definition-log'].length - 1]?.['definition-versions'] ?? [];
  if (JSON.stringify(now) !== JSON.stringify(last)) {
    m = {
      ...m,
      'definition-log': [
        ...m['definition-log'],
        { 'timestamp-ms': ctx.nowMs, 'definition-versions': now },
      ],
    };
  }
  checkFunctionMetadata(m);
  return m;
}
