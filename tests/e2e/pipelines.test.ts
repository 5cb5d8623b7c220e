/**
 * The pipelines end to end on a real platform with Airflow: ingest into an Iceberg table through
 * Trino, data quality passing and then failing on a corrupted row, and table maintenance expiring
 * snapshots per the environment's retention; then a rotation of Airflow's credentials. Driven
 * through `lakehouse` as an operator would.
 */
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repo, runLakehouse, type CliRun } from '../support/cli.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';

const LOAD_DATE = '2026-11-20';

type Run = CliRun;

let platform: TestPlatform | undefined;
let home: string;
let valuesFile: string;
let dagsFolder: string;

const lakehouse = (args: string[], timeoutMs = 900_000): Promise<Run> =>
  runLakehouse(home, args, timeoutMs);

const withValues = (args: string[]) => [...args, '-f', valuesFile];

async function sqlJson(query: string): Promise<Array<Record<string, unknown>>> {
  const run = await lakehouse(withValues(['sql', '-o', 'json', query]));
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}

const rowsOfDate = async () =>
  (
    await sqlJson(
      `SELECT count(*) AS n FROM iceberg.lakehouse.orders WHERE load_date = DATE '${LOAD_DATE}'`,
    )
  )[0];

/** Waits for the runs Airflow started on its own (data quality follows every ingest). */
async function settle(dag: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const runs = await lakehouse(withValues(['dags', 'runs', dag, '-o', 'json']));
    expect(runs.code, runs.stderr).toBe(0);
    const states = (JSON.parse(runs.stdout) as Array<{ state: string }>).map((r) => r.state);
    if (states.every((s) => s === 'success' || s === 'failed')) return;
    await sleep(3000);
  }
}

describe('pipelines end to end (Airflow + Trino + Iceberg)', () => {
  beforeAll(async () => {
    platform = await createTestPlatform({
      name: 'pipelines',
      airflow: true,
      values: (dir) => ({
        airflow: { dagsFolder: join(dir, 'dags') },
        // Short enough that maintenance in this test expires what the test created.
        retention: { snapshots: '1s', minSnapshotsToKeep: 1, orphanFiles: '1s' },
      }),
    });
    home = platform.home;
    valuesFile = platform.valuesFile;
    // A copy of the repository's DAGs, so a broken DAG file can be added without touching them.
    dagsFolder = join(home, 'dags');
    cpSync(join(repo, 'pipelines', 'dags'), dagsFolder, {
      recursive: true,
      filter: (src) => !src.includes('__pycache__'),
    });
    const up = await lakehouse(withValues(['up']));
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect(up.stdout).toContain('airflow-admin.json');
  }, 1_200_000);

  afterAll(async () => {
    await platform?.destroy();
  });

  it('lists the three DAGs without import errors', async () => {
    // The DAG processor parses the folder on its own schedule: right after `up` on a loaded
    // machine the list can still be empty, so wait for the first parse.
    type Listed = { dags: Array<{ dag: { dagId: string } }>; importErrors: unknown[] };
    let listed: Listed = { dags: [], importErrors: [] };
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const list = await lakehouse(withValues(['dags', 'list', '-o', 'json']));
      expect(list.code, list.stderr).toBe(0);
      listed = JSON.parse(list.stdout) as Listed;
      if (listed.dags.length >= 3 || listed.importErrors.length > 0) break;
      await sleep(3000);
    }
    expect(listed.importErrors).toEqual([]);
    const ids = listed.dags.map((d) => d.dag.dagId).sort();
    expect(ids).toEqual(['lakehouse_data_quality', 'lakehouse_ingest', 'lakehouse_maintenance']);
  });

  it('status shows a DAG file that fails to import', async () => {
    writeFileSync(
      join(dagsFolder, 'broken_dag.py'),
      'from airflow.sdk import dag\n\nthis is not python\n',
    );
    const deadline = Date.now() + 240_000;
    let out = '';
    while (Date.now() < deadline) {
      const run = await lakehouse(withValues(['status']));
      out = run.stdout;
      if (out.includes('broken_dag.py')) break;
      await sleep(5000);
    }
    expect(out).toContain('failed to import');
    expect(out).toContain('broken_dag.py');
    rmSync(join(dagsFolder, 'broken_dag.py'));
  });

  it('ingest loads the rows into the Iceberg table; a rerun of the same date leaves the same rows', async () => {
    const conf = JSON.stringify({ load_date: LOAD_DATE });
    const first = await lakehouse(
      withValues(['dags', 'trigger', 'lakehouse_ingest', '--conf', conf, '--wait']),
    );
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    const [source] = await sqlJson('SELECT count(*) AS n FROM tpch.tiny.orders');
    expect(await rowsOfDate()).toEqual(source);

    const second = await lakehouse(
      withValues(['dags', 'trigger', 'lakehouse_ingest', '--conf', conf, '--wait']),
    );
    expect(second.code, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(await rowsOfDate()).toEqual(source);
    await settle('lakehouse_data_quality');
  });

  it('data quality passes on clean data and fails naming the check on a corrupted row', async () => {
    const conf = JSON.stringify({ load_date: LOAD_DATE });
    const clean = await lakehouse(
      withValues(['dags', 'trigger', 'lakehouse_data_quality', '--conf', conf, '--wait']),
    );
    expect(clean.code, `${clean.stdout}\n${clean.stderr}`).toBe(0);

    // A duplicate key, on purpose.
    await sqlJson(
      `INSERT INTO iceberg.lakehouse.orders SELECT * FROM iceberg.lakehouse.orders WHERE load_date = DATE '${LOAD_DATE}' AND orderkey = 1`,
    );
    const dirty = await lakehouse(
      withValues(['dags', 'trigger', 'lakehouse_data_quality', '--conf', conf, '--wait']),
    );
    expect(dirty.code).toBe(1);
    expect(`${dirty.stdout}\n${dirty.stderr}`).toContain('check unique_orderkey failed');
  });

  it('maintenance optimizes and expires snapshots per the retention', async () => {
    const snapshots = async () =>
      Number(
        (await sqlJson('SELECT count(*) AS n FROM iceberg.lakehouse."orders$snapshots"'))[0]?.['n'],
      );
    const before = await snapshots();
    expect(before).toBeGreaterThan(2);
    await sleep(2000); // older than the 1 s retention
    const run = await lakehouse(withValues(['dags', 'trigger', 'lakehouse_maintenance', '--wait']));
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(await snapshots()).toBe(1);
    // The data is intact: the duplicate row of the previous test included.
    const [source] = await sqlJson('SELECT count(*) + 1 AS n FROM tpch.tiny.orders');
    expect(await rowsOfDate()).toEqual(source);
  });

  it("backup holds Airflow's database with the runs of these tests", async () => {
    const dir = join(home, 'backup-with-airflow');
    const run = await lakehouse(withValues(['backup', '--to', dir]));
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stderr).toContain("✔ Snapshot Airflow's database: sqlite");
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      contents: { workflows?: { path: string } };
    };
    expect(manifest.contents.workflows?.path).toBe('airflow/airflow.db');
    const db = new Database(join(dir, 'airflow', 'airflow.db'), { readonly: true });
    try {
      const runs = db.prepare('SELECT dag_id, state FROM dag_run ORDER BY dag_id').all() as Array<{
        dag_id: string;
        state: string;
      }>;
      expect(runs.map((r) => r.dag_id)).toEqual(
        expect.arrayContaining([
          'lakehouse_ingest',
          'lakehouse_data_quality',
          'lakehouse_maintenance',
        ]),
      );
      expect(runs.some((r) => r.dag_id === 'lakehouse_data_quality' && r.state === 'failed')).toBe(
        true,
      );
    } finally {
      db.close();
    }
  });
  it('secrets rotate airflow: new password, API secrets and fernet key, the old password refused, runs and variables kept, tasks still run', async () => {
    interface AirflowCredentials {
      airflow: {
        adminPassword: string;
        jwtSecret: string;
        apiSecretKey: string;
        fernetKey: string;
      };
    }
    const file = join(home, 'secrets', 'credentials.json');
    const adminFile = join(home, 'secrets', 'airflow-admin.json');
    const before = JSON.parse(readFileSync(file, 'utf8')) as AirflowCredentials;
    const port = platform?.ports['airflow.port'];
    const api = `http://127.0.0.1:${port}`;
    const token = (password: string) =>
      fetch(`${api}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
    const bearer = async (password: string): Promise<Record<string, string>> => {
      const res = await token(password);
      expect(res.status).toBe(201);
      const { access_token } = (await res.json()) as { access_token: string };
      return { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' };
    };
    // A variable Airflow encrypts with the fernet key; nothing of ours rewrites it.
    const secretValue = `e2e-${Date.now()}`;
    const created = await fetch(`${api}/api/v2/variables`, {
      method: 'POST',
      headers: await bearer(before.airflow.adminPassword),
      body: JSON.stringify({ key: 'e2e_encrypted', value: secretValue }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    expect(((await created.json()) as { is_encrypted: boolean }).is_encrypted).toBe(true);

    const run = await lakehouse(withValues(['secrets', 'rotate', 'airflow']));
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(run.stdout).toContain(
      "✔ Airflow's admin password, API secrets and fernet key rotated: airflow restarted and verified; database re-encrypted with the new fernet key; the previous key dropped; admin signs in with the new password; the previous one is refused (401)",
    );

    const after = JSON.parse(readFileSync(file, 'utf8')) as AirflowCredentials;
    for (const key of ['adminPassword', 'jwtSecret', 'apiSecretKey'] as const) {
      expect(after.airflow[key], key).not.toBe(before.airflow[key]);
      expect(output).not.toContain(after.airflow[key]);
      expect(output).not.toContain(before.airflow[key]);
    }
    // One new fernet key, and Airflow's processes run with it alone.
    expect(after.airflow.fernetKey).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(after.airflow.fernetKey).not.toBe(before.airflow.fernetKey);
    expect(output).not.toContain(after.airflow.fernetKey);
    const desired = JSON.parse(readFileSync(join(home, 'run', 'desired.json'), 'utf8')) as {
      processes: Array<{ component: string; env: Record<string, string> }>;
    };
    const airflowEnvs = desired.processes.filter((p) => p.component === 'airflow');
    expect(airflowEnvs.length).toBeGreaterThan(0);
    for (const p of airflowEnvs)
      expect(p.env['AIRFLOW__CORE__FERNET_KEY']).toBe(after.airflow.fernetKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const admin = readFileSync(adminFile, 'utf8');
    expect(admin).toContain(after.airflow.adminPassword);
    expect(admin).not.toContain(before.airflow.adminPassword);

    // Airflow's API itself: the old password is refused, the new one signs in.
    expect((await token(before.airflow.adminPassword)).status).toBe(401);
    expect((await token(after.airflow.adminPassword)).status).toBe(201);
    // The variable was re-encrypted: Airflow, holding only the new key, still reads it.
    const variable = await fetch(`${api}/api/v2/variables/e2e_encrypted`, {
      headers: await bearer(after.airflow.adminPassword),
    });
    expect(variable.status).toBe(200);
    expect(((await variable.json()) as { value: string | null }).value).toBe(secretValue);

    // The runs are still there, and a task runs (task workers authenticate with the new JWT secret).
    const runs = await lakehouse(withValues(['dags', 'runs', 'lakehouse_ingest', '-o', 'json']));
    expect(runs.code, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as unknown[]).length).toBeGreaterThanOrEqual(2);
    const maintenance = await lakehouse(
      withValues(['dags', 'trigger', 'lakehouse_maintenance', '--wait']),
    );
    expect(maintenance.code, `${maintenance.stdout}\n${maintenance.stderr}`).toBe(0);
  });
});
