import { setTimeout as sleep } from 'node:timers/promises';
import {
  AlreadyExistsError,
  CatalogError,
  CommitFailedError,
  ServiceUnavailableError,
} from '../errors.js';
import { StorageError } from '../io/index.js';
import { IdempotencyKeyReplay, type ObjectKind, type StoredResponse } from '../store/index.js';
import type { CatalogContext, IdempotencyContext } from './context.js';
import { KeyedLock } from '../../lib/index.js';

/** One object's new state, computed from a fresh read of its base by a pure metadata function. */
export interface PlannedChange {
  kind: ObjectKind;
  namespace: string[];
  name: string;
  /** The metadata location the change was computed from; undefined when the commit creates the object. */
  baseLocation: string | undefined;
  metadataJson: string;
  newLocation: string;
  /** Old metadata files that fell out of the metadata log; deleted after the commit when the table says so. */
  expiredFiles: string[];
  deleteExpired: boolean;
  /** True when the updates changed nothing: no file is written and no swap happens. */
  unchanged: boolean;
}

/**
 * Each round of a lost swap lets roughly one of the contending writers through, so N concurrent
 * writers to one table need about N attempts; 6 failed 10 parallel commits (a 409 for a commit whose
 * requirements held). With the 400 ms backoff cap, 20 attempts bound the wait at a few seconds.
 */
const MAX_ATTEMPTS = 20;

/** Capped, jittered exponential backoff between retries of a lost compare-and-swap. */
export function backoffMs(attempt: number): number {
  const cap = Math.min(400, 10 * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

/**
 * The commit protocol: plan from a fresh base (validating requirements), write the new metadata
 * files, then compare-and-swap every metadata location in one database transaction. A lost swap
 * deletes the files just written and plans again from the new base, so a commit whose
 * requirements still hold succeeds; a failed requirement is a 409 without retry. When the outcome
 * of the swap is unknown (the database failed mid-commit), the files are left in place and the
 * error surfaces as a 5xx, which clients read as "this commit may have happened".
 */
export async function commitChanges(
  ctx: CatalogContext,
  warehouse: string,
  kind: 'table' | 'view' | 'transaction',
  objects: Array<{ kind: ObjectKind; namespace: string[]; name: string }>,
  plan: () => Promise<PlannedChange[]>,
  respond: (changes: PlannedChange[]) => StoredResponse,
  idem: IdempotencyContext | undefined,
): Promise<PlannedChange[]> {
  // Writers in this process take turns per object, so they do not burn compare-and-swap attempts
  // (and metadata file writes) on each other; the swap still guards against other processes.
  const keys = objects.map((o) => [warehouse, o.kind, ...o.namespace, o.name].join('\u0000'));
  return lockFor(ctx).run(keys, () => commitWithRetry(ctx, warehouse, kind, plan, respond, idem));
}

const locks = new WeakMap<CatalogContext, KeyedLock>();

function lockFor(ctx: CatalogContext): KeyedLock {
  let lock = locks.get(ctx);
  if (!lock) {
    lock = new KeyedLock();
    locks.set(ctx, lock);
  }
  return lock;
}

async function commitWithRetry(
  ctx: CatalogContext,
  warehouse: string,
  kind: 'table' | 'view' | 'transaction',
  plan: () => Promise<PlannedChange[]>,
  respond: (changes: PlannedChange[]) => StoredResponse,
  idem: IdempotencyContext | undefined,
): Promise<PlannedChange[]> {
  for (let attempt = 1; ; attempt++) {
    let changes: PlannedChange[];
    try {
      changes = await plan();
    } catch (err) {
      if (err instanceof CommitFailedError) ctx.events.commit(kind, 'conflict');
      throw err;
    }
    const toWrite = changes.filter((c) => !c.unchanged);
    if (toWrite.length === 0) return changes;

    await writeMetadataFiles(ctx, toWrite);
    const idempotency = idem && { key: idem.key, response: respond(changes) };
    try {
      const creation = toWrite.find((c) => c.baseLocation === undefined);
      if (creation) {
        await ctx.store.createObject(
          warehouse,
          {
            kind: creation.kind,
            namespace: creation.namespace,
            name: creation.name,
            metadataLocation: creation.newLocation,
            metadataJson: creation.metadataJson,
          },
          idempotency,
        );
      } else {
        await ctx.store.commitObjects(
          warehouse,
          toWrite.map((c) => ({
            kind: c.kind,
            namespace: c.namespace,
            name: c.name,
            expectedMetadataLocation: c.baseLocation as string,
            metadataLocation: c.newLocation,
            metadataJson: c.metadataJson,
          })),
          idempotency,
        );
      }
    } catch (err) {
      const knownNotApplied =
        err instanceof CatalogError ||
        err instanceof IdempotencyKeyReplay ||
        err instanceof StorageError;
      if (knownNotApplied)
        await deleteQuietly(
          ctx,
          toWrite.map((c) => c.newLocation),
        );
      if (err instanceof CommitFailedError && attempt < MAX_ATTEMPTS) {
        ctx.events.commitRetry();
        await sleep(backoffMs(attempt));
        continue;
      }
      if (err instanceof CommitFailedError) ctx.events.commit(kind, 'conflict');
      else ctx.events.commit(kind, 'failed');
      if (err instanceof AlreadyExistsError) {
        throw new CommitFailedError(`Requirement failed: ${err.message}`);
      }
      throw err;
    }
    ctx.events.commit(kind, 'committed');
    const expired = toWrite.filter((c) => c.deleteExpired).flatMap((c) => c.expiredFiles);
    if (expired.length > 0) await deleteQuietly(ctx, expired);
    return changes;
  }
}

async function writeMetadataFiles(ctx: CatalogContext, changes: PlannedChange[]): Promise<void> {
  const results = await Promise.allSettled(
    changes.map((c) => ctx.io.write(c.newLocation, c.metadataJson)),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return;
  ctx.events.storageError('write-metadata');
  await deleteQuietly(
    ctx,
    changes.filter((_, i) => results[i]?.status === 'fulfilled').map((c) => c.newLocation),
  );
  const reason = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
  ctx.log.error({ err: failed.reason }, 'writing a metadata file failed; nothing was committed');
  throw new ServiceUnavailableError(
    `Cannot write metadata, nothing was committed: ${reason}`,
    'storage',
  );
}

/** Best effort: a leftover file is an orphan, never a correctness problem, so failures are logged. */
export async function deleteQuietly(ctx: CatalogContext, locations: string[]): Promise<void> {
  if (locations.length === 0) return;
  try {
    await ctx.io.delete(locations);
  } catch (err) {
    ctx.events.storageError('delete');
    ctx.log.warn({ err, locations }, 'could not delete files; they are left as orphans');
  }
}
