/**
 * What the release procedures (upgrade, rollback, scale) need from a target. The local target
 * implements it with the supervisor and native processes; Kubernetes will with Helm and kubectl.
 * Nothing here knows which.
 */
import type { Progress } from '../lib/index.js';
import type { Component, Release, Settings } from './releases/index.js';

/** One line of progress detail while a step runs. */
export type OnProgress = (detail: string) => void;

/** What a component runs with: its settings (values section), version and replicas. */
export interface DeploySpec {
  settings: Settings;
  version: string;
  replicas?: number;
}

/**
 * Thrown by `deploy` when it failed before it changed anything (a runtime that does not install,
 * a port another program holds): what ran before still runs, so no rollback is needed.
 */
export class DeployNotStartedError extends Error {
  constructor(
    message: string,
    /** How to fix it, when the cause says. */
    readonly help?: string,
  ) {
    super(message);
    this.name = 'DeployNotStartedError';
  }
}

export interface Verification {
  ok: boolean;
  /** What was checked and what it answered (or why it failed). */
  detail: string;
}

export interface ReleaseTarget {
  /** The components the environment enables, in the runbook's order. */
  components(): Component[];
  /** The environment's values for a component (the desired state of `upgrade`). */
  desired(component: Component): DeploySpec;
  /** Revisions of a component, oldest first ([] before its first install). */
  history(component: Component): Promise<Release[]>;
  /** Replaces a component's recorded history (after a release finished). */
  writeHistory(component: Component, history: readonly Release[]): Promise<void>;
  /**
   * Installs the runtime the spec needs, writes the component's configuration and restarts its
   * processes (paused ones too: an explicit deploy). Returns once they were told to (re)start.
   * Throws DeployNotStartedError when it failed before changing anything.
   */
  deploy(component: Component, spec: DeploySpec, onProgress: OnProgress): Promise<void>;
  /** Waits until every process of the component is healthy; throws with the reason otherwise. */
  waitHealthy(component: Component, timeoutMs: number, onProgress: OnProgress): Promise<void>;
  /** The runbook's verification of a running component. */
  verify(component: Component, spec: DeploySpec): Promise<Verification>;
  /** The last lines of the log of the component's failing (or main) process. */
  logTail(component: Component, lines: number): Promise<{ process: string; text: string }>;
  /** Pause reconciliation: exits are not restarted and desired-state changes are not applied. */
  pause(component: Component): Promise<void>;
  resume(component: Component): Promise<void>;
  /** Components whose reconciliation is paused (persisted). */
  paused(): Promise<Component[]>;
  /** Trino workers: start new ones, drain and stop removed ones; done when N are active. */
  scaleWorkers(spec: DeploySpec, progress: Progress): Promise<void>;
  /** How long a component may take to get healthy after a restart. */
  healthTimeoutMs(component: Component): number;
}
