/**
 * One supervised process: spawns it in its own process group with output to its log, probes its
 * health, restarts it after an exit with backoff, stops it gracefully. The supervisor decides
 * *when* it may start (dependencies healthy); this class decides everything about itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessSpec, ProcessStateName, ProcessStatus } from '../process-spec.js';
import { probeHealth } from './health.js';
import { groupAlive, processStartTime, signalGroup } from './os-process.js';
import {
  INITIAL_RESTART_STATE,
  onFailure,
  onHealthy,
  type RestartPolicyState,
} from './restart-policy.js';
import { RotatingLog } from './rotating-log.js';
import type { SupervisorSettings } from './settings.js';

/** What the status file keeps per process so a new supervisor can find leftovers. */
export interface ProcessRecord {
  name: string;
  pid: number;
  /** Kernel start time of the pid: proves a live pid is still our child. */
  procStart: number | null;
  argv: string[];
}

export class ManagedProcess {
  private child: ChildProcess | null = null;
  private procStart: number | null = null;
  private state: ProcessStateName = 'starting';
  private healthy = false;
  private healthySince: number | null = null;
  private startedAt: number | null = null;
  private restarts = 0;
  private lastExit: ProcessStatus['lastExit'] = null;
  private policy: RestartPolicyState = INITIAL_RESTART_STATE;
  private nextStartAt = 0;
  /** Should be running: false after an explicit stop, until an explicit start. */
  private wanted = true;
  /** An explicit start or restart: goes ahead even while paused. */
  private startRequested = false;
  /** The next spawn follows a failure and counts as a restart. */
  private restartPending = false;
  /** The current child is being stopped on purpose: its exit is not a failure. */
  private stopRequested = false;
  /** The current child was killed for not getting healthy in time: its exit is a failure. */
  private startTimedOut = false;
  private probing = false;
  private lastProbeAt = 0;
  private exitWaiters: Array<() => void> = [];
  /** Serializes stop/start/restart/replace so they never interleave on one process. */
  private queue: Promise<unknown> = Promise.resolve();
  private busy = 0;
  private paused = false;
  readonly log: RotatingLog;

  constructor(
    public spec: ProcessSpec,
    private readonly settings: SupervisorSettings,
    logPath: string,
    private readonly onChange: () => void,
  ) {
    this.log = new RotatingLog(logPath, settings.logMaxBytes);
  }

  get name(): string {
    return this.spec.name;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** Called every supervisor tick: start when allowed, time out slow starts, probe health. */
  tick(now: number, dependenciesHealthy: boolean, shuttingDown: boolean): void {
    if (this.busy > 0 || shuttingDown) return;
    if (this.child) {
      if (this.state === 'starting' && this.startedAt !== null) {
        const limit = this.spec.startTimeoutMs ?? this.settings.defaultStartTimeoutMs;
        if (now - this.startedAt > limit) {
          this.log.note(`not healthy after ${limit} ms: stopping it to try again`);
          this.startTimedOut = true;
          void this.exclusive(() => this.terminate());
          return;
        }
      }
      if (!this.probing && now - this.lastProbeAt >= this.settings.healthIntervalMs) {
        void this.probe();
      }
      if (this.healthy && this.healthySince !== null) {
        this.policy = onHealthy(this.policy, this.healthySince, now, this.settings.policy);
      }
      return;
    }
    const allowed = this.wanted && (!this.paused || this.startRequested);
    if (allowed && now >= this.nextStartAt && dependenciesHealthy) this.spawnChild();
  }

  /** Explicit start: forgets the failure history and starts as soon as dependencies allow. */
  start(): Promise<void> {
    return this.exclusive(async () => {
      this.wanted = true;
      if (this.child) return;
      this.startRequested = true;
      this.policy = INITIAL_RESTART_STATE;
      this.nextStartAt = 0;
      this.setState('starting');
    });
  }

  /** Explicit stop: stays stopped (even across apply) until an explicit start. */
  stop(): Promise<void> {
    return this.exclusive(async () => {
      this.wanted = false;
      await this.terminate();
      this.setState('stopped');
    });
  }

  /** Explicit restart: stop, then start again right away (dependencies permitting). */
  restart(): Promise<void> {
    return this.exclusive(async () => {
      const wasRunning = this.child !== null;
      await this.terminate();
      if (wasRunning) this.restarts++;
      this.wanted = true;
      this.startRequested = true;
      this.policy = INITIAL_RESTART_STATE;
      this.nextStartAt = 0;
      this.setState('starting');
    });
  }

  /** A new spec from apply: stop the old process; the new one starts like a new process. */
  replaceSpec(spec: ProcessSpec): Promise<void> {
    return this.exclusive(async () => {
      await this.terminate();
      this.spec = spec;
      this.restarts = 0;
      this.lastExit = null;
      this.policy = INITIAL_RESTART_STATE;
      this.nextStartAt = 0;
      if (this.wanted) this.setState('starting');
    });
  }

  /** Paused: an exit is not restarted and apply leaves the process alone. */
  pause(): void {
    if (!this.paused) this.log.note('reconciliation paused');
    this.paused = true;
    this.onChange();
  }

  /** Resumed: a process that exited while paused starts again right away. */
  resume(): void {
    if (this.paused) this.log.note('reconciliation resumed');
    this.paused = false;
    if (!this.child && this.wanted && this.busy === 0) {
      this.nextStartAt = 0;
      this.setState('starting');
    }
    this.onChange();
  }

  /** Stop for good (removed from desired, or supervisor shutdown). */
  shutdown(): Promise<void> {
    return this.exclusive(async () => {
      this.wanted = false;
      await this.terminate();
      this.setState('stopped');
      this.log.close();
    });
  }

  status(): ProcessStatus {
    return {
      name: this.spec.name,
      component: this.spec.component,
      version: this.spec.version,
      state:
        this.policy.crashloop && this.state !== 'stopped' && !this.healthy
          ? 'crashloop'
          : this.state,
      pid: this.child?.pid ?? null,
      ports: [...this.spec.ports],
      healthy: this.healthy,
      startedAt: this.child ? this.startedAt : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      logFile: this.log.path,
      paused: this.paused,
    };
  }

  record(): ProcessRecord | null {
    const pid = this.child?.pid;
    if (pid === undefined) return null;
    return {
      name: this.name,
      pid,
      procStart: this.procStart,
      argv: [this.spec.command, ...this.spec.args],
    };
  }

  private spawnChild(): void {
    const spec = this.spec;
    if (this.restartPending) this.restarts++;
    this.restartPending = false;
    this.startRequested = false;
    this.stopRequested = false;
    this.startTimedOut = false;
    this.healthy = false;
    this.healthySince = null;
    this.lastProbeAt = 0;
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        // Exactly the spec's environment: the supervisor's own must not leak in.
        env: spec.env,
        // Its own session and process group, so a stop reaches everything it forked.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      this.spawnFailed(err as Error);
      return;
    }
    this.child = child;
    this.startedAt = Date.now();
    this.setState('starting');
    child.stdout?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.log.write(chunk));
    child.once('error', (err) => {
      // Without a pid the spawn itself failed (no such command or cwd); no 'exit' follows.
      if (this.child === child && child.pid === undefined) {
        this.child = null;
        this.spawnFailed(err);
      }
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.onExit(child, code, signal);
    });
    if (child.pid !== undefined) {
      this.procStart = processStartTime(child.pid);
      // Only the command: arguments and environment may carry credentials.
      this.log.note(`started ${spec.command} (pid ${child.pid})`);
    }
  }

  private spawnFailed(err: Error): void {
    this.log.note(`could not start ${this.spec.command}: ${err.message}`);
    this.lastExit = { code: null, signal: null, at: Date.now() };
    this.failed();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const pid = child.pid;
    this.child = null;
    this.procStart = null;
    this.healthy = false;
    this.healthySince = null;
    this.startedAt = null;
    this.lastExit = { code, signal, at: Date.now() };
    this.log.note(`exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    const waiters = this.exitWaiters;
    this.exitWaiters = [];
    for (const resolve of waiters) resolve();
    if (this.stopRequested && !this.startTimedOut) {
      this.onChange();
      return;
    }
    // A crashed leader's leftovers would hold its ports and block the restart.
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    this.failed();
  }

  private failed(): void {
    const now = Date.now();
    const wasCrashloop = this.policy.crashloop;
    const { state, delayMs } = onFailure(this.policy, now, this.settings.policy);
    this.policy = state;
    this.nextStartAt = now + delayMs;
    this.restartPending = true;
    if (state.crashloop && !wasCrashloop) {
      this.log.note(
        `crash loop: ${state.failureTimes.length} failures within ${Math.round(this.settings.policy.windowMs / 1000)} s`,
      );
    }
    if (this.paused) {
      this.log.note('reconciliation paused: not restarting');
      this.setState('stopped');
      return;
    }
    if (this.wanted) this.log.note(`restarting in ${delayMs} ms`);
    this.setState(this.wanted ? 'backoff' : 'stopped');
  }

  /**
   * Graceful stop of the current child: SIGTERM to its group, SIGKILL to the group after the
   * stop timeout, then wait for the group to be empty. No-op without a child.
   */
  private async terminate(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) {
      this.nextStartAt = 0;
      return;
    }
    const pgid = child.pid;
    const timeout = this.spec.stopTimeoutMs ?? this.settings.defaultStopTimeoutMs;
    this.stopRequested = true;
    this.setState('stopping');
    this.log.note('stopping (SIGTERM)');
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    signalGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + timeout;
    // The timer is cancelled once the process exits: a pending one would keep a supervisor that
    // is shutting down alive for the whole stop timeout.
    const timer = new AbortController();
    const inTime = await Promise.race([
      exited.then(() => true),
      sleep(timeout, false, { signal: timer.signal }).catch(() => false),
    ]);
    timer.abort();
    // The leader may be gone while processes it forked still shut down.
    while (inTime && groupAlive(pgid) && Date.now() < deadline) await sleep(50);
    if (!inTime || groupAlive(pgid)) {
      this.log.note(`still running after ${timeout} ms: SIGKILL`);
      signalGroup(pgid, 'SIGKILL');
      await exited;
    }
  }

  private async probe(): Promise<void> {
    const child = this.child;
    this.probing = true;
    this.lastProbeAt = Date.now();
    try {
      const ok = await probeHealth(this.spec.health, this.settings.healthTimeoutMs);
      if (this.child !== child || child === null || this.stopRequested) return;
      if (ok && !this.healthy) {
        this.healthy = true;
        this.healthySince = Date.now();
        if (this.state === 'starting') this.log.note('healthy');
        this.setState('running');
      } else if (!ok && this.healthy) {
        this.healthy = false;
        this.healthySince = null;
        this.log.note(`health check failed: ${this.spec.health.url}`);
        this.onChange();
      }
    } finally {
      this.probing = false;
    }
  }

  private setState(state: ProcessStateName): void {
    this.state = state;
    this.onChange();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    const run = this.queue.then(work).finally(() => {
      this.busy--;
      this.onChange();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
