import {
  deployedRelease,
  settingsDigest,
  type Component,
  type Release,
  type Settings,
} from '../releases/index.js';
import type { DeploySpec } from '../release-target.js';

export interface SettingChange {
  /** Dotted path inside the component's settings, e.g. `coordinator.heap`. */
  key: string;
  from: unknown;
  to: unknown;
}

export type PlanAction = 'install' | 'upgrade' | 'up-to-date' | 'paused';

export interface ComponentPlan {
  component: Component;
  action: PlanAction;
  /** The deployed revision now, if any. */
  fromRevision?: number;
  fromVersion?: string;
  toVersion: string;
  /** Changed settings other than the version (which is `fromVersion` → `toVersion`). */
  changes: SettingChange[];
  desired: DeploySpec;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Leaf values by dotted key; arrays are leaves. */
export function flatten(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      for (const [fk, fv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(fk, fv);
    }
    if (Object.keys(value).length === 0 && prefix) out.set(prefix, {});
  } else if (prefix) out.set(prefix, value);
  return out;
}

/** Every leaf that differs between two settings objects, sorted by key. */
export function diffSettings(from: Settings, to: Settings): SettingChange[] {
  const a = flatten(from);
  const b = flatten(to);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.flatMap((key) => {
    const x = a.get(key);
    const y = b.get(key);
    return JSON.stringify(x) === JSON.stringify(y) ? [] : [{ key, from: x, to: y }];
  });
}

const isVersionKey = (key: string): boolean => key === 'version' || key.endsWith('.version');

/**
 * Per component, what `upgrade` would do: install (no release yet), upgrade (settings or version
 * differ from the deployed revision), up to date, or paused (left alone until resumed).
 */
export function planComponent(
  component: Component,
  desired: DeploySpec,
  history: readonly Release[],
  paused: boolean,
): ComponentPlan {
  const current = deployedRelease(history);
  if (!current) {
    return { component, action: 'install', toVersion: desired.version, changes: [], desired };
  }
  const changes = diffSettings(current.settings, desired.settings).filter(
    (c) => !isVersionKey(c.key),
  );
  const same =
    settingsDigest(desired.settings) === current.configDigest &&
    desired.version === current.version;
  return {
    component,
    action: same ? 'up-to-date' : paused ? 'paused' : 'upgrade',
    fromRevision: current.revision,
    fromVersion: current.version,
    toVersion: desired.version,
    changes,
    desired,
  };
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : JSON.stringify(v));

/** The plan as an operator reads it: one header per component, one line per change. */
export function renderPlan(plans: readonly ComponentPlan[]): string[] {
  const out: string[] = [];
  for (const p of plans) {
    switch (p.action) {
      case 'install':
        out.push(`${p.component}: install ${p.toVersion} (no release yet)`);
        break;
      case 'up-to-date':
        out.push(`${p.component}: up to date (revision ${p.fromRevision})`);
        break;
      case 'paused':
      case 'upgrade': {
        const head = `${p.component}: revision ${p.fromRevision} → ${(p.fromRevision ?? 0) + 1}`;
        out.push(
          p.action === 'paused'
            ? `${head} — skipped: reconciliation is paused (\`lakehouse resume ${p.component}\`)`
            : head,
        );
        if (p.fromVersion !== p.toVersion) out.push(`  version: ${p.fromVersion} → ${p.toVersion}`);
        for (const c of p.changes) out.push(`  ${c.key}: ${show(c.from)} → ${show(c.to)}`);
        break;
      }
    }
  }
  return out;
}
