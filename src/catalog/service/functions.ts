import { setTimeout as sleep } from 'node:timers/promises';
import { CommitFailedError, NoSuchFunctionError, catalogErrors } from '../errors.js';
import {
  applyFunctionUpdates,
  newFunctionMetadata,
  type CreateFunctionRequest,
  type FunctionMetadata,
  type FunctionUpdate,
} from '../metadata/index.js';
import { parseJson, stringifyJson } from '../../lib/index.js';
import type { FunctionRecord, PageRequest } from '../store/index.js';
import { backoffMs } from './commit.js';
import type { CatalogContext, IdempotencyContext } from './context.js';
import { checkName, checkNamespace, formatIdentifier } from './identifiers.js';
import { requireNamespace, type ObjectIdentifier } from './objects.js';

/**
 * Functions (UDFs). The spec's listFunctions and loadFunction, and the catalog's own create,
 * update and drop (the spec defines no write operations for functions).
 *
 * A function's metadata lives in the catalog database only, not in a metadata file: the spec
 * makes `metadata-location` optional, nothing reads function metadata files (there is no
 * register-function), and without a file a write is one database statement with nothing to clean
 * up when it fails. Function names are their own: a function may share its name with a table or
 * a view, as SQL engines resolve functions and relations apart.
 */

/** Lost compare-and-swaps retried before a 409; each round lets about one contender through. */
const MAX_ATTEMPTS = 20;

/** LoadFunctionResult, without re-serializing metadata that is already JSON text. */
function loadResultJson(metadataJson: string): string {
  return `{"metadata":${metadataJson}}`;
}

export class FunctionService {
  constructor(private readonly ctx: CatalogContext) {}

  /** ListFunctionsResponse: identifiers are the namespace levels followed by the name. */
  async list(warehouse: string, namespace: string[], page: PageRequest) {
    const ns = checkNamespace(namespace);
    const result = await this.ctx.store.listFunctions(warehouse, ns, page);
    return {
      identifiers: result.items.map((name) => [...ns, name]),
      'next-page-token': result.nextPageToken,
    };
  }

  async load(warehouse: string, id: ObjectIdentifier): Promise<string> {
    return loadResultJson((await this.require(warehouse, id)).metadataJson);
  }

  async create(
    warehouse: string,
    namespace: string[],
    request: CreateFunctionRequest,
    idem?: IdempotencyContext,
  ): Promise<string> {
    const ns = checkNamespace(namespace);
    const name = checkName(request.name, 'function');
    await requireNamespace(this.ctx, warehouse, ns);
    const metadata = newFunctionMetadata(request, {
      nowMs: this.ctx.now(),
      functionUuid: this.ctx.newUuid(),
    });
    const metadataJson = stringifyJson(metadata);
    const body = loadResultJson(metadataJson);
    await this.ctx.store.createFunction(
      warehouse,
      { namespace: ns, name, metadataJson },
      idem && { key: idem.key, response: { status: 200, body } },
    );
    return body;
  }

  /**
   * Applies `updates` to the current metadata and swaps it in if no other update came first;
   * a lost swap is planned again from the new metadata, so concurrent updates all apply.
   */
  async update(
    warehouse: string,
    id: ObjectIdentifier,
    updates: readonly FunctionUpdate[],
    idem?: IdempotencyContext,
  ): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.require(warehouse, id);
      const base = parseJson(record.metadataJson) as FunctionMetadata;
      const updated = applyFunctionUpdates(base, updates, { nowMs: this.ctx.now() });
      if (updated === base) return loadResultJson(record.metadataJson);
      const metadataJson = stringifyJson(updated);
      const body = loadResultJson(metadataJson);
      try {
        await this.ctx.store.replaceFunction(
          warehouse,
          record.namespace,
          record.name,
          record.version,
          metadataJson,
          idem && { key: idem.key, response: { status: 200, body } },
        );
        return body;
      } catch (err) {
        if (!(err instanceof CommitFailedError) || attempt >= MAX_ATTEMPTS) throw err;
        this.ctx.events.commitRetry();
        await sleep(backoffMs(attempt));
      }
    }
  }

  async drop(warehouse: string, id: ObjectIdentifier, idem?: IdempotencyContext): Promise<void> {
    const ns = checkNamespace(id.namespace);
    checkName(id.name, 'function');
    try {
      await this.ctx.store.dropFunction(
        warehouse,
        ns,
        id.name,
        idem && { key: idem.key, response: { status: 204, body: null } },
      );
    } catch (err) {
      if (err instanceof NoSuchFunctionError) await requireNamespace(this.ctx, warehouse, ns);
      throw err;
    }
  }

  /** The function's record; else NoSuchNamespace when its namespace is missing, NoSuchFunction when it is. */
  private async require(warehouse: string, id: ObjectIdentifier): Promise<FunctionRecord> {
    const ns = checkNamespace(id.namespace);
    checkName(id.name, 'function');
    const record = await this.ctx.store.getFunction(warehouse, ns, id.name);
    if (record) return record;
    await requireNamespace(this.ctx, warehouse, ns);
    throw catalogErrors.noSuchFunction(formatIdentifier(ns, id.name));
  }
}
