import type { Progress } from '../../lib/index.js';
import type { ReleaseTarget } from '../release-target.js';
import {
  deployedRelease,
  failInterrupted,
  nextRevision,
  recordOutcome,
  recordPending,
  ReleaseError,
  type Release,
} from '../releases/index.js';
import { LOG_TAIL_LINES, type ReleaseFailure } from '../upgrade/index.js';

export interface ScaleOptions {
  workers: number;
  /** The largest worker count the target allows. */
  maxWorkers: number;
  dryRun?: boolean;
}

export interface ScaleResult {
  from: number;
  to: number;
  /** The new revision; none for a dry run or when the count is already right. */
  release?: Release;
  failure?: ReleaseFailure;
}

/** Refuses a worker count outside 0..max, naming the bounds. */
export function checkWorkerCount(workers: number, max: number): void {
  if (!Number.isInteger(workers) || workers < 0 || workers > max) {
    throw new ReleaseError(
      `--workers must be a whole number from 0 to ${max}, not ${workers}`,
      `e.g. \`lakehouse scale trino --workers 2\``,
    );
  }
}

/**
 * `lakehouse scale trino --workers N`: a release with the deployed settings and N replicas. New
 * workers start; removed ones drain first. Recorded in the history, so it survives down/up.
 */
export async function runScale(
  target: ReleaseTarget,
  opts: ScaleOptions,
  progress: Progress,
): Promise<ScaleResult> {
  checkWorkerCount(opts.workers, opts.maxWorkers);
  const before = await target.history('trino');
  const current = deployedRelease(before);
  if (!current) {
    throw new ReleaseError('trino has no deployed release', '`lakehouse up` installs it first');
  }
  if ((await target.paused()).includes('trino')) {
    throw new ReleaseError(
      'trino is paused (emergency rollback); scaling would change it behind the pause',
      '`lakehouse resume trino` first',
    );
  }
  const from = current.replicas ?? 0;
  const result: ScaleResult = { from, to: opts.workers };
  if (opts.dryRun || from === opts.workers) return result;

  const startedAt = new Date().toISOString();
  const settled = failInterrupted(before, startedAt);
  const draft: Release = {
    ...current,
    revision: nextRevision(settled),
    replicas: opts.workers,
    action: 'scale',
    status: 'pending',
    startedAt,
    finishedAt: startedAt,
    description: `scale workers ${from} → ${opts.workers}`,
  };
  // Recorded before anything changes: a command killed mid-scale leaves its revision pending.
  const history = recordPending(settled, draft);
  await target.writeHistory('trino', history);
  let failure: ReleaseFailure | undefined;
  try {
    await target.scaleWorkers(
      { settings: current.settings, version: current.version, replicas: opts.workers },
      progress,
    );
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';
    // A refusal from the target (a port held by another program) carries its fix as `help`.
    const help = (err as { help?: unknown }).help;
    failure = {
      reason: typeof help === 'string' ? `${message}: ${help}` : message,
      logTail: await target.logTail('trino', LOG_TAIL_LINES),
    };
  }
  const release: Release = {
    ...draft,
    status: failure ? 'failed' : 'deployed',
    finishedAt: new Date().toISOString(),
    description: `${draft.description}${failure ? `; ${failure.reason}` : ''}`,
  };
  await target.writeHistory('trino', recordOutcome(history, release));
  return { ...result, release, ...(failure ? { failure } : {}) };
}
