import type { Progress } from '../../lib/index.js';
import type { ReleaseTarget } from '../release-target.js';
import { deployedRelease, type Component } from '../releases/index.js';
import { applyWithRollback, type RecoveredAttempt } from './apply.js';
import { planComponent, type ComponentPlan } from './plan.js';

export interface UpgradeOptions {
  /** Only these components (default: every enabled one). */
  components?: Component[];
  dryRun?: boolean;
}

export interface UpgradeResult {
  plans: ComponentPlan[];
  /** Per applied component, in order; the last one failed when `failed` is set. */
  applied: Array<{ component: Component } & RecoveredAttempt>;
  /** The component whose upgrade failed (later components were not touched). */
  failed?: Component;
}

/** The plan: what `upgrade` would change, per component in the runbook's order. */
export async function planUpgrade(
  target: ReleaseTarget,
  components?: readonly Component[],
): Promise<ComponentPlan[]> {
  const enabled = target.components();
  const paused = new Set(await target.paused());
  const wanted = components ? enabled.filter((c) => components.includes(c)) : enabled;
  const plans: ComponentPlan[] = [];
  for (const component of wanted) {
    plans.push(
      planComponent(
        component,
        target.desired(component),
        await target.history(component),
        paused.has(component),
      ),
    );
  }
  return plans;
}

/**
 * `lakehouse upgrade`: applies the plan one component at a time in the runbook's order; a
 * component that fails its health gate or verification is rolled back and the upgrade stops.
 */
export async function runUpgrade(
  target: ReleaseTarget,
  opts: UpgradeOptions,
  progress: Progress,
): Promise<UpgradeResult> {
  const plans = await planUpgrade(target, opts.components);
  const result: UpgradeResult = { plans, applied: [] };
  if (opts.dryRun) return result;
  for (const plan of plans) {
    if (plan.action !== 'upgrade' && plan.action !== 'install') continue;
    // Scaling is not the values' business: an upgrade keeps the deployed worker count.
    const deployed = deployedRelease(await target.history(plan.component));
    const replicas = deployed?.replicas ?? plan.desired.replicas;
    const attempt = await applyWithRollback(
      target,
      plan.component,
      { ...plan.desired, ...(replicas !== undefined ? { replicas } : {}) },
      {
        action: plan.action,
        description:
          plan.action === 'install'
            ? `install ${plan.desired.version}`
            : `upgrade from revision ${plan.fromRevision}${plan.fromVersion !== plan.toVersion ? ` (${plan.fromVersion} → ${plan.toVersion})` : ''}: ${plan.changes.map((c) => c.key).join(', ') || 'version'}`,
      },
      progress,
    );
    result.applied.push({ component: plan.component, ...attempt });
    if (attempt.failure) {
      result.failed = plan.component;
      break;
    }
  }
  return result;
}
