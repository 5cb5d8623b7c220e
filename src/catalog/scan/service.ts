/**
 * Server-side scan planning (planTableScan, fetchPlanningResult, cancelPlanning, fetchScanTasks).
 *
 * A scan whose snapshot has few manifests is planned inside the request and answered `completed`.
 * A larger one answers `submitted` with a plan id and is planned in the background, at most
 * `maxConcurrentPlans` at once; its result is split into plan tasks that fetchScanTasks pages
 * through. Plans live in memory until they expire. Plan ids and plan-task tokens are 128-bit
 * random, and each is bound to the table (warehouse, identifier, table uuid) it was made for:
 * presented for another table it is unknown (404).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AvroError } from '../io/avro.js';
import { StorageError } from '../io/index.js';
import {
  CatalogError,
  NoSuchPlanIdError,
  NoSuchPlanTaskError,
  ServiceUnavailableError,
} from '../errors.js';
import { int64Schema, parseOrBadRequest, type TableMetadata } from '../metadata/index.js';
import { parseJson } from '../../lib/index.js';
import type { CatalogContext } from '../service/context.js';
import { formatIdentifier } from '../service/identifiers.js';
import { requireObject, type ObjectIdentifier } from '../service/objects.js';
import { planFiles, prepareScan, readManifests, type Plan, type PreparedScan } from './planner.js';
import { scanTasksJson } from './serialize.js';

export interface ScanOptions {
  /** Scans of at most this many manifests are planned in the request and answered `completed`. */
  syncMaxManifests: number;
  /** File scan tasks per plan task (and most tasks answered inline). */
  tasksPerPlanTask: number;
  /** Manifests read at once by one plan. */
  manifestConcurrency: number;
  /** Background plans running at once; more wait their turn. */
  maxConcurrentPlans: number;
  /** How long a plan and its tasks stay fetchable after it finishes. */
  planTtlMs: number;
  /** Plans held at once (running or finished); beyond it new async plans get 503. */
  maxPlans: number;
}

export const DEFAULT_SCAN_OPTIONS: Readonly<ScanOptions> = Object.freeze({
  syncMaxManifests: 16,
  tasksPerPlanTask: 1000,
  manifestConcurrency: 8,
  maxConcurrentPlans: 2,
  planTtlMs: 15 * 60_000,
  maxPlans: 1000,
});

const ENV: Record<keyof ScanOptions, string> = {
  syncMaxManifests: 'LAKEHOUSE_SCAN_SYNC_MAX_MANIFESTS',
  tasksPerPlanTask: 'LAKEHOUSE_SCAN_TASKS_PER_PLAN_TASK',
  manifestConcurrency: 'LAKEHOUSE_SCAN_MANIFEST_CONCURRENCY',
  maxConcurrentPlans: 'LAKEHOUSE_SCAN_MAX_CONCURRENT_PLANS',
  planTtlMs: 'LAKEHOUSE_SCAN_PLAN_TTL_MS',
  maxPlans: 'LAKEHOUSE_SCAN_MAX_PLANS',
};

/**
 * Scan options from the environment (LAKEHOUSE_SCAN_*); throws naming the variable whose value
 * is not a non-negative integer (0 for syncMaxManifests makes every non-empty plan asynchronous).
 */
export function scanOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<ScanOptions> {
  const out: Partial<ScanOptions> = {};
  for (const [name, variable] of Object.entries(ENV) as Array<[keyof ScanOptions, string]>) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    const min = name === 'syncMaxManifests' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      throw new Error(`${variable}=${raw} is not an integer >= ${min}`);
    }
    out[name] = value;
  }
  return out;
}

const planRequestSchema = z.looseObject({
  'snapshot-id': int64Schema.optional(),
  select: z.array(z.string()).optional(),
  filter: z.unknown().optional(),
  'min-rows-requested': int64Schema.optional(),
  'case-sensitive': z.boolean().optional(),
  'use-snapshot-schema': z.boolean().optional(),
  'start-snapshot-id': int64Schema.optional(),
  'end-snapshot-id': int64Schema.optional(),
  'stats-fields': z.array(z.string()).optional(),
});

const fetchTasksSchema = z.looseObject({ 'plan-task': z.string() });

type Status = 'submitted' | 'completed' | 'failed' | 'cancelled';

interface PlanEntry {
  table: string;
  status: Status;
  controller?: AbortController;
  plan?: Plan;
  tokens?: string[];
  error?: { message: string; type: string; code: number };
  expiresAt: number;
}

interface TaskEntry {
  table: string;
  planId: string;
  from: number;
  to: number;
}

// Base64url of 16 random bytes, behind a prefix that says what the token is.
const PLAN_ID = /^plan-[A-Za-z0-9_-]{22}$/;
const TASK_TOKEN = /^task-[A-Za-z0-9_-]{22}$/;
const newId = (prefix: string): string => `${prefix}-${randomBytes(16).toString('base64url')}`;

/** Storage and manifest failures as the catalog's errors. */
function asCatalogError(err: unknown): CatalogError {
  if (err instanceof CatalogError) return err;
  if (err instanceof StorageError) {
    return new ServiceUnavailableError(`Cannot read table files: ${err.message}`, 'storage');
  }
  if (err instanceof AvroError) {
    return new CatalogError(500, 'RuntimeIOException', `Cannot read a manifest: ${err.message}`);
  }
  return new CatalogError(
    500,
    'RuntimeException',
    `Scan planning failed: ${(err as Error).message}`,
  );
}

export class ScanService {
  readonly options: ScanOptions;
  private readonly plans = new Map<string, PlanEntry>();
  private readonly tasks = new Map<string, TaskEntry>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly ctx: CatalogContext,
    options: Partial<ScanOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCAN_OPTIONS, ...options };
  }

  /** Aborts every running plan and forgets all plans. */
  close(): void {
    this.closed = true;
    for (const entry of this.plans.values()) entry.controller?.abort(new Error('server closing'));
    this.plans.clear();
    this.tasks.clear();
  }

  private async loadTable(warehouse: string, id: ObjectIdentifier) {
    const record = await requireObject(this.ctx, warehouse, 'table', id);
    const metadata = parseJson(record.metadataJson) as TableMetadata;
    const table = [warehouse, formatIdentifier(id.namespace, id.name), metadata['table-uuid']].join(
      '\u0000',
    );
    return { metadata, table };
  }

  async planTableScan(warehouse: string, id: ObjectIdentifier, body: unknown): Promise<unknown> {
    const request = parseOrBadRequest(planRequestSchema, body ?? {}, 'plan table scan request');
    const { metadata, table } = await this.loadTable(warehouse, id);
    const prepared = prepareScan(metadata, request);
    const io = this.ctx.io;
    let manifests;
    try {
      manifests = await readManifests(io, prepared);
    } catch (err) {
      throw asCatalogError(err);
    }
    this.sweep();
    if (manifests.length <= this.options.syncMaxManifests) {
      let plan: Plan;
      try {
        plan = await planFiles(io, prepared, manifests, {
          concurrency: this.options.manifestConcurrency,
        });
      } catch (err) {
        throw asCatalogError(err);
      }
      this.makeRoom();
      const planId = newId('plan');
      const entry: PlanEntry = { table, status: 'completed', expiresAt: this.expiry() };
      this.plans.set(planId, entry);
      return { 'plan-id': planId, ...this.completed(planId, entry, plan, true) };
    }
    if (!this.makeRoom()) {
      throw new ServiceUnavailableError(
        `Too many scan plans in progress (${this.options.maxPlans}); retry later or cancel unused plans`,
      );
    }
    const planId = newId('plan');
    const controller = new AbortController();
    const entry: PlanEntry = { table, status: 'submitted', controller, expiresAt: Infinity };
    this.plans.set(planId, entry);
    void this.runInBackground(planId, entry, prepared, manifests);
    return { status: 'submitted', 'plan-id': planId };
  }

  private expiry(): number {
    return this.ctx.now() + this.options.planTtlMs;
  }

  private async runInBackground(
    planId: string,
    entry: PlanEntry,
    prepared: PreparedScan,
    manifests: Awaited<ReturnType<typeof readManifests>>,
  ): Promise<void> {
    const signal = (entry.controller as AbortController).signal;
    await this.acquire();
    try {
      if (signal.aborted) return;
      const plan = await planFiles(this.ctx.io, prepared, manifests, {
        concurrency: this.options.manifestConcurrency,
        signal,
      });
      if (signal.aborted || entry.status !== 'submitted') return;
      this.completed(planId, entry, plan, false);
    } catch (err) {
      if (signal.aborted || entry.status !== 'submitted') return;
      const e = asCatalogError(err);
      entry.status = 'failed';
      entry.error = { message: e.message, type: e.type, code: e.status };
      this.ctx.log.warn({ planId, err: e.message }, 'scan planning failed');
    } finally {
      delete entry.controller;
      entry.expiresAt = this.expiry();
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.options.maxConcurrentPlans) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /**
   * Marks `entry` completed and renders its answer: the tasks inline when `inline` and they fit
   * one page, otherwise plan-task tokens that fetchScanTasks serves.
   */
  private completed(
    planId: string,
    entry: PlanEntry,
    plan: Plan,
    inline: boolean,
  ): Record<string, unknown> {
    entry.status = 'completed';
    const per = this.options.tasksPerPlanTask;
    if (inline && plan.tasks.length <= per) {
      return { status: 'completed', ...scanTasksJson(plan.tasks, plan.deletes, plan.statsColumns) };
    }
    entry.plan = plan;
    entry.tokens = [];
    for (let from = 0; from < plan.tasks.length; from += per) {
      const token = newId('task');
      this.tasks.set(token, { table: entry.table, planId, from, to: from + per });
      entry.tokens.push(token);
    }
    return this.render(entry);
  }

  private render(entry: PlanEntry): Record<string, unknown> {
    switch (entry.status) {
      case 'completed':
        return { status: 'completed', 'plan-tasks': entry.tokens ?? [] };
      case 'failed':
        return { status: 'failed', error: entry.error };
      default:
        return { status: entry.status };
    }
  }

  private findPlan(table: string, planId: string): PlanEntry {
    const entry = PLAN_ID.test(planId) ? this.plans.get(planId) : undefined;
    if (!entry || entry.table !== table) {
      throw new NoSuchPlanIdError(`Plan id does not exist for this table: ${planId.slice(0, 64)}`);
    }
    return entry;
  }

  async fetchPlanningResult(warehouse: string, id: ObjectIdentifier, planId: string) {
    const { table } = await this.loadTable(warehouse, id);
    this.sweep();
    return this.render(this.findPlan(table, planId));
  }

  async cancelPlanning(warehouse: string, id: ObjectIdentifier, planId: string): Promise<void> {
    const { table } = await this.loadTable(warehouse, id);
    this.sweep();
    const entry = this.findPlan(table, planId);
    entry.controller?.abort(new Error('scan planning cancelled'));
    this.dropResult(entry);
    entry.status = 'cancelled';
    entry.expiresAt = this.expiry();
  }

  async fetchScanTasks(warehouse: string, id: ObjectIdentifier, body: unknown): Promise<unknown> {
    const request = parseOrBadRequest(fetchTasksSchema, body, 'fetch scan tasks request');
    const { table } = await this.loadTable(warehouse, id);
    this.sweep();
    const token = request['plan-task'];
    const task = TASK_TOKEN.test(token) ? this.tasks.get(token) : undefined;
    const plan = task && task.table === table ? this.plans.get(task.planId) : undefined;
    if (!task || !plan?.plan) {
      throw new NoSuchPlanTaskError(
        `Plan task does not exist for this table: ${token.slice(0, 64)}`,
      );
    }
    plan.expiresAt = Math.max(plan.expiresAt, this.expiry());
    const { tasks, deletes, statsColumns } = plan.plan;
    return scanTasksJson(tasks.slice(task.from, task.to), deletes, statsColumns);
  }

  private dropResult(entry: PlanEntry): void {
    for (const token of entry.tokens ?? []) this.tasks.delete(token);
    delete entry.plan;
    delete entry.tokens;
  }

  /**
   * Keeps the registry under maxPlans by forgetting the oldest finished plans first; false when
   * every plan held is still running.
   */
  private makeRoom(): boolean {
    if (this.plans.size < this.options.maxPlans) return true;
    for (const [planId, entry] of this.plans) {
      if (entry.status === 'submitted') continue;
      this.dropResult(entry);
      this.plans.delete(planId);
      if (this.plans.size < this.options.maxPlans) return true;
    }
    return this.plans.size < this.options.maxPlans;
  }

  /** Forgets finished plans past their expiry. */
  private sweep(): void {
    if (this.closed) return;
    const now = this.ctx.now();
    for (const [planId, entry] of this.plans) {
      if (entry.expiresAt <= now) {
        this.dropResult(entry);
        this.plans.delete(planId);
      }
    }
  }
}
