import type { Progress } from '../../lib/index.js';
import { DeployNotStartedError, type DeploySpec, type ReleaseTarget } from '../release-target.js';
import {
  deployedRelease,
  failInterrupted,
  nextRevision,
  recordOutcome,
  recordPending,
  settingsDigest,
  type Component,
  type Release,
  type ReleaseAction,
} from '../releases/index.js';

/** Lines of the failing process's log a failure shows. */
export const LOG_TAIL_LINES = 30;

export interface ReleaseFailure {
  reason: string;
  /** The deploy failed before it changed anything: the previous revision still runs. */
  nothingChanged?: boolean;
  logTail: { process: string; text: string };
}

export interface ReleaseAttempt {
  release: Release;
  /** What verification checked, when it ran and passed. */
  verified?: string;
  failure?: ReleaseFailure;
}

export interface ReleaseOptions {
  action: ReleaseAction;
  description: string;
  /** The status the replaced deployed revision gets (rolled-back for an operator's rollback). */
  replaced?: 'superseded' | 'rolled-back';
}

const firstLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';

/**
 * One release of one component: deploy (install, configure, restart), wait for health, verify,
 * then record it as deployed, or as failed with the reason and the failing process's log tail.
 */
export async function applyRelease(
  target: ReleaseTarget,
  component: Component,
  spec: DeploySpec,
  opts: ReleaseOptions,
  progress: Progress,
): Promise<ReleaseAttempt> {
  const startedAt = new Date().toISOString();
  const before = failInterrupted(await target.history(component), startedAt);
  const revision = nextRevision(before);
  const draft: Release = {
    component,
    revision,
    version: spec.version,
    configDigest: settingsDigest(spec.settings),
    settings: spec.settings,
    ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
    action: opts.action,
    status: 'pending',
    startedAt,
    finishedAt: startedAt,
    description: opts.description,
  };
  // Recorded before anything changes: a command killed mid-deploy leaves its revision pending.
  const history = recordPending(before, draft);
  await target.writeHistory(component, history);
  let failure: ReleaseFailure | undefined;
  let verified: string | undefined;

  const phase = async (label: string, work: (step: (d: string) => void) => Promise<string>) => {
    if (failure) return;
    const step = progress.step(`${component} revision ${revision}: ${label}`);
    try {
      const detail = await work((d) => step.update(d));
      step.done(detail);
    } catch (err) {
      step.fail(firstLine(err));
      const notStarted = err instanceof DeployNotStartedError;
      const help = notStarted && err.help ? ` (${err.help})` : '';
      failure = {
        reason: `${label} failed: ${firstLine(err)}${help}`,
        ...(notStarted ? { nothingChanged: true } : {}),
        logTail: await target.logTail(component, LOG_TAIL_LINES),
      };
    }
  };
  await phase('deploy', async (update) => {
    await target.deploy(component, spec, update);
    return `${spec.version}${spec.replicas !== undefined ? `, ${spec.replicas} workers` : ''}`;
  });
  await phase('wait for health', async (update) => {
    await target.waitHealthy(component, target.healthTimeoutMs(component), update);
    return 'healthy';
  });
  await phase('verify', async () => {
    const v = await target.verify(component, spec);
    if (!v.ok) throw new Error(v.detail);
    verified = v.detail;
    return v.detail;
  });

  const release: Release = {
    ...draft,
    status: failure ? 'failed' : 'deployed',
    finishedAt: new Date().toISOString(),
    description: failure ? `${opts.description}; ${failure.reason}` : opts.description,
  };
  await target.writeHistory(component, recordOutcome(history, release, opts.replaced));
  return { release, ...(verified ? { verified } : {}), ...(failure ? { failure } : {}) };
}

export interface RecoveredAttempt extends ReleaseAttempt {
  /** After a failure: the rollback to the previously deployed revision, as a new revision. */
  rollback?: ReleaseAttempt;
}

/**
 * applyRelease, and on failure an automatic rollback to the revision that was deployed before
 * (its settings, version and replicas, as a new revision with action rollback).
 */
export async function applyWithRollback(
  target: ReleaseTarget,
  component: Component,
  spec: DeploySpec,
  opts: ReleaseOptions,
  progress: Progress,
): Promise<RecoveredAttempt> {
  const previous = deployedRelease(await target.history(component));
  const attempt = await applyRelease(target, component, spec, opts, progress);
  if (!attempt.failure || !previous) return attempt;
  if (attempt.failure.nothingChanged) {
    progress.line(
      `  ${component}: revision ${attempt.release.revision} failed before changing anything; revision ${previous.revision} still runs`,
    );
    return attempt;
  }
  progress.line(
    `  ${component}: revision ${attempt.release.revision} failed; rolling back to revision ${previous.revision}`,
  );
  const rollback = await applyRelease(
    target,
    component,
    {
      settings: previous.settings,
      version: previous.version,
      ...(previous.replicas !== undefined ? { replicas: previous.replicas } : {}),
    },
    {
      action: 'rollback',
      description: `automatic rollback to revision ${previous.revision} after revision ${attempt.release.revision} failed`,
    },
    progress,
  );
  return { ...attempt, rollback };
}
