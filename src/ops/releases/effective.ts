import type { LakehouseValues } from '../../platform/config/index.js';
import { deployedRelease } from './history.js';
import {
  COMPONENTS,
  replicasOf,
  settingsDigest,
  settingsOf,
  withSettings,
  type Component,
  type Release,
} from './model.js';

export interface Drift {
  component: Component;
  /** The deployed revision the environment's values differ from. */
  revision: number;
}

export interface EffectiveValues {
  /** What runs: the environment's values with each deployed release's settings and replicas. */
  values: LakehouseValues;
  /** Components whose environment values differ from their deployed release. */
  drift: Drift[];
  /** Components without a deployed release: `up` installs them from the environment. */
  unreleased: Component[];
}

/**
 * What `up` runs: a component with a deployed release keeps that release's settings and replicas
 * (so a rollback or scale survives down/up); one without runs the environment's values. A
 * difference between the two is reported, never applied: `lakehouse upgrade` does that.
 */
export function effectiveValues(
  envValues: LakehouseValues,
  histories: Partial<Record<Component, readonly Release[]>>,
): EffectiveValues {
  let values = envValues;
  const drift: Drift[] = [];
  const unreleased: Component[] = [];
  for (const component of COMPONENTS) {
    const deployed = deployedRelease(histories[component] ?? []);
    if (!deployed) {
      unreleased.push(component);
      continue;
    }
    if (settingsDigest(settingsOf(component, envValues)) !== deployed.configDigest) {
      drift.push({ component, revision: deployed.revision });
    }
    values = withSettings(
      values,
      component,
      deployed.settings,
      deployed.replicas ?? replicasOf(component, envValues),
    );
  }
  return { values, drift, unreleased };
}

/** `up`'s hint for a drifted component. */
export function driftHint(d: Drift, env: string): string {
  return `${d.component}: env/${env} differs from revision ${d.revision} — run \`lakehouse upgrade ${d.component}\` to apply`;
}
