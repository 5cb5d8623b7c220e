import type { Progress } from '../../lib/index.js';
import { UserError } from '../../lib/index.js';
import type { DeploySpec, ReleaseTarget } from '../release-target.js';
import { deployedRelease, type Component } from '../releases/index.js';
import { LOG_TAIL_LINES } from '../upgrade/index.js';
import {
  CREDENTIAL_SET_LABEL,
  notRestarted,
  ownerOf,
  rotationOrder,
  type CredentialSet,
  type RotationJournal,
} from './model.js';
import type { SecretsTarget } from './target.js';

export interface RotationFailure {
  component: Component;
  reason: string;
  logTail: { process: string; text: string };
  /** The previous credentials were put back and every component restarted with them. */
  restored: boolean;
  /** Why putting them back failed, when it did. */
  restoreError?: string;
}

export interface RotationResult {
  set: CredentialSet;
  /** The components restarted with the new credentials, in order, and what verified each. */
  restarted: Array<{ component: Component; verified: string }>;
  /** What was dropped after the restarts, for sets that keep previous credentials a while. */
  retired?: string;
  /** The owner's answer to the previous credentials. */
  previousRefused?: string;
  failure?: RotationFailure;
}

const firstLine = (err: unknown): string =>
  (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'failed';

/** The running release of each component, to restart it as it is (only its credentials change). */
async function deployedSpecs(
  target: ReleaseTarget,
  components: readonly Component[],
): Promise<Map<Component, DeploySpec>> {
  const specs = new Map<Component, DeploySpec>();
  for (const component of components) {
    const release = deployedRelease(await target.history(component));
    if (!release) {
      throw new UserError(
        `${component} has no deployed release to restart with new credentials`,
        'bring the platform up first: `lakehouse up`',
      );
    }
    specs.set(component, {
      settings: release.settings,
      version: release.version,
      ...(release.replicas !== undefined ? { replicas: release.replicas } : {}),
    });
  }
  return specs;
}

/**
 * The runbook's "Update Secrets": new credentials for one set, then every component that holds
 * them restarted in order (the owner first), each healthy and verified before the next; last, the
 * owner must refuse the previous credentials. A failure puts the previous credentials back and
 * restarts the components again, so the platform ends as it began. No release is recorded: the
 * components run the same revision, and a later rollback keeps the current credentials.
 *
 * The rotation is journaled while it runs: one interrupted (a killed command) is named by
 * `diagnose`, and finished by rotating the same set again, which restarts every holder.
 */
export async function rotateCredentials(
  target: ReleaseTarget & SecretsTarget,
  set: CredentialSet,
  progress: Progress,
): Promise<RotationResult> {
  const order = rotationOrder(set, target.components());
  const owner = ownerOf(set);
  const paused = (await target.paused()).filter((c) => order.includes(c));
  if (paused.length > 0) {
    throw new UserError(
      `${paused.join(', ')} ${paused.length === 1 ? 'is' : 'are'} paused (emergency rollback): a rotation must restart ${paused.length === 1 ? 'it' : 'them'}`,
      `\`lakehouse resume ${paused[0] ?? ''}\` first`,
    );
  }
  const unfinished = await target.unfinishedRotation();
  if (unfinished && unfinished.set !== set) {
    throw new UserError(
      `a rotation of ${CREDENTIAL_SET_LABEL[unfinished.set]} (started ${unfinished.startedAt}) did not finish: ${notRestarted(unfinished).join(', ')} may still use the previous ones`,
      `finish it first: \`lakehouse secrets rotate ${unfinished.set}\``,
    );
  }
  const specs = await deployedSpecs(target, order);

  const generate = progress.step(`Generate new ${CREDENTIAL_SET_LABEL[set]}`);
  if (unfinished) {
    generate.info(
      `an earlier rotation (started ${unfinished.startedAt}) stopped before restarting ${notRestarted(unfinished).join(', ')}: this one restarts every holder`,
    );
  }
  const journal: RotationJournal = {
    set,
    startedAt: new Date().toISOString(),
    holders: order,
    restarted: [],
  };
  // Journaled before the store changes: a kill between the two leaves a journal, never silence.
  await target.journalRotation(journal);
  const rotated = await target.rotateCredentials(set);
  generate.done('stored; the old ones still work until their holders restart');

  /** Restarts one component with whatever the store holds now; throws with the reason. */
  const restart = async (component: Component, label: string): Promise<string> => {
    const spec = specs.get(component) as DeploySpec; // every component of `order` has one
    const step = progress.step(`${component}: ${label}`);
    try {
      await target.deploy(component, spec, (d) => step.update(d));
      await target.waitHealthy(component, target.healthTimeoutMs(component), (d) => step.update(d));
      const v = await target.verify(component, spec);
      if (!v.ok) throw new Error(`verification failed: ${v.detail}`);
      step.done(v.detail);
      return v.detail;
    } catch (err) {
      step.fail(firstLine(err));
      throw err;
    }
  };

  const result: RotationResult = { set, restarted: [] };
  /** Components told to restart with the new credentials. */
  const touched: Component[] = [];
  try {
    for (const component of order) {
      touched.push(component);
      const verified = await restart(component, 'restart with the new credentials');
      result.restarted.push({ component, verified });
      journal.restarted.push(component);
      await target.journalRotation(journal);
    }
    if (rotated.retirePrevious) {
      const retire = progress.step(`${owner}: drop the previous credentials it still holds`);
      try {
        result.retired = await rotated.retirePrevious();
        retire.done(result.retired);
      } catch (err) {
        retire.fail(firstLine(err));
        throw err;
      }
      await restart(owner, 'restart with the new credentials only');
    }
    const check = progress.step(`${owner}: refuses the previous credentials`);
    const refused = await rotated.previousRefused();
    if (!refused.ok) {
      check.fail(refused.detail);
      throw new Error(refused.detail);
    }
    check.done(refused.detail);
    result.previousRefused = refused.detail;
    await target.journalRotation(null);
    return result;
  } catch (err) {
    // A restart that did not finish, or else the owner's check of the previous credentials.
    const failed = result.restarted.length < touched.length ? (touched.at(-1) as Component) : owner;
    const failure: RotationFailure = {
      component: failed,
      reason: firstLine(err),
      logTail: await target.logTail(failed, LOG_TAIL_LINES),
      restored: false,
    };
    result.failure = failure;
    try {
      await rotated.restore();
      // In the same order: the owner first again.
      for (const c of touched) await restart(c, 'restart with the previous credentials');
      failure.restored = true;
      await target.journalRotation(null);
    } catch (restoreErr) {
      // The journal stays: the holders may run with either credentials, and diagnose says so.
      failure.restoreError = firstLine(restoreErr);
    }
    return result;
  }
}
