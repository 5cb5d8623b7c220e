import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  airflowEnv,
  airflowPaths,
  airflowProcessSpecs,
  readAdminCredentials,
  trinoConnectionUri,
  writeAdminCredentials,
} from '../../../../../src/targets/local/airflow/index.js';
import { pinnedAirflowVersion } from '../../../../../src/targets/local/install/index.js';

const secrets = {
  jwtSecret: 'j'.repeat(43),
  apiSecretKey: 's'.repeat(43),
  fernetKey: 'f'.repeat(44),
};

function env(over: { statsdPort?: number } = {}) {
  return airflowEnv({
    ...over,
    paths: airflowPaths('/state'),
    venvBin: '/cache/airflow/abc/bin',
    dagsFolder: '/repo/pipelines/dags',
    port: 8085,
    schedulerHealthPort: 8974,
    workerLogServerPort: 18793,
    triggererLogServerPort: 18794,
    parallelism: 4,
    secrets,
    baseEnv: { PATH: '/usr/bin', HOME: '/root' },
  });
}

describe('airflowEnv', () => {
  it('configures LocalExecutor on SQLite in the state dir, DAGs from the repo', () => {
    const e = env();
    expect(e).toMatchObject({
      AIRFLOW_HOME: '/state/airflow',
      AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: 'sqlite:////state/airflow/airflow.db',
      AIRFLOW__CORE__DAGS_FOLDER: '/repo/pipelines/dags',
      AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
      AIRFLOW__CORE__PARALLELISM: '4',
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: 'http://127.0.0.1:8085/execution/',
      AIRFLOW__API__HOST: '127.0.0.1',
      AIRFLOW__API__PORT: '8085',
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: 'admin:admin',
      AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: '/state/secrets/airflow-admin.json',
      AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST: '127.0.0.1',
      AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT: '8974',
      AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT: '18793',
      AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT: '18794',
      HOME: '/root',
    });
    expect(e['PATH']).toBe('/cache/airflow/abc/bin:/usr/bin');
  });

  it('sends StatsD with InfluxDB-style tags to statsd_exporter when given its port', () => {
    expect(env({ statsdPort: 19125 })).toMatchObject({
      AIRFLOW__METRICS__STATSD_ON: 'True',
      AIRFLOW__METRICS__STATSD_HOST: '127.0.0.1',
      AIRFLOW__METRICS__STATSD_PORT: '19125',
      AIRFLOW__METRICS__STATSD_PREFIX: 'airflow',
      AIRFLOW__METRICS__STATSD_INFLUXDB_ENABLED: 'True',
    });
    expect(env()['AIRFLOW__METRICS__STATSD_ON']).toBe('False');
    expect(env()['AIRFLOW__METRICS__STATSD_PORT']).toBeUndefined();
  });

  it('carries the per-installation secrets, never a default', () => {
    const e = env();
    expect(e['AIRFLOW__API_AUTH__JWT_SECRET']).toBe(secrets.jwtSecret);
    expect(e['AIRFLOW__API__SECRET_KEY']).toBe(secrets.apiSecretKey);
    expect(e['AIRFLOW__CORE__FERNET_KEY']).toBe(secrets.fernetKey);
  });

  it('is pure: the same input gives the same environment', () => {
    expect(env()).toEqual(env());
  });
});

describe('trinoConnectionUri', () => {
  it('puts the catalog in the extra the Trino provider reads', () => {
    expect(trinoConnectionUri({ port: 8080, user: 'lakehouse', catalog: 'iceberg' })).toBe(
      'trino://lakehouse@127.0.0.1:8080/?catalog=iceberg',
    );
  });
});

describe('airflowProcessSpecs', () => {
  const specs = airflowProcessSpecs({
    airflow: '/venv/bin/airflow',
    version: '3.3.2',
    port: 8085,
    schedulerHealthPort: 8974,
    workerLogServerPort: 8793,
    triggererLogServerPort: 8794,
    env: { A: 'b' },
    cwd: '/state/airflow',
  });

  it('runs the four processes, the API server first and on loopback', () => {
    expect(specs.map((s) => s.name)).toEqual([
      'airflow-api-server',
      'airflow-scheduler',
      'airflow-dag-processor',
      'airflow-triggerer',
    ]);
    expect(specs[0]?.args).toEqual(['api-server', '--host', '127.0.0.1', '--port', '8085']);
    expect(specs[0]?.health.url).toBe('http://127.0.0.1:8085/api/v2/monitor/health');
    for (const s of specs.slice(1)) expect(s.dependsOn).toEqual(['airflow-api-server']);
    expect(specs.every((s) => s.component === 'airflow' && s.command === '/venv/bin/airflow')).toBe(
      true,
    );
  });

  it('probes the scheduler on its own health server', () => {
    expect(specs[1]?.health.url).toBe('http://127.0.0.1:8974/health');
    expect(specs[1]?.ports).toEqual([8974, 8793]);
  });
});

describe('pinnedAirflowVersion', () => {
  it('reads the apache-airflow pin, not a provider or core pin', () => {
    const text =
      'apache-airflow-core==3.3.2\napache-airflow==3.3.2\napache-airflow-providers-trino==6.7.1\n';
    expect(pinnedAirflowVersion(text)).toBe('3.3.2');
    expect(pinnedAirflowVersion('apache-airflow-core==3.3.2\n')).toBeUndefined();
  });

  it('matches the repository requirements file', async () => {
    const text = await readFile(
      join(import.meta.dirname, '../../../../../pipelines/requirements-airflow.txt'),
      'utf8',
    );
    expect(pinnedAirflowVersion(text)).toBe('3.3.2');
    expect(text).toMatch(/^apache-airflow-providers-trino==6\.7\.1$/m);
    expect(text).toMatch(/^apache-airflow-providers-common-sql==2\.4\.0$/m);
  });
});

describe('admin credentials', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes SimpleAuthManager passwords file with mode 0600 and reads it back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'airflow-creds-'));
    const file = join(dir, 'secrets', 'airflow-admin.json');
    await writeAdminCredentials(file, 'p'.repeat(24));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ admin: 'p'.repeat(24) });
    expect(await readAdminCredentials(file)).toEqual({
      username: 'admin',
      password: 'p'.repeat(24),
    });
  });
});

describe('retention for the maintenance DAG', () => {
  it('passes the environment retention as the lakehouse_retention Variable', () => {
    const e = airflowEnv({
      paths: airflowPaths('/state'),
      venvBin: '/v/bin',
      dagsFolder: '/repo/pipelines/dags',
      port: 8085,
      schedulerHealthPort: 8974,
      workerLogServerPort: 8793,
      triggererLogServerPort: 8794,
      parallelism: 4,
      retention: { snapshots: '7d', minSnapshotsToKeep: 1, orphanFiles: '3d' },
      secrets: { jwtSecret: 'j', apiSecretKey: 's', fernetKey: 'f' },
      baseEnv: {},
    });
    expect(JSON.parse(e['AIRFLOW_VAR_LAKEHOUSE_RETENTION'] ?? '')).toEqual({
      snapshots: '7d',
      minSnapshotsToKeep: 1,
      orphanFiles: '3d',
    });
  });
});
