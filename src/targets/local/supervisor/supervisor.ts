/**
 * The set of supervised processes: applies desired specs, starts each process once its
 * dependencies are healthy, stops in reverse dependency order, and reports status.
 */
import type { Logger } from 'pino';
import type { ProcessSpec, ProcessStatus } from '../process-spec.js';
import { ManagedProcess, type ProcessRecord } from './managed-process.js';
import { startOrder, stopLevels, type DependencyNode } from './order.js';
import type { SupervisorPaths } from './paths.js';
import type { SupervisorSettings } from './settings.js';
import { diffSpecs, specsEqual } from './spec-diff.js';

export interface ApplyResult {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
  /** Paused processes whose desired spec differs (or that were removed): left as they are. */
  skipped: string[];
}

export class UnknownProcessError extends Error {
  constructor(readonly processName: string) {
    super(`no process named "${processName}" is supervised`);
    this.name = 'UnknownProcessError';
  }
}

export class Supervisor {
  private readonly procs = new Map<string, ManagedProcess>();
  private desired = new Map<string, ProcessSpec>();
  private order: string[] = [];
  private shuttingDown = false;
  /** apply, resume and shutdown change the set; one at a time. */
  private setQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly paths: SupervisorPaths,
    private readonly settings: SupervisorSettings,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Makes the running set match `specs`, leaving paused processes alone. */
  apply(specs: readonly ProcessSpec[]): Promise<ApplyResult> {
    return this.serial(async () => {
      if (this.shuttingDown) throw new Error('the supervisor is shutting down');
      this.desired = new Map(specs.map((s) => [s.name, s]));
      const current = new Map([...this.procs].map(([name, p]) => [name, p.spec]));
      const diff = diffSpecs(current, specs);
      const skipped: string[] = [];
      const isPaused = (name: string): boolean => this.procs.get(name)?.isPaused === true;
      const removed = diff.removed.filter((n) => !isPaused(n));
      const changed = diff.changed.filter((n) => !isPaused(n));
      skipped.push(...diff.removed.filter(isPaused), ...diff.changed.filter(isPaused));

      // Removed ones go first, dependents before their dependencies.
      for (const level of this.levelsToStop(removed)) {
        await Promise.all(level.map((name) => this.procs.get(name)?.shutdown()));
      }
      for (const name of removed) this.procs.delete(name);
      for (const level of this.levelsToStop(changed)) {
        await Promise.all(
          level.map((name) => {
            const spec = this.desired.get(name);
            return spec ? this.procs.get(name)?.replaceSpec(spec) : undefined;
          }),
        );
      }
      for (const name of diff.added) {
        const spec = this.desired.get(name);
        if (spec) this.procs.set(name, this.create(spec));
      }
      this.recomputeOrder();
      const result = { ...diff, removed, changed, skipped };
      this.logger.info(
        {
          added: result.added,
          removed: result.removed,
          changed: result.changed,
          skipped: result.skipped,
        },
        'applied desired processes',
      );
      this.onChange();
      return result;
    });
  }

  /** Starts what may start; called on a short timer. */
  tick(): void {
    const now = Date.now();
    for (const name of this.order) {
      const proc = this.procs.get(name);
      if (!proc) continue;
      proc.tick(now, this.dependenciesHealthy(proc.spec), this.shuttingDown);
    }
  }

  status(): ProcessStatus[] {
    return this.order.flatMap((name) => {
      const proc = this.procs.get(name);
      return proc ? [proc.status()] : [];
    });
  }

  records(): ProcessRecord[] {
    return [...this.procs.values()].flatMap((p) => {
      const r = p.record();
      return r ? [r] : [];
    });
  }

  get(name: string): ManagedProcess {
    const proc = this.procs.get(name);
    if (!proc) throw new UnknownProcessError(name);
    return proc;
  }

  /** Resumes reconciliation of one process and catches it up with desired.json's spec. */
  resume(name: string): Promise<void> {
    const proc = this.get(name);
    return this.serial(async () => {
      proc.resume();
      const spec = this.desired.get(name);
      if (!spec) {
        await proc.shutdown();
        this.procs.delete(name);
        this.recomputeOrder();
      } else if (!specsEqual(spec, proc.spec)) {
        await proc.replaceSpec(spec);
        this.recomputeOrder();
      }
      this.onChange();
    });
  }

  /**
   * An explicit redeploy of one process, paused or not: it gets desired.json's spec (as of the
   * last apply) and restarts, even when the spec is unchanged (its config files may have
   * changed). Paused stays paused: only this one start goes ahead.
   */
  replace(name: string): Promise<void> {
    const proc = this.get(name);
    return this.serial(async () => {
      const spec = this.desired.get(name);
      if (spec && !specsEqual(spec, proc.spec)) {
        await proc.replaceSpec(spec);
        this.recomputeOrder();
      }
      await proc.restart();
      this.onChange();
    });
  }

  /** Stops everything, dependents first. */
  shutdown(): Promise<string[]> {
    this.shuttingDown = true;
    return this.serial(async () => {
      const names = [...this.procs.keys()];
      for (const level of this.levelsToStop(names)) {
        await Promise.all(level.map((name) => this.procs.get(name)?.shutdown()));
      }
      this.onChange();
      return names;
    });
  }

  private create(spec: ProcessSpec): ManagedProcess {
    return new ManagedProcess(spec, this.settings, this.paths.processLog(spec.name), () =>
      this.onChange(),
    );
  }

  /**
   * A dependency that is not supervised (a paused process may keep a spec naming one that
   * apply removed) does not block: nothing could ever satisfy it.
   */
  private dependenciesHealthy(spec: ProcessSpec): boolean {
    return spec.dependsOn.every((dep) => {
      const proc = this.procs.get(dep);
      return proc === undefined || proc.isHealthy;
    });
  }

  /** Stop levels of `names`, ordered by the dependencies among the supervised processes. */
  private levelsToStop(names: readonly string[]): string[][] {
    const wanted = new Set(names);
    let levels: string[][];
    try {
      levels = stopLevels(this.nodes());
    } catch {
      // Paused processes can keep an old graph that no longer closes; stop in one go then.
      levels = [[...this.procs.keys()]];
    }
    return levels.map((l) => l.filter((n) => wanted.has(n))).filter((l) => l.length > 0);
  }

  private recomputeOrder(): void {
    try {
      this.order = startOrder(this.nodes());
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'no dependency order; using list order');
      this.order = [...this.procs.keys()];
    }
  }

  private nodes(): DependencyNode[] {
    return [...this.procs.values()].map((p) => ({
      name: p.name,
      dependsOn: p.spec.dependsOn.filter((d) => this.procs.has(d)),
    }));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.setQueue.then(work);
    this.setQueue = run.catch(() => undefined);
    return run;
  }
}
