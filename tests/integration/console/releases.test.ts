/**
 * The console's releases and pipelines API over real HTTP: `startConsole` on a temporary state
 * directory whose release store is written by the code `lakehouse up` and `upgrade` use, and
 * whose Airflow is switched off, refusing the login (a stand-in that records every request, to
 * prove hostile ids never reach it) or down. The live Airflow is in tests/integration/airflow.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsolePipelines, ConsoleReleases } from '../../../src/console/api.js';
import type { RunningConsole } from '../../../src/console/index.js';
import { buildConsoleApp } from '../../../src/console/server/index.js';
import { localAirflowAccess, readReleases } from '../../../src/console/releases/index.js';
import { findFreePort } from '../../../src/lib/index.js';
import {
  installRelease,
  recordOutcome,
  recordPending,
  type Release,
} from '../../../src/ops/index.js';
import { loadValues } from '../../../src/platform/config/index.js';
import { airflowPaths, writeAdminCredentials } from '../../../src/targets/local/airflow/index.js';
import { historyFile, writeHistory } from '../../../src/targets/local/releases/index.js';
import { runLakehouse } from '../../support/cli.js';
import { consoleDeps, startTestConsole } from '../../support/console.js';
import { rawGet } from '../../support/raw-http.js';

let dir: string;
const consoles: RunningConsole[] = [];
let standIn: Server;
const standInRequests: string[] = [];
let refuse = true;

function valuesFile(name: string, airflow: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'global: { target: local }',
      'minio: { enabled: true }',
      'icebergCatalog: { enabled: true }',
      'trino: { enabled: true }',
      'observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }',
      `airflow: ${airflow}`,
      '',
    ].join('\n'),
  );
  return file;
}

async function start(stateDir: string, valuesFile: string): Promise<RunningConsole> {
  const c = await startTestConsole({ stateDir, valuesFile, webRoot: join(dir, 'no-page') });
  consoles.push(c);
  return c;
}

const getJson = async <T>(
  c: RunningConsole,
  path: string,
): Promise<{ status: number; body: T; cache: string | null }> => {
  const res = await fetch(`${c.url}${path}`);
  return {
    status: res.status,
    body: (await res.json()) as T,
    cache: res.headers.get('cache-control'),
  };
};

let offConsole: RunningConsole;
let refusingConsole: RunningConsole;
let offHome: string;
let workers: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-console-releases-'));
  offHome = join(dir, 'off');
  const offValues = valuesFile('off', '{ enabled: false }');

  // The store as `lakehouse up` leaves it (revision 1 of each component it installs), then an
  // upgrade of Trino that deployed and one that failed, recorded the way the upgrade workflow does.
  const values = await loadValues({ env: 'local', files: [offValues] });
  workers = values.trino.workers.count;
  const t0 = '2026-12-01T10:00:00.000Z';
  for (const c of ['minio', 'trino'] as const) {
    writeHistory(offHome, c, [installRelease(c, values, t0, t0)]);
  }
  let trino: Release[] = [installRelease('trino', values, t0, t0)];
  const upgrade = (revision: number, status: 'deployed' | 'failed', description: string): void => {
    const r: Release = {
      ...installRelease('trino', values, t0, t0),
      revision,
      action: 'upgrade',
      status,
      startedAt: `2026-12-0${revision}T10:00:00.000Z`,
      finishedAt: `2026-12-0${revision}T10:02:00.000Z`,
      description,
      replicas: revision,
    };
    trino = recordPending(trino, r);
    trino = recordOutcome(trino, r);
  };
  upgrade(2, 'deployed', 'upgrade by lakehouse upgrade');
  upgrade(3, 'failed', 'upgrade failed its health gate; rolled back');
  writeHistory(offHome, 'trino', trino);
  offConsole = await start(offHome, offValues);
  // Damaged under the running console: it costs only that component's table.
  writeFileSync(historyFile(offHome, 'iceberg-catalog'), '{ not json');

  // An "Airflow" that records what it was asked: refusing every login, or (once `refuse` is
  // off) issuing a token and answering 404 to everything else.
  standIn = createServer((req, res) => {
    standInRequests.push(`${req.method} ${req.url}`);
    const [status, body] = refuse
      ? [401, { detail: 'Invalid credentials' }]
      : req.url === '/auth/token'
        ? [201, { access_token: 'a.b.c' }]
        : [404, { detail: `stand-in: nothing at ${req.url}` }];
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', () => r()));
  const a = standIn.address();
  const standInPort = typeof a === 'object' && a ? a.port : 0;
  const refusingHome = join(dir, 'refusing');
  await writeAdminCredentials(airflowPaths(refusingHome).adminCredentials, 'the-admin-password');
  refusingConsole = await start(
    refusingHome,
    valuesFile('refusing', `{ enabled: true, port: ${standInPort} }`),
  );
}, 120_000);

afterAll(async () => {
  for (const c of consoles) await c.close();
  await new Promise<void>((r) => (standIn ? standIn.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/releases', () => {
  it("lists each component's revisions newest first with the deployed one, like `lakehouse history`", async () => {
    const { status, body, cache } = await getJson<ConsoleReleases>(offConsole, '/api/releases');
    expect(status).toBe(200);
    expect(cache).toBe('no-store');
    const trino = body.components.find((c) => c.component === 'trino');
    expect(trino?.deployedRevision).toBe(2);
    expect(trino?.releases.map((r) => [r.revision, r.status, r.action, r.replicas])).toEqual([
      [3, 'failed', 'upgrade', 3],
      [2, 'deployed', 'upgrade', 2],
      [1, 'superseded', 'install', workers],
    ]);
    expect(trino?.releases[2]?.description).toBe('install by lakehouse up');

    const cli = await runLakehouse(offHome, ['history', 'trino', '-o', 'json'], 60_000);
    expect(cli.code, cli.stderr).toBe(0);
    const history = JSON.parse(cli.stdout) as Release[];
    expect(trino?.releases.map((r) => [r.revision, r.status, r.version, r.finishedAt])).toEqual(
      [...history].reverse().map((r) => [r.revision, r.status, r.version, r.finishedAt]),
    );
  });

  it('shows the components the values run, a damaged history with its reason, no settings', async () => {
    const { body } = await getJson<ConsoleReleases>(offConsole, '/api/releases');
    // Runbook order; Airflow is off and has no history, observability is off.
    expect(body.components.map((c) => c.component)).toEqual(['minio', 'iceberg-catalog', 'trino']);
    const catalog = body.components.find((c) => c.component === 'iceberg-catalog');
    expect(catalog?.releases).toEqual([]);
    expect(catalog?.error).toContain('iceberg-catalog.json: not valid JSON');
    expect(body.components.find((c) => c.component === 'minio')?.deployedRevision).toBe(1);
    expect(JSON.stringify(body)).not.toContain('configDigest');
    expect(JSON.stringify(body)).not.toContain('settings');
  });
});

describe('GET /api/pipelines without a working Airflow', () => {
  it('Airflow switched off: available false, saying how to turn it on', async () => {
    const { status, body, cache } = await getJson<ConsolePipelines>(offConsole, '/api/pipelines');
    expect(status).toBe(200);
    expect(cache).toBe('no-store');
    expect(body.available).toBe(false);
    expect(body.reason).toContain('airflow.enabled: true');
    expect(body.dags).toEqual([]);
    const detail = await getJson<{ error: string }>(offConsole, '/api/pipelines/d/runs/r');
    expect(detail.status).toBe(503);
    expect(detail.body.error).toContain('airflow.enabled: true');
  });

  it('Airflow refusing the login: available false with the reason; the password never shows', async () => {
    const before = standInRequests.length;
    const res = await fetch(`${refusingConsole.url}/api/pipelines`);
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text) as ConsolePipelines;
    expect(body.available).toBe(false);
    expect(body.reason).toContain("refused the console's admin login (401: Invalid credentials)");
    expect(text).not.toContain('the-admin-password');
    // A refused login is retried once with the credentials read again, then given up.
    expect(standInRequests.slice(before)).toEqual(['POST /auth/token', 'POST /auth/token']);
  });

  it('Airflow down: available false with the reason, and 503 for a run', async () => {
    const home = join(dir, 'down');
    await writeAdminCredentials(airflowPaths(home).adminCredentials, 'pw');
    const port = await findFreePort();
    const values = await loadValues({
      env: 'local',
      files: [valuesFile('down', `{ enabled: true, port: ${port} }`)],
    });
    const app = await buildConsoleApp(
      consoleDeps({
        releases: async () => readReleases(home, values),
        airflow: localAirflowAccess({ stateDir: home, values: async () => values }),
      }),
    );
    try {
      const list = await app.inject({ url: '/api/pipelines' });
      expect(list.statusCode).toBe(200);
      const body = list.json<ConsolePipelines>();
      expect(body.available).toBe(false);
      expect(body.reason).toContain(`http://127.0.0.1:${port} is not reachable`);
      expect(body.reason).toContain('ECONNREFUSED');
      const run = await app.inject({ url: '/api/pipelines/d/runs/manual__x' });
      expect(run.statusCode).toBe(503);
      expect(run.json<{ error: string }>().error).toContain('is not reachable');
    } finally {
      await app.close();
    }
  });
});

describe('GET /api/pipelines/:dagId/runs/:runId with hostile ids', () => {
  it.each([
    '/api/pipelines/../runs/x',
    '/api/pipelines/%2e%2e/runs/x',
    '/api/pipelines/a%2Fb/runs/x',
    '/api/pipelines/dag/runs/..',
    '/api/pipelines/dag/runs/a%2F..%2F..%2Fdags',
    '/api/pipelines/dag/runs/x%0Ay',
    '/api/pipelines/dag/runs/x%00',
    '/api/pipelines/dag%20id/runs/x',
    `/api/pipelines/dag/runs/${'r'.repeat(251)}`,
    `/api/pipelines/${'d'.repeat(251)}/runs/x`,
  ])('%s → 400, Airflow never asked', async (path) => {
    const before = standInRequests.length;
    // Raw: fetch and app.inject resolve `..` before sending, a hostile client does not.
    const res = await rawGet(refusingConsole.url, path);
    expect(res.status).toBe(400);
    expect((JSON.parse(res.body) as { error: string }).error).toMatch(/id is letters/);
    expect(standInRequests.length).toBe(before);
  });

  it('a valid generated run id reaches Airflow encoded; its 404 passes through with its message', async () => {
    refuse = false;
    const before = standInRequests.length;
    const runId = 'manual__2026-12-03T10:00:00+00:00';
    const res = await fetch(
      `${refusingConsole.url}/api/pipelines/my.dag/runs/${encodeURIComponent(runId)}`,
    );
    const expected = '/api/v2/dags/my.dag/dagRuns/manual__2026-12-03T10%3A00%3A00%2B00%3A00';
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe(
      `stand-in: nothing at ${expected}`,
    );
    expect(standInRequests.slice(before)).toContain(`GET ${expected}`);
  });
});
