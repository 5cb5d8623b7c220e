/** `lakehouse upgrade`: the plan (pure) and the workflow that applies it, component by component. */
export {
  diffSettings,
  flatten,
  planComponent,
  renderPlan,
  type ComponentPlan,
  type PlanAction,
  type SettingChange,
} from './plan.js';
export {
  applyRelease,
  applyWithRollback,
  LOG_TAIL_LINES,
  type RecoveredAttempt,
  type ReleaseAttempt,
  type ReleaseFailure,
  type ReleaseOptions,
} from './apply.js';
export { planUpgrade, runUpgrade, type UpgradeOptions, type UpgradeResult } from './run.js';
