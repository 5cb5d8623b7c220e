import type { Progress } from '../../lib/index.js';
import type { ReleaseTarget } from '../release-target.js';
import {
  deployedRelease,
  rollbackTarget,
  type Component,
  type Release,
} from '../releases/index.js';
import {
  applyWithRollback,
  diffSettings,
  LOG_TAIL_LINES,
  type RecoveredAttempt,
  type SettingChange,
} from '../upgrade/index.js';

export interface RollbackOptions {
  /** The revision to return to (default: the one deployed before the current one). */
  revision?: number;
  dryRun?: boolean;
  /** Pause reconciliation first and leave it paused (until `lakehouse resume`). */
  emergency?: boolean;
}

export interface RollbackPlan {
  component: Component;
  from: Release;
  to: Release;
  changes: SettingChange[];
}

export interface RollbackResult {
  plan: RollbackPlan;
  attempt?: RecoveredAttempt;
  paused: boolean;
  /** The component's log after an emergency rollback. */
  logTail?: { process: string; text: string };
}

export async function planRollback(
  target: ReleaseTarget,
  component: Component,
  revision?: number,
): Promise<RollbackPlan> {
  const history = await target.history(component);
  const to = rollbackTarget(component, history, revision);
  const from = deployedRelease(history) as Release; // rollbackTarget checked there is one
  return { component, from, to, changes: diffSettings(from.settings, to.settings) };
}

/**
 * `lakehouse rollback`: deploys an earlier revision's settings, version and replicas as a new
 * revision, verified like an upgrade (and rolled forward again if it fails). Emergency: pause
 * reconciliation first, and leave it paused.
 */
export async function runRollback(
  target: ReleaseTarget,
  component: Component,
  opts: RollbackOptions,
  progress: Progress,
): Promise<RollbackResult> {
  const plan = await planRollback(target, component, opts.revision);
  const pausedNow = (await target.paused()).includes(component);
  if (opts.dryRun) return { plan, paused: pausedNow };
  if (opts.emergency && !pausedNow) {
    const step = progress.step(`${component}: pause reconciliation`);
    await target.pause(component);
    step.done('paused until `lakehouse resume ' + component + '`');
  }
  const attempt = await applyWithRollback(
    target,
    component,
    {
      settings: plan.to.settings,
      version: plan.to.version,
      ...(plan.to.replicas !== undefined ? { replicas: plan.to.replicas } : {}),
    },
    {
      action: 'rollback',
      description: `${opts.emergency ? 'emergency ' : ''}rollback from revision ${plan.from.revision} to revision ${plan.to.revision}`,
      replaced: 'rolled-back',
    },
    progress,
  );
  const paused = (await target.paused()).includes(component);
  return {
    plan,
    attempt,
    paused,
    ...(opts.emergency ? { logTail: await target.logTail(component, LOG_TAIL_LINES) } : {}),
  };
}

/** `lakehouse resume`: reconciliation of the component's processes again. */
export async function resumeComponent(
  target: ReleaseTarget,
  component: Component,
): Promise<boolean> {
  if (!(await target.paused()).includes(component)) return false;
  await target.resume(component);
  return true;
}
