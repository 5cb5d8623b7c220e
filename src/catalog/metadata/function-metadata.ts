/**
 * Function (UDF) metadata as the REST spec's FunctionMetadata describes it, and the invariants
 * every stored function keeps. Pure: no I/O.
 *
 * Every write of a function ends in `checkFunctionMetadata`, so whatever path built the metadata
 * (a create, any mix of updates), what is stored is consistent: canonical definition ids, unique
 * definitions and specific names, a current version that exists, one representation per dialect.
 */
import { BadRequestError } from '../errors.js';
import {
  canonicalDefinitionId,
  canonicalType,
  FunctionTypeError,
  isStructType,
} from './function-types.js';

export const FUNCTION_FORMAT_VERSION = 1;

/** A type string or a nested type object; checked by canonicalType. */
export type FunctionDataType = string | Record<string, unknown>;

export interface FunctionSqlRepresentation {
  type: 'sql';
  dialect: string;
  sql: string;
}

export type OnNullInput = 'return-null' | 'call';

export interface FunctionDefinitionVersion {
  'version-id': number;
  representations: FunctionSqlRepresentation[];
  deterministic?: boolean;
  'on-null-input'?: OnNullInput;
  'timestamp-ms': number;
}

export interface FunctionParameter {
  type: FunctionDataType;
  name: string;
  doc?: string;
}

export type FunctionKind = 'udf' | 'udtf';

export interface FunctionDefinition {
  'definition-id': string;
  'specific-name'?: string;
  parameters: FunctionParameter[];
  'return-type': FunctionDataType;
  'return-nullable'?: boolean;
  versions: FunctionDefinitionVersion[];
  'current-version-id': number;
  'function-type': FunctionKind;
  doc?: string;
}

export interface DefinitionVersionRef {
  'definition-id': string;
  'version-id': number;
}

export interface FunctionDefinitionLogEntry {
  'timestamp-ms': number;
  'definition-versions': DefinitionVersionRef[];
}

export interface FunctionMetadata {
  'function-uuid': string;
  'format-version': typeof FUNCTION_FORMAT_VERSION;
  definitions: FunctionDefinition[];
  'definition-log': FunctionDefinitionLogEntry[];
  location?: string;
  properties?: Record<string, string>;
  secure?: boolean;
  doc?: string;
}

function bad(path: string, message: string): never {
  throw new BadRequestError(`Invalid function: ${path}: ${message}`);
}

/** The canonical text of a type, with FunctionTypeError turned into the request's 400. */
function typeText(type: unknown, path: string): string {
  try {
    return canonicalType(type, path);
  } catch (err) {
    // The message starts with the path of the innermost bad type, which may lie below `path`.
    if (err instanceof FunctionTypeError)
      throw new BadRequestError(`Invalid function: ${err.message}`);
    throw err;
  }
}

/** A definition's canonical id from its parameter types, with type errors as the request's 400. */
export function definitionIdOf(parameters: readonly FunctionParameter[], path: string): string {
  try {
    return canonicalDefinitionId(
      parameters.map((p) => p.type),
      `${path}.parameters`,
    );
  } catch (err) {
    if (err instanceof FunctionTypeError)
      throw new BadRequestError(`Invalid function: ${err.message}`);
    throw err;
  }
}

function checkVersion(version: FunctionDefinitionVersion, path: string): void {
  if (!Number.isSafeInteger(version['version-id']) || version['version-id'] < 1) {
    bad(`${path}.version-id`, 'must be a positive integer');
  }
  if (version.representations.length === 0) {
    bad(`${path}.representations`, 'needs at least one SQL representation');
  }
  const dialects = new Map<string, number>();
  version.representations.forEach((rep, i) => {
    const at = `${path}.representations[${i}]`;
    if (rep.dialect.trim().length === 0)
      bad(`${at}.dialect`, 'must name a SQL dialect, e.g. "trino" or "spark"');
    if (rep.sql.trim().length === 0)
      bad(`${at}.sql`, 'must hold the SQL text of the function body');
    // Dialect names compare case-insensitively: "Spark" and "spark" are the same engine.
    const key = rep.dialect.trim().toLowerCase();
    const first = dialects.get(key);
    if (first !== undefined) {
      bad(
        `${at}.dialect`,
        `dialect ${JSON.stringify(rep.dialect)} already has a representation at representations[${first}]; a version holds at most one per dialect`,
      );
    }
    dialects.set(key, i);
  });
}

function checkDefinition(def: FunctionDefinition, path: string): void {
  const names = new Set<string>();
  def.parameters.forEach((p, i) => {
    if (p.name.length === 0) bad(`${path}.parameters[${i}].name`, 'must be a non-empty string');
    if (names.has(p.name))
      bad(`${path}.parameters[${i}].name`, `duplicate parameter name ${JSON.stringify(p.name)}`);
    names.add(p.name);
  });
  const canonical = definitionIdOf(def.parameters, path);
  if (def['definition-id'] !== canonical) {
    bad(
      `${path}.definition-id`,
      `${JSON.stringify(def['definition-id'])} does not match its parameter types; the canonical id is ${JSON.stringify(canonical)} (omit it and the catalog derives it)`,
    );
  }
  typeText(def['return-type'], `${path}.return-type`);
  if (def['function-type'] === 'udtf' && !isStructType(def['return-type'])) {
    bad(
      `${path}.return-type`,
      'a udtf returns rows: its return-type must be a struct describing them',
    );
  }
  if (def.versions.length === 0) bad(`${path}.versions`, 'needs at least one version');
  const ids = new Set<number>();
  def.versions.forEach((v, i) => {
    checkVersion(v, `${path}.versions[${i}]`);
    if (ids.has(v['version-id']))
      bad(`${path}.versions[${i}].version-id`, `duplicate version-id ${v['version-id']}`);
    ids.add(v['version-id']);
  });
  if (!ids.has(def['current-version-id'])) {
    bad(
      `${path}.current-version-id`,
      `${def['current-version-id']} is not one of its versions (${[...ids].join(', ')})`,
    );
  }
}

/** Throws BadRequestError naming the first inconsistency of `metadata`. */
export function checkFunctionMetadata(metadata: FunctionMetadata): void {
  if (metadata['format-version'] !== FUNCTION_FORMAT_VERSION) {
    bad('format-version', `must be ${FUNCTION_FORMAT_VERSION}`);
  }
  if (metadata.definitions.length === 0) {
    bad('definitions', 'a function needs at least one definition; drop the function instead');
  }
  const ids = new Map<string, number>();
  const specificNames = new Map<string, number>();
  metadata.definitions.forEach((def, i) => {
    const path = `definitions[${i}]`;
    checkDefinition(def, path);
    const sameId = ids.get(def['definition-id']);
    if (sameId !== undefined) {
      bad(
        `${path}.definition-id`,
        `definitions[${sameId}] already has parameter types (${def['definition-id']}); overloads differ in their parameter types`,
      );
    }
    ids.set(def['definition-id'], i);
    const specific = def['specific-name'];
    if (specific !== undefined) {
      if (specific.length === 0) bad(`${path}.specific-name`, 'must be non-empty when given');
      const first = specificNames.get(specific);
      if (first !== undefined) {
        bad(
          `${path}.specific-name`,
          `${JSON.stringify(specific)} is already the specific-name of definitions[${first}]`,
        );
      }
      specificNames.set(specific, i);
    }
  });
  const defs = new Map(metadata.definitions.map((d) => [d['definition-id'], d]));
  metadata['definition-log'].forEach((entry, i) => {
    entry['definition-versions'].forEach((ref, j) => {
      const def = defs.get(ref['definition-id']);
      // A removed definition may still appear in older entries; only the newest must resolve.
      if (i === metadata['definition-log'].length - 1) {
        if (def === undefined)
          bad(
            `definition-log[${i}].definition-versions[${j}]`,
            `no definition ${JSON.stringify(ref['definition-id'])}`,
          );
        if (!def.versions.some((v) => v['version-id'] === ref['version-id'])) {
          bad(
            `definition-log[${i}].definition-versions[${j}]`,
            `definition ${JSON.stringify(ref['definition-id'])} has no version ${ref['version-id']}`,
          );
        }
      }
    });
  });
}

/** The current version of every definition, in definition order: a definition-log entry's content. */
export function currentVersions(
  metadata: Pick<FunctionMetadata, 'definitions'>,
): DefinitionVersionRef[] {
  return metadata.definitions.map((d) => ({
    'definition-id': d['definition-id'],
    'version-id': d['current-version-id'],
  }));
}
