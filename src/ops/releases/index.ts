/** The release model: revisions of a component, their digest, history transitions, `up`'s values. */
export {
  COMPONENTS,
  canonicalJson,
  isComponent,
  isEnabled,
  replicasOf,
  settingsDigest,
  settingsOf,
  desiredSpec,
  VALUES_SECTION,
  versionOf,
  withSettings,
  type Component,
  type Release,
  type ReleaseAction,
  type ReleaseStatus,
  type Settings,
} from './model.js';
export {
  ReleaseError,
  deployedRelease,
  failInterrupted,
  installRelease,
  nextRevision,
  recordOutcome,
  recordPending,
  recordSync,
  rollbackTarget,
} from './history.js';
export { driftHint, effectiveValues, type Drift, type EffectiveValues } from './effective.js';
