import type { LakehouseValues } from '../../platform/config/index.js';
import {
  replicasOf,
  settingsDigest,
  settingsOf,
  versionOf,
  type Component,
  type Release,
  type Settings,
} from './model.js';

/** A revision that cannot be a rollback target; the message says which ones can. */
export class ReleaseError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}

/** The deployed revision, if any (there is at most one). */
export function deployedRelease(history: readonly Release[]): Release | undefined {
  return [...history].reverse().find((r) => r.status === 'deployed');
}

export function nextRevision(history: readonly Release[]): number {
  return history.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/**
 * The history after `release` finished. Deployed: the previously deployed revision becomes
 * `replaced` (superseded; rolled-back when an operator rolled back away from it), so exactly one
 * revision is deployed. Failed: recorded, nothing else changes (the previous one still runs).
 */
export function recordOutcome(
  history: readonly Release[],
  release: Release,
  replaced: 'superseded' | 'rolled-back' = 'superseded',
): Release[] {
  // A revision recorded before is replaced only when it was pending: its outcome is now known.
  if (history.some((r) => r.revision === release.revision && r.status !== 'pending')) {
    throw new Error(`internal: revision ${release.revision} already recorded`);
  }
  const previous = deployedRelease(history);
  const next = history
    .filter((r) => r.revision !== release.revision)
    .map((r) => {
      if (release.status !== 'deployed' || r !== previous) return r;
      return { ...r, status: replaced };
    });
  return [...next, release].sort((a, b) => a.revision - b.revision);
}

/** The history with `release` added as pending: a command is applying it now. */
export function recordPending(history: readonly Release[], release: Release): Release[] {
  return recordOutcome(history, { ...release, status: 'pending' });
}

/**
 * The history with every pending revision recorded failed: called when a command that changes
 * releases starts (under the platform lock), so a pending one belongs to a command that died.
 * Unchanged (the same array) when nothing was pending.
 */
export function failInterrupted(history: readonly Release[], now: string): readonly Release[] {
  if (!history.some((r) => r.status === 'pending')) return history;
  return history.map((r) =>
    r.status === 'pending'
      ? {
          ...r,
          status: 'failed' as const,
          finishedAt: now,
          description: `${r.description}; interrupted: the command applying it did not finish`,
        }
      : r,
  );
}

/**
 * The revision `lakehouse rollback <component> [<revision>]` returns to: the given one, or the
 * last revision before the deployed one that was deployed successfully (not failed).
 */
export function rollbackTarget(
  component: Component,
  history: readonly Release[],
  revision?: number,
): Release {
  const current = deployedRelease(history);
  if (!current) {
    throw new ReleaseError(
      `${component} has no deployed release`,
      '`lakehouse up` installs it (revision 1)',
    );
  }
  const candidates = history.filter(
    (r) => r.status !== 'failed' && r.revision !== current.revision,
  );
  const list = candidates.map((r) => r.revision).join(', ') || 'none';
  if (revision !== undefined) {
    const target = history.find((r) => r.revision === revision);
    if (!target) {
      throw new ReleaseError(
        `${component} has no revision ${revision}`,
        `revisions that can be rolled back to: ${list} (\`lakehouse history ${component}\`)`,
      );
    }
    if (target.status === 'failed') {
      throw new ReleaseError(
        `revision ${revision} of ${component} failed; rolling back to it would fail again`,
        `revisions that can be rolled back to: ${list}`,
      );
    }
    if (target.revision === current.revision) {
      throw new ReleaseError(
        `revision ${revision} of ${component} is the deployed one`,
        `revisions that can be rolled back to: ${list}`,
      );
    }
    return target;
  }
  const previous = candidates.filter((r) => r.revision < current.revision).pop();
  if (!previous) {
    throw new ReleaseError(
      `${component} has no revision before ${current.revision} to roll back to`,
      `\`lakehouse history ${component}\` lists its revisions`,
    );
  }
  return previous;
}

/** Revision 1 of a component `up` installed from the environment's values. */
export function installRelease(
  component: Component,
  values: LakehouseValues,
  startedAt: string,
  finishedAt: string,
): Release {
  const settings = settingsOf(component, values);
  const replicas = replicasOf(component, values);
  return {
    component,
    revision: 1,
    version: versionOf(component, settings),
    configDigest: settingsDigest(settings),
    settings,
    ...(replicas !== undefined ? { replicas } : {}),
    action: 'install',
    status: 'deployed',
    startedAt,
    finishedAt,
    description: 'install by lakehouse up',
  };
}

/**
 * The history after something outside lakehouse's own deploy (a GitOps sync) applied `spec`: a
 * change of settings or replicas is a release, recorded as a new deployed revision so `history`
 * shows it and `rollback` can return to what ran before. Undefined when the deployed revision
 * already has them: a sync that changed nothing is not a revision.
 */
export function recordSync(
  history: readonly Release[],
  component: Component,
  spec: { settings: Settings; version: string; replicas?: number },
  at: string,
  description: string,
): { history: Release[]; revision: number } | undefined {
  const deployed = deployedRelease(history);
  const digest = settingsDigest(spec.settings);
  if (deployed && deployed.configDigest === digest && deployed.replicas === spec.replicas)
    return undefined;
  const revision = nextRevision(history);
  return {
    revision,
    history: recordOutcome(history, {
      component,
      revision,
      version: spec.version,
      configDigest: digest,
      settings: spec.settings,
      ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
      action: deployed ? 'upgrade' : 'install',
      status: 'deployed',
      startedAt: at,
      finishedAt: at,
      description,
    }),
  };
}
