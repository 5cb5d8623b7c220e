import type { Progress } from '../../../lib/index.js';
import type {
  Component,
  CredentialSet,
  DeploySpec,
  ObservedRotation,
  OnProgress,
  Release,
  ReleaseTarget,
  RotatedCredentials,
  RotationJournal,
  SecretsTarget,
  Verification,
} from '../../../ops/index.js';
import type { KubernetesReleaseTarget } from '../releases/index.js';
import { KubernetesSecrets } from './secrets.js';

/**
 * What `rotateCredentials` (src/ops/secrets) runs against on a cluster: the release procedures of
 * a KubernetesReleaseTarget (deploy = helm upgrade + rollout restart, the health gate) and the
 * Secrets of KubernetesSecrets, each method handed to the one that owns it.
 */
export class KubernetesRotationTarget implements ReleaseTarget, SecretsTarget {
  constructor(
    readonly releases: KubernetesReleaseTarget,
    readonly secrets: KubernetesSecrets,
  ) {}

  /** The secrets of the release target's cluster, namespace, store and values. */
  static of(
    releases: KubernetesReleaseTarget,
    verify: 'traffic' | 'rollout' = releases.opts.envValues.global.verify,
  ): KubernetesRotationTarget {
    return new KubernetesRotationTarget(
      releases,
      new KubernetesSecrets({
        connection: releases.opts.connection,
        namespace: releases.namespace,
        store: releases.store,
        values: releases.opts.envValues,
        verify,
      }),
    );
  }

  // ReleaseTarget
  components(): Component[] {
    return this.releases.components();
  }
  desired(component: Component): DeploySpec {
    return this.releases.desired(component);
  }
  history(component: Component): Promise<Release[]> {
    return this.releases.history(component);
  }
  writeHistory(component: Component, history: readonly Release[]): Promise<void> {
    return this.releases.writeHistory(component, history);
  }
  deploy(component: Component, spec: DeploySpec, onProgress: OnProgress): Promise<void> {
    return this.releases.deploy(component, spec, onProgress);
  }
  waitHealthy(component: Component, timeoutMs: number, onProgress: OnProgress): Promise<void> {
    return this.releases.waitHealthy(component, timeoutMs, onProgress);
  }
  verify(component: Component, spec: DeploySpec): Promise<Verification> {
    return this.releases.verify(component, spec);
  }
  logTail(component: Component, lines: number): Promise<{ process: string; text: string }> {
    return this.releases.logTail(component, lines);
  }
  pause(component: Component): Promise<void> {
    return this.releases.pause(component);
  }
  resume(component: Component): Promise<void> {
    return this.releases.resume(component);
  }
  paused(): Promise<Component[]> {
    return this.releases.paused();
  }
  scaleWorkers(spec: DeploySpec, progress: Progress): Promise<void> {
    return this.releases.scaleWorkers(spec, progress);
  }
  healthTimeoutMs(component: Component): number {
    return this.releases.healthTimeoutMs(component);
  }

  // SecretsTarget
  rotateCredentials(set: CredentialSet): Promise<RotatedCredentials> {
    return this.secrets.rotateCredentials(set);
  }
  unfinishedRotation(): Promise<ObservedRotation | null> {
    return this.secrets.unfinishedRotation();
  }
  journalRotation(journal: RotationJournal | null): Promise<void> {
    return this.secrets.journalRotation(journal);
  }
}
