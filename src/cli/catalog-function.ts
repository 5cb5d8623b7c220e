import { readFile } from 'node:fs/promises';
import {
  createFunctionRequestSchema,
  newFunctionMetadata,
  parseOrBadRequest,
  type FunctionMetadata,
} from '../catalog/metadata/index.js';
import { CatalogError } from '../catalog/errors.js';
import { UserError } from '../lib/index.js';
import {
  CatalogClient,
  catalogUrl,
  encodeName,
  encodeNamespace,
  parseNamespace,
} from './catalog-client.js';

/**
 * `lakehouse catalog function list|show|create|drop`: functions (UDFs) in a running catalog,
 * through its REST API (the spec's listFunctions and loadFunction, the catalog's own create and
 * drop). Each command gathers its inputs, talks to the catalog, and returns what it rendered, so
 * `--output json` prints the same object.
 */

export interface FunctionFlags {
  url?: string;
  warehouse?: string;
  output: 'text' | 'json';
}

const write = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

function client(flags: FunctionFlags): CatalogClient {
  return new CatalogClient(catalogUrl(flags.url), flags.warehouse);
}

const show = (namespace: string[], name?: string): string =>
  [...namespace, ...(name === undefined ? [] : [name])].join('.');

/** `int,decimal(9,2)` as the signature people read: `(int, decimal(9,2))`. */
export function signature(definitionId: string): string {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < definitionId.length; i++) {
    const ch = definitionId[i];
    if (ch === '<' || ch === '(') depth++;
    else if (ch === '>' || ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(definitionId.slice(start, i));
      start = i + 1;
    }
  }
  if (definitionId.length > 0) parts.push(definitionId.slice(start));
  return `(${parts.join(', ')})`;
}

export async function listFunctions(
  namespaceText: string,
  flags: FunctionFlags,
): Promise<string[][]> {
  const namespace = parseNamespace(namespaceText);
  const catalog = client(flags);
  const identifiers: string[][] = [];
  let token: string | undefined;
  do {
    const query = token === undefined ? '' : `?pageToken=${encodeURIComponent(token)}`;
    const res = await catalog.request(
      'GET',
      `namespaces/${encodeNamespace(namespace)}/functions${query}`,
    );
    if (res.status !== 200) {
      throw catalog.failure(
        res,
        `cannot list functions in ${show(namespace)}`,
        'check the namespace (`lakehouse catalog function list <namespace>`)',
      );
    }
    const page = res.body as { identifiers: string[][]; 'next-page-token'?: string | null };
    identifiers.push(...page.identifiers);
    token = page['next-page-token'] ?? undefined;
  } while (token !== undefined);
  if (flags.output === 'json') write(JSON.stringify({ identifiers }, null, 2));
  else if (identifiers.length === 0) write(`ℹ no functions in ${show(namespace)}`);
  else for (const id of identifiers) write(id.join('.'));
  return identifiers;
}

async function load(catalog: CatalogClient, namespace: string[], name: string) {
  return catalog.request(
    'GET',
    `namespaces/${encodeNamespace(namespace)}/functions/${encodeName(name, 'function')}`,
  );
}

/** One line per definition: signature, return type, kind, current version, dialects. */
export function describeFunction(id: string, metadata: FunctionMetadata): string[] {
  const lines = [`${id}${metadata.doc ? ` — ${metadata.doc}` : ''}`];
  for (const d of metadata.definitions) {
    const current = d.versions.find((v) => v['version-id'] === d['current-version-id']);
    const dialects = current?.representations.map((r) => r.dialect).join(', ') ?? '';
    const returns =
      typeof d['return-type'] === 'string' ? d['return-type'] : String(d['return-type']['type']);
    lines.push(
      `  ${signature(d['definition-id'])} → ${returns}  ${d['function-type']}  version ${d['current-version-id']} of ${d.versions.length}  ${dialects}${d['specific-name'] ? `  [${d['specific-name']}]` : ''}`,
    );
  }
  return lines;
}

export async function showFunction(
  namespaceText: string,
  name: string,
  flags: FunctionFlags,
): Promise<FunctionMetadata> {
  const namespace = parseNamespace(namespaceText);
  const catalog = client(flags);
  const res = await load(catalog, namespace, name);
  if (res.status !== 200) {
    throw catalog.failure(
      res,
      `cannot load function ${show(namespace, name)}`,
      `\`lakehouse catalog function list ${show(namespace)}\` lists its functions`,
    );
  }
  const metadata = (res.body as { metadata: FunctionMetadata }).metadata;
  if (flags.output === 'json') write(JSON.stringify(res.body, null, 2));
  else for (const line of describeFunction(show(namespace, name), metadata)) write(line);
  return metadata;
}

export interface CreateFlags extends FunctionFlags {
  file: string;
  dryRun?: boolean;
}

/** The request in `file`, checked here first: a dry run finds what the catalog would refuse. */
async function readCreateRequest(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read ${file}: ${(err as Error).message}`,
      'pass a JSON create-function request with --file',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${file} is not JSON: ${(err as Error).message}`,
      'pass a JSON create-function request with --file',
    );
  }
  try {
    const request = parseOrBadRequest(createFunctionRequestSchema, json, 'create function request');
    // Derives definition ids and checks every rule the catalog checks; the uuid is a placeholder.
    const metadata = newFunctionMetadata(request, {
      nowMs: Date.now(),
      functionUuid: '00000000-0000-0000-0000-000000000000',
    });
    return { json, request, metadata };
  } catch (err) {
    if (err instanceof CatalogError)
      throw new UserError(`${file}: ${err.message}`, 'fix the request and run again');
    throw err;
  }
}

export async function createFunction(
  namespaceText: string,
  flags: CreateFlags,
): Promise<{ created: boolean; definitions: string[] }> {
  const namespace = parseNamespace(namespaceText);
  const { json, request, metadata } = await readCreateRequest(flags.file);
  const id = show(namespace, request.name);
  encodeName(request.name, 'function');
  const definitions = metadata.definitions.map((d) => signature(d['definition-id']));
  const catalog = client(flags);
  const existing = await load(catalog, namespace, request.name);
  if (existing.status === 200) {
    throw new UserError(
      `function ${id} already exists`,
      `drop it first (\`lakehouse catalog function drop ${show(namespace)} ${request.name}\`) to replace it`,
    );
  }
  const missing = (existing.body as { error?: { type?: string } } | undefined)?.error?.type;
  if (existing.status !== 404 || missing !== 'NoSuchFunctionException') {
    throw catalog.failure(
      existing,
      `cannot create function ${id}`,
      `create the namespace first, or check --warehouse`,
    );
  }
  const result = { created: false, definitions };
  if (flags.dryRun) {
    if (flags.output === 'json') write(JSON.stringify({ ...result, dryRun: true }));
    else
      write(
        `ℹ dry run: would create function ${id} with ${definitions.join(', ')}; nothing changed`,
      );
    return result;
  }
  const res = await catalog.request(
    'POST',
    `namespaces/${encodeNamespace(namespace)}/functions`,
    json,
  );
  if (res.status !== 200)
    throw catalog.failure(res, `cannot create function ${id}`, 'fix the request and run again');
  result.created = true;
  if (flags.output === 'json') write(JSON.stringify(result));
  else write(`✔ created function ${id} with ${definitions.join(', ')}`);
  return result;
}

export interface DropFlags extends FunctionFlags {
  dryRun?: boolean;
}

/** Idempotent: a function that is not there is reported, not an error. */
export async function dropFunction(
  namespaceText: string,
  name: string,
  flags: DropFlags,
): Promise<{ dropped: boolean }> {
  const namespace = parseNamespace(namespaceText);
  const id = show(namespace, name);
  const catalog = client(flags);
  const existing = await load(catalog, namespace, name);
  const type = (existing.body as { error?: { type?: string } } | undefined)?.error?.type;
  if (existing.status === 404 && type === 'NoSuchFunctionException') {
    if (flags.output === 'json') write(JSON.stringify({ dropped: false }));
    else write(`ℹ function ${id} does not exist, nothing to drop`);
    return { dropped: false };
  }
  if (existing.status !== 200)
    throw catalog.failure(
      existing,
      `cannot drop function ${id}`,
      'check the namespace and --warehouse',
    );
  if (flags.dryRun) {
    const count = (existing.body as { metadata: FunctionMetadata }).metadata.definitions.length;
    if (flags.output === 'json') write(JSON.stringify({ dropped: false, dryRun: true }));
    else
      write(
        `ℹ dry run: would drop function ${id} (${count} definition${count === 1 ? '' : 's'}); nothing changed`,
      );
    return { dropped: false };
  }
  const res = await catalog.request(
    'DELETE',
    `namespaces/${encodeNamespace(namespace)}/functions/${encodeName(name, 'function')}`,
  );
  if (res.status !== 204 && res.status !== 404)
    throw catalog.failure(res, `cannot drop function ${id}`, 'run it again');
  if (flags.output === 'json') write(JSON.stringify({ dropped: res.status === 204 }));
  else
    write(
      res.status === 204
        ? `✔ dropped function ${id}`
        : `ℹ function ${id} does not exist, nothing to drop`,
    );
  return { dropped: res.status === 204 };
}
