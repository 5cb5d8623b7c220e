/**
 * The scan service's plan registry: synchronous and asynchronous answers, paging, cancellation of
 * a running plan, expiry, bounded concurrency and size, and plan ids bound to their table. The
 * table is the in-memory 1,000-file fixture; the store is a stub that knows two tables.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../../../../src/catalog/errors.js';
import { ScanService, type ScanOptions } from '../../../../src/catalog/scan/index.js';
import type { CatalogContext } from '../../../../src/catalog/service/context.js';
import { stringifyJson } from '../../../../src/lib/index.js';
import { fixture, type Fixture } from './fixtures.js';

const T1 = { namespace: ['ns'], name: 't1' };
const T2 = { namespace: ['ns'], name: 't2' };

interface Harness {
  scans: ScanService;
  clock: { now: number };
  /** Reads of the data manifests wait while this is set. */
  gate: { wait?: Promise<void>; open?: () => void };
  reads: string[];
}

let fx: Fixture | undefined;

async function harness(options: Partial<ScanOptions>): Promise<Harness> {
  fx ??= await fixture();
  const files = fx.files;
  const clock = { now: 1_000_000 };
  const gate: Harness['gate'] = {};
  const reads: string[] = [];
  const record = (name: string, uuid: string) => ({
    kind: 'table' as const,
    namespace: ['ns'],
    name,
    metadataLocation: `s3://b/${name}/metadata/v1.json`,
    metadataJson: stringifyJson({ ...fx!.metadata, 'table-uuid': uuid }),
    version: 1,
  });
  const ctx = {
    store: {
      getObject: async (_wh: string, _kind: string, _ns: string[], name: string) =>
        name === 't1' ? record('t1', 'uuid-1') : name === 't2' ? record('t2', 'uuid-2') : undefined,
    },
    io: {
      readBytes: async (location: string) => {
        reads.push(location);
        if (/\/m\d+\.avro$/.test(location) && gate.wait) await gate.wait;
        const bytes = files.get(location);
        if (!bytes) throw new Error(`no such file ${location}`);
        return bytes;
      },
    },
    warehouses: [{ name: 'wh', location: 's3://b' }],
    log: pino({ level: 'silent' }),
    now: () => clock.now,
  } as unknown as CatalogContext;
  return { scans: new ScanService(ctx, options), clock, gate, reads };
}

function closeGate(h: Harness): void {
  h.gate.wait = new Promise<void>((resolve) => {
    h.gate.open = () => {
      delete h.gate.wait;
      resolve();
    };
  });
}

type Result = Record<string, unknown>;

async function settle(h: Harness, table: typeof T1, planId: string): Promise<Result> {
  for (;;) {
    const r = (await h.scans.fetchPlanningResult('wh', table, planId)) as Result;
    if (r['status'] !== 'submitted') return r;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const errorType = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CatalogError);
  return `${(err as CatalogError).status} ${(err as CatalogError).type}`;
};

describe('ScanService', () => {
  it('answers a small plan inline, with a plan id', async () => {
    const h = await harness({ syncMaxManifests: 200, tasksPerPlanTask: 5000 });
    const r = (await h.scans.planTableScan('wh', T1, {
      filter: { type: 'eq', term: 'category', value: 'c1' },
    })) as Result;
    expect(r['status']).toBe('completed');
    expect(r['plan-id']).toMatch(/^plan-[A-Za-z0-9_-]{22}$/);
    expect((r['file-scan-tasks'] as unknown[]).length).toBe(100);
    expect(r['plan-tasks']).toBeUndefined();
  });

  it('plans a large scan in the background and pages through its tasks', async () => {
    const h = await harness({ syncMaxManifests: 10, tasksPerPlanTask: 300 });
    const r = (await h.scans.planTableScan('wh', T1, {})) as Result;
    expect(r).toMatchObject({ status: 'submitted' });
    const done = await settle(h, T1, r['plan-id'] as string);
    const tokens = done['plan-tasks'] as string[];
    expect(tokens).toHaveLength(4);
    const paths = new Set<string>();
    for (const token of tokens) {
      const page = (await h.scans.fetchScanTasks('wh', T1, { 'plan-task': token })) as {
        'file-scan-tasks': Array<{ 'data-file': { 'file-path': string } }>;
      };
      for (const t of page['file-scan-tasks']) paths.add(t['data-file']['file-path']);
    }
    expect(paths.size).toBe(1000);
  });

  it('cancels a running plan: its reads stop and it reports cancelled', async () => {
    const h = await harness({ syncMaxManifests: 0, manifestConcurrency: 1 });
    closeGate(h);
    const r = (await h.scans.planTableScan('wh', T1, {})) as Result;
    const planId = r['plan-id'] as string;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const readsBefore = h.reads.length;
    await h.scans.cancelPlanning('wh', T1, planId);
    h.gate.open!();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await h.scans.fetchPlanningResult('wh', T1, planId)).toEqual({ status: 'cancelled' });
    // At most the one read in flight finished; no new manifest was started.
    expect(h.reads.length - readsBefore).toBeLessThanOrEqual(1);
  });

  it('binds plan ids and tasks to their table, and forgets them after the TTL', async () => {
    const h = await harness({ syncMaxManifests: 0, tasksPerPlanTask: 500, planTtlMs: 60_000 });
    const r = (await h.scans.planTableScan('wh', T1, {})) as Result;
    const planId = r['plan-id'] as string;
    const done = await settle(h, T1, planId);
    const token = (done['plan-tasks'] as string[])[0]!;

    expect(await errorType(h.scans.fetchPlanningResult('wh', T2, planId))).toBe(
      '404 NoSuchPlanIdException',
    );
    expect(await errorType(h.scans.cancelPlanning('wh', T2, planId))).toBe(
      '404 NoSuchPlanIdException',
    );
    expect(await errorType(h.scans.fetchScanTasks('wh', T2, { 'plan-task': token }))).toBe(
      '404 NoSuchPlanTaskException',
    );
    expect(await errorType(h.scans.fetchScanTasks('wh', T1, { 'plan-task': planId }))).toBe(
      '404 NoSuchPlanTaskException',
    );
    expect(await errorType(h.scans.fetchScanTasks('wh', T1, {}))).toBe('400 BadRequestException');
    expect(await errorType(h.scans.planTableScan('wh', { namespace: ['ns'], name: 'x' }, {}))).toBe(
      '404 NoSuchTableException',
    );

    h.clock.now += 59_000;
    await h.scans.fetchScanTasks('wh', T1, { 'plan-task': token }); // extends the plan's life
    h.clock.now += 59_000;
    expect(await h.scans.fetchPlanningResult('wh', T1, planId)).toMatchObject({
      status: 'completed',
    });
    h.clock.now += 61_000;
    expect(await errorType(h.scans.fetchPlanningResult('wh', T1, planId))).toBe(
      '404 NoSuchPlanIdException',
    );
    expect(await errorType(h.scans.fetchScanTasks('wh', T1, { 'plan-task': token }))).toBe(
      '404 NoSuchPlanTaskException',
    );
  });

  it('runs at most maxConcurrentPlans at once and refuses plans beyond maxPlans', async () => {
    const h = await harness({
      syncMaxManifests: 0,
      maxConcurrentPlans: 1,
      manifestConcurrency: 1,
      maxPlans: 2,
    });
    closeGate(h);
    const a = (await h.scans.planTableScan('wh', T1, {})) as Result;
    const b = (await h.scans.planTableScan('wh', T1, {})) as Result;
    expect(await errorType(h.scans.planTableScan('wh', T1, {}))).toBe(
      '503 ServiceUnavailableException',
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    // One plan reads (blocked on its first manifest); the other waits its turn without reading.
    expect(h.reads.filter((r) => /\/m\d+\.avro$/.test(r)).length).toBe(1);
    h.gate.open!();
    expect(await settle(h, T1, a['plan-id'] as string)).toMatchObject({ status: 'completed' });
    expect(await settle(h, T1, b['plan-id'] as string)).toMatchObject({ status: 'completed' });
    // Finished plans make room for new ones.
    expect(await h.scans.planTableScan('wh', T1, {})).toMatchObject({ status: 'submitted' });
  });

  it('reports a failed plan', async () => {
    const h = await harness({ syncMaxManifests: 0 });
    fx!.files.delete('s3://b/t/metadata/m7.avro');
    try {
      const r = (await h.scans.planTableScan('wh', T1, {})) as Result;
      const done = await settle(h, T1, r['plan-id'] as string);
      expect(done['status']).toBe('failed');
      expect((done['error'] as { message: string }).message).toMatch(/m7\.avro/);
    } finally {
      fx = undefined; // rebuilt for later tests
    }
  });
});
