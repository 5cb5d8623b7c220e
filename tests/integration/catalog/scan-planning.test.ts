/**
 * Server-side scan planning against real pyiceberg tables on MinIO.
 *
 * pyiceberg writes a table (identity + day partitions, several appends, then a spec evolution
 * adding bucket[4](id)), and for each filter plans the scan twice: locally, reading the manifests
 * itself, and through our planTableScan endpoint (pyiceberg's `scan-planning-mode: server`). The
 * data files must be the same, and so must the rows pyiceberg reads from either plan. Apache
 * Iceberg's Java code (1.10.1) serializes filters of its own and parses the answers
 * (java/ScanPlanningClient.java, which bridges two places where Java 1.10.1 departs from the spec).
 *
 * Then the catalog restarts on the same database with every plan asynchronous and two tasks per
 * plan task: paging through fetchPlanningResult / fetchScanTasks gives the same files,
 * cancellation frees a plan, and hostile requests get 4xx.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import { javaScenarioRunner } from '../../support/java-iceberg.js';
import { PythonScript, pythonEnv } from '../../support/python.js';

const SCRIPT = fileURLToPath(new URL('./py/scan_ops.py', import.meta.url));
const JAVA_PROGRAM = fileURLToPath(new URL('./java/ScanPlanningClient.java', import.meta.url));
const BUCKET = 'lakehouse-scan';
const WAREHOUSE = `s3://${BUCKET}/warehouse`;
const NS = 'scan_it';
const TABLE = 'events';
const OTHER = 'other';

let minio: MinioServer;
let catalog: CatalogProcess;
let home: string;
let db: string;
let snapshots: string[] = [];

async function startCatalog(env: Record<string, string> = {}, database?: string) {
  return spawnCatalog({
    warehouse: WAREHOUSE,
    ...(database ? { db: database } : {}),
    s3: {
      endpoint: minio.endpoint,
      region: minio.region,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    },
    env,
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'lakehouse-scan-'));
  minio = await startMinio();
  await minio.createBucket(BUCKET);
  // A database outside the spawn's temp dir, so the catalog can restart on it.
  db = `sqlite:${join(home, 'catalog.db')}`;
  catalog = await startCatalog({}, db);
});

afterAll(async () => {
  await catalog?.stop();
  await minio?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function py<T>(operation: string, request: Record<string, unknown>): Promise<T> {
  const env = pythonEnv({
    catalogUri: catalog.url,
    s3Endpoint: minio.endpoint,
    s3Region: minio.region,
    accessKeyId: minio.accessKeyId,
    secretAccessKey: minio.secretAccessKey,
    home,
  });
  const script = new PythonScript(inject('python'), SCRIPT, [operation], env, [
    minio.secretAccessKey,
  ]);
  script.send(request);
  try {
    return await script.result<T>();
  } catch (err) {
    const log = catalog.logs().split('\n').slice(-30).join('\n');
    throw new Error(`${(err as Error).message}\n--- catalog log tail ---\n${log}`);
  }
}

const tableUrl = (table: string) => `${catalog.url}/v1/namespaces/${NS}/tables/${table}`;

async function call(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

interface ScanTasks {
  'file-scan-tasks'?: Array<{ 'data-file': { 'file-path': string } }>;
  'delete-files'?: unknown[];
  'plan-tasks'?: string[];
}

const paths = (tasks: ScanTasks) =>
  (tasks['file-scan-tasks'] ?? []).map((t) => t['data-file']['file-path']);

interface PlanComparison {
  filter: string;
  server_planning: boolean;
  local_files: string[];
  server_files: string[];
  local_rows: unknown[] | null;
  server_rows: unknown[] | null;
}

const FILTERS = [
  'True',
  "category = 'a'",
  "category = 'a' and ts >= '2024-01-03T00:00:00'",
  'id < 25',
  'id = 70',
  "ts < '2024-01-02T00:00:00' or category = 'c'",
  'amount > 100',
  "note is null and category != 'b'",
  "not (category in ('a', 'b'))",
  "note like 'note-05%'",
];

describe('scan planning matches pyiceberg', () => {
  it('builds the tables', async () => {
    const result = await py<{ snapshots: string[] }>('setup', { namespace: NS, table: TABLE });
    snapshots = result.snapshots;
    expect(snapshots).toHaveLength(4);
    await py('setup', { namespace: NS, table: OTHER, evolve: false });
  });

  it('advertises the four scan-planning endpoints', async () => {
    const { json } = await call('GET', `${catalog.url}/v1/config`);
    expect(json['endpoints']).toEqual(
      expect.arrayContaining([
        'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
        'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
        'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
        'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
      ]),
    );
  });

  it('plans the same data files as pyiceberg, and pyiceberg reads the same rows', async () => {
    const { results } = await py<{ results: PlanComparison[] }>('plan', {
      namespace: NS,
      table: TABLE,
      filters: FILTERS,
      rows: true,
    });
    expect(results).toHaveLength(FILTERS.length);
    for (const r of results) {
      expect(r.server_planning).toBe(true);
      expect(r.server_files, r.filter).toEqual(r.local_files);
      expect(r.server_rows, r.filter).toEqual(r.local_rows);
    }
    // Each filter reached our endpoint (twice: plan_files, then to_arrow).
    const planRequests = catalog
      .logs()
      .match(/"route":"\/v1\/namespaces\/:namespace\/tables\/:table\/plan"/g);
    expect(planRequests?.length).toBeGreaterThanOrEqual(FILTERS.length * 2);
    const counts = Object.fromEntries(results.map((r) => [r.filter, r.local_files.length]));
    // Pruning happened: the filters select fewer files than the whole table.
    expect(counts["category = 'a'"]).toBeLessThan(counts['True'] as number);
    expect(counts['id = 70']).toBeLessThan(counts["category = 'a'"] as number);
  });

  it('plans an older snapshot (time travel) like pyiceberg', async () => {
    const { results } = await py<{ results: PlanComparison[] }>('plan', {
      namespace: NS,
      table: TABLE,
      filters: ['True', "category = 'b'"],
      snapshot_id: snapshots[1],
    });
    for (const r of results) expect(r.server_files, r.filter).toEqual(r.local_files);
  });

  it('plans an incremental append scan like pyiceberg', async () => {
    const start = snapshots[0] as string;
    const end = snapshots[2] as string;
    const { files } = await py<{ files: string[] }>('incremental', {
      namespace: NS,
      table: TABLE,
      start,
      end,
    });
    const body = `{"start-snapshot-id":${start},"end-snapshot-id":${end}}`;
    const { status, json } = await call('POST', `${tableUrl(TABLE)}/plan`, body);
    expect(status).toBe(200);
    expect(json['status']).toBe('completed');
    expect(paths(json as ScanTasks).sort()).toEqual(files);
    expect(files.length).toBeGreaterThan(0);
  });

  it("answers Java's serialized filters with plans Java's parser reads, same files as pyiceberg", async () => {
    // The same filters as the Java program builds, in pyiceberg's syntax.
    const pyFilters: Record<string, string> = {
      True: 'True',
      "category = 'a'": "category = 'a'",
      "category = 'a' and ts >= '2024-01-03T00:00:00'":
        "category = 'a' and ts >= '2024-01-03T00:00:00'",
      'id < 25': 'id < 25',
      'id in (61, 62)': 'id in (61, 62)',
      "note like 'note-05%'": "note like 'note-05%'",
      "not category = 'b'": "not category = 'b'",
      'amount is nan': 'amount is nan',
    };
    const { results } = await py<{ results: PlanComparison[] }>('plan', {
      namespace: NS,
      table: TABLE,
      filters: Object.values(pyFilters),
    });
    const runner = await javaScenarioRunner(JAVA_PROGRAM);
    const java = (await runner.run(catalog.url, 'plan', NS, TABLE)) as Record<
      string,
      {
        status: number;
        planStatus?: string;
        specForms?: boolean;
        files?: string[];
        partitions?: string[];
        body?: string;
      }
    >;
    expect(java['error'], JSON.stringify(java['error'])).toBeUndefined();
    Object.keys(pyFilters).forEach((name, i) => {
      const j = java[name]!;
      expect(j.status, `${name}: ${j.body ?? ''}`).toBe(200);
      expect(j.planStatus).toBe('completed');
      expect(j.specForms).toBe(true);
      expect([...j.files!].sort(), name).toEqual(results[i]!.local_files);
    });
    // The evolved spec's files carry three partition values, the first spec's two.
    expect(java['id in (61, 62)']!.partitions!.every((p) => p.startsWith('1:'))).toBe(true);
  });

  it('sends column statistics only for stats-fields', async () => {
    const { json } = await call('POST', `${tableUrl(TABLE)}/plan`, {
      filter: { type: 'eq', term: 'id', value: 70 },
      'stats-fields': ['id'],
    });
    const tasks = (json as { 'file-scan-tasks': Array<{ 'data-file': Record<string, unknown> }> })[
      'file-scan-tasks'
    ];
    expect(tasks.length).toBeGreaterThan(0);
    for (const t of tasks) {
      const f = t['data-file'];
      expect(f['lower-bounds']).toMatchObject({ keys: [1] });
      expect(f['upper-bounds']).toMatchObject({ keys: [1] });
      expect(f['content']).toBe('data');
      expect(f['file-format']).toBe('parquet');
      const lower = (f['lower-bounds'] as { values: number[] }).values[0] as number;
      const upper = (f['upper-bounds'] as { values: number[] }).values[0] as number;
      expect(lower).toBeLessThanOrEqual(70);
      expect(upper).toBeGreaterThanOrEqual(70);
    }
  });
});

describe('asynchronous planning, paging and cancellation', () => {
  let syncFiles: string[] = [];

  it('restarts the catalog with every plan asynchronous and two tasks per plan task', async () => {
    const { json } = await call('POST', `${tableUrl(TABLE)}/plan`, {});
    syncFiles = paths(json as ScanTasks).sort();
    expect(syncFiles.length).toBeGreaterThan(4);
    await catalog.stop();
    catalog = await startCatalog(
      { LAKEHOUSE_SCAN_SYNC_MAX_MANIFESTS: '0', LAKEHOUSE_SCAN_TASKS_PER_PLAN_TASK: '2' },
      db,
    );
  });

  async function waitForPlan(table: string, planId: string) {
    for (;;) {
      const { status, json } = await call('GET', `${tableUrl(table)}/plan/${planId}`);
      expect(status).toBe(200);
      if (json['status'] !== 'submitted') return json;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('pages through plan tasks to the same files as a synchronous plan', async () => {
    const submitted = await call('POST', `${tableUrl(TABLE)}/plan`, {});
    expect(submitted.status).toBe(200);
    expect(submitted.json['status']).toBe('submitted');
    const planId = submitted.json['plan-id'] as string;
    const done = await waitForPlan(TABLE, planId);
    expect(done['status']).toBe('completed');
    const tokens = done['plan-tasks'] as string[];
    expect(tokens.length).toBe(Math.ceil(syncFiles.length / 2));
    const files: string[] = [];
    for (const token of tokens) {
      const { status, json } = await call('POST', `${tableUrl(TABLE)}/tasks`, {
        'plan-task': token,
      });
      expect(status).toBe(200);
      expect((json as ScanTasks)['file-scan-tasks']!.length).toBeLessThanOrEqual(2);
      files.push(...paths(json as ScanTasks));
    }
    expect(files.sort()).toEqual(syncFiles);
  });

  it('cancels a plan: it reports cancelled and its tasks are gone', async () => {
    const submitted = await call('POST', `${tableUrl(TABLE)}/plan`, {});
    const planId = submitted.json['plan-id'] as string;
    const done = await waitForPlan(TABLE, planId);
    const token = (done['plan-tasks'] as string[])[0];
    expect((await call('DELETE', `${tableUrl(TABLE)}/plan/${planId}`)).status).toBe(204);
    expect((await call('GET', `${tableUrl(TABLE)}/plan/${planId}`)).json['status']).toBe(
      'cancelled',
    );
    const gone = await call('POST', `${tableUrl(TABLE)}/tasks`, { 'plan-task': token });
    expect(gone.status).toBe(404);
    expect((gone.json['error'] as { type: string }).type).toBe('NoSuchPlanTaskException');

    // Cancelled straight after submission: never completes.
    const again = await call('POST', `${tableUrl(TABLE)}/plan`, {});
    const againId = again.json['plan-id'] as string;
    expect((await call('DELETE', `${tableUrl(TABLE)}/plan/${againId}`)).status).toBe(204);
    expect((await call('GET', `${tableUrl(TABLE)}/plan/${againId}`)).json['status']).toBe(
      'cancelled',
    );
  });

  it('refuses a plan id or plan task of another table, and unknown ones', async () => {
    const submitted = await call('POST', `${tableUrl(TABLE)}/plan`, {});
    const planId = submitted.json['plan-id'] as string;
    const done = await waitForPlan(TABLE, planId);
    const token = (done['plan-tasks'] as string[])[0];

    const other = await call('GET', `${tableUrl(OTHER)}/plan/${planId}`);
    expect(other.status).toBe(404);
    expect((other.json['error'] as { type: string }).type).toBe('NoSuchPlanIdException');
    expect((await call('DELETE', `${tableUrl(OTHER)}/plan/${planId}`)).status).toBe(404);
    const otherTask = await call('POST', `${tableUrl(OTHER)}/tasks`, { 'plan-task': token });
    expect(otherTask.status).toBe(404);
    // The plan is untouched by the refused requests.
    expect((await call('GET', `${tableUrl(TABLE)}/plan/${planId}`)).json['status']).toBe(
      'completed',
    );

    for (const garbage of ['plan-AAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(500), '..%2F..%2Fetc']) {
      const r = await call('GET', `${tableUrl(TABLE)}/plan/${garbage}`);
      expect(r.status, garbage).toBe(404);
    }
    for (const garbage of ['task-AAAAAAAAAAAAAAAAAAAAAA', '', 'x'.repeat(5000)]) {
      const r = await call('POST', `${tableUrl(TABLE)}/tasks`, { 'plan-task': garbage });
      expect(r.status, garbage.slice(0, 20)).toBe(404);
    }
    const noTask = await call('POST', `${tableUrl(TABLE)}/tasks`, { 'plan-task': 5 });
    expect(noTask.status).toBe(400);
    const noTable = await call('POST', `${catalog.url}/v1/namespaces/${NS}/tables/nope/plan`, {});
    expect(noTable.status).toBe(404);
    expect((noTable.json['error'] as { type: string }).type).toBe('NoSuchTableException');
  });

  it.each([
    [{ filter: { type: 'lt', term: 'missing', value: 1 } }, /Cannot find field 'missing'/],
    [{ filter: { type: 'bogus' } }, /unknown expression type/],
    [{ filter: { type: 'eq', term: 'id', value: 'abc' } }, /not a valid long/],
    [{ filter: { type: 'is-nan', term: 'category' } }, /float or double/],
    [{ filter: { type: 'lt', term: 'ID', value: 1 } }, /Cannot find field 'ID'/],
    [{ select: ['nope'] }, /Invalid select/],
    [{ 'stats-fields': ['nope'] }, /Invalid stats-fields/],
    [{ 'snapshot-id': 1 }, /Cannot find snapshot 1/],
    [{ 'start-snapshot-id': 1 }, /needs end-snapshot-id/],
    [{ 'case-sensitive': 'yes' }, /case-sensitive/],
    ['{"filter":', /Malformed JSON/],
  ])('answers 400 to %j', async (body, message) => {
    const { status, json } = await call('POST', `${tableUrl(TABLE)}/plan`, body);
    expect(status).toBe(400);
    expect((json['error'] as { message: string }).message).toMatch(message);
  });

  it('binds names case-insensitively when asked', async () => {
    const { status, json } = await call('POST', `${tableUrl(TABLE)}/plan`, {
      filter: { type: 'lt', term: 'ID', value: 1 },
      'case-sensitive': false,
    });
    expect(status).toBe(200);
    expect(json['status']).toBe('submitted');
  });
});
