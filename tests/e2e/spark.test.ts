/**
 * Apache Spark (PySpark with Iceberg's Spark runtime) and Trino on one live platform, through our
 * catalog and MinIO: Spark creates a partitioned table, inserts and MERGEs into it (updates,
 * deletes and inserts, merge-on-read so it writes delete files) and reads back the exact rows;
 * Trino reads the same rows; Trino creates a table, updates and deletes in it (position deletes)
 * and Spark reads the same rows; Spark appends to Trino's table and Trino sees the row.
 *
 * One Spark JVM serves the whole file (tests/e2e/py/spark_session.py): it is slow to start on two
 * cores. The first run installs PySpark, the Iceberg jars and a fitting Java into the cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadValues } from '../../src/platform/config/index.js';
import { formatDuration } from '../../src/platform/install/index.js';
import { repo } from '../support/cli.js';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { PythonScript } from '../support/python.js';
import { ensureSpark } from '../support/spark.js';

const say = (line: string): void => console.log(`[spark] ${line}`);

let platform: TestPlatform | undefined;
let spark: PythonScript | undefined;
let minioRoot: { rootUser: string; rootPassword: string };

function port(key: string): number {
  const p = platform?.ports[key];
  if (p === undefined) throw new Error(`no port planned for ${key}`);
  return p;
}

/**
 * The storage half of Spark's catalog configuration, in one place: MinIO's root keys today. With
 * vended credentials it becomes the access-delegation header and no keys.
 */
function sparkStorageConfig(): Record<string, string> {
  return {
    's3.endpoint': `http://127.0.0.1:${port('minio.ports.api')}`,
    's3.path-style-access': 'true',
    'client.region': 'us-east-1',
    's3.access-key-id': minioRoot.rootUser,
    's3.secret-access-key': minioRoot.rootPassword,
  };
}

interface SparkReply {
  columns?: string[];
  rows?: unknown[][];
  error?: string;
}

/** Runs one statement in the Spark session; its rows as arrays in column order. */
async function sparkSql(sql: string): Promise<unknown[][]> {
  if (!spark) throw new Error('no Spark session');
  spark.send({ sql });
  const reply = await spark.nextJson<SparkReply>();
  if (reply.error !== undefined) {
    const error = reply.error.split(minioRoot.rootPassword).join('<redacted>');
    throw new Error(`Spark: ${sql}\n${error}`);
  }
  return reply.rows ?? [];
}

/** Runs one statement in the platform's Trino (`lakehouse sql`); rows as arrays. */
async function trinoSql(sql: string): Promise<unknown[][]> {
  if (!platform) throw new Error('no platform');
  return (await platform.sqlJson(sql)).map((row) => Object.values(row));
}

/** Seconds since the epoch of a UTC wall-clock time, as both engines print it. */
const epoch = (iso: string): number => Date.parse(`${iso}Z`) / 1000;

describe('Spark and Trino share tables through our catalog', () => {
  beforeAll(async () => {
    const started = Date.now();
    platform = await createTestPlatform({
      name: 'spark',
      // What the scenario needs: MinIO, the catalog and Trino; the coordinator runs the tasks
      // itself, which saves a JVM on two cores shared with Spark's.
      values: {
        trino: { workers: { count: 0 } },
        observability: {
          prometheus: { enabled: false },
          alertmanager: { enabled: false },
          nodeExporter: { enabled: false },
        },
        console: { enabled: false },
      },
    });
    const p = platform;
    // Both are slow and mostly independent: Trino's JVMs start while pip and Maven fetch.
    const [up, install] = await Promise.all([
      (async () => {
        const t = Date.now();
        const r = await p.runWithValues(['up']);
        say(`platform up in ${formatDuration(Date.now() - t)}`);
        return r;
      })(),
      ensureSpark(say),
    ]);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    minioRoot = (
      JSON.parse(readFileSync(join(p.home, 'secrets', 'credentials.json'), 'utf8')) as {
        minio: { rootUser: string; rootPassword: string };
      }
    ).minio;
    const values = await loadValues({ env: 'local' });
    spark = new PythonScript(
      install.python,
      join(repo, 'tests', 'e2e', 'py', 'spark_session.py'),
      [],
      {
        PATH: process.env['PATH'],
        HOME: p.home,
        JAVA_HOME: install.javaHome,
        PYTHONUNBUFFERED: '1',
        // Spark resolves the machine's hostname otherwise, which may not resolve.
        SPARK_LOCAL_IP: '127.0.0.1',
        PYSPARK_PYTHON: install.python,
        LH_CATALOG_URI: `http://127.0.0.1:${port('icebergCatalog.port')}`,
        LH_WAREHOUSE: values.icebergCatalog.warehouse,
        LH_SPARK_JARS: install.jars.join(','),
        // Spark's scratch files in the platform's state directory, removed with it.
        LH_SPARK_LOCAL_DIR: join(p.home, 'spark-local'),
        LH_SPARK_CATALOG: JSON.stringify(sparkStorageConfig()),
      },
      [minioRoot.rootPassword],
    );
    const ready = await spark.nextJson<{ spark: string; startup_seconds: number }>();
    say(
      `Spark ${ready.spark} session (Java ${install.javaMajor}) started in ` +
        `${ready.startup_seconds} s; setup total ${formatDuration(Date.now() - started)}`,
    );
  });

  afterAll(async () => {
    await spark?.end().catch(() => spark?.kill());
    await platform?.destroy();
  });

  const SPARK_EVENTS = [
    [1, 'click', 1.5, epoch('2026-12-01T10:00:00')],
    [2, 'view', 20, epoch('2026-12-01T11:30:00')],
    [4, 'buy', 40, epoch('2026-12-02T18:45:00')],
    [5, 'buy', 50.5, epoch('2026-12-03T08:00:00')],
  ];

  it('Spark creates a partitioned table, inserts, MERGEs and reads back the exact rows', async () => {
    await sparkSql('CREATE NAMESPACE lakehouse.interop');
    await sparkSql(`CREATE TABLE lakehouse.interop.events
        (id BIGINT, category STRING, amount DOUBLE, ts TIMESTAMP)
      USING iceberg
      PARTITIONED BY (days(ts), category)
      TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read')`);
    await sparkSql(`INSERT INTO lakehouse.interop.events VALUES
      (1, 'click', 1.5, TIMESTAMP '2026-12-01 10:00:00'),
      (2, 'view', 2.0, TIMESTAMP '2026-12-01 11:30:00'),
      (3, 'click', 3.25, TIMESTAMP '2026-12-02 09:15:00'),
      (4, 'buy', 40.0, TIMESTAMP '2026-12-02 18:45:00')`);
    // One MERGE that updates id 2, deletes id 3 and inserts id 5.
    await sparkSql(`MERGE INTO lakehouse.interop.events t
      USING (SELECT * FROM VALUES
          (2L, 'view', 20.0D, TIMESTAMP '2026-12-01 11:30:00'),
          (3L, 'click', -1.0D, TIMESTAMP '2026-12-02 09:15:00'),
          (5L, 'buy', 50.5D, TIMESTAMP '2026-12-03 08:00:00')
        AS s(id, category, amount, ts)) s
      ON t.id = s.id
      WHEN MATCHED AND s.amount < 0 THEN DELETE
      WHEN MATCHED THEN UPDATE SET t.amount = s.amount
      WHEN NOT MATCHED THEN INSERT *`);
    const rows = await sparkSql(
      'SELECT id, category, amount, unix_timestamp(ts) FROM lakehouse.interop.events ORDER BY id',
    );
    expect(rows).toEqual(SPARK_EVENTS);
    // Merge-on-read: the update and the delete are delete files, not rewritten data files.
    const [[deleteFiles]] = (await sparkSql(
      'SELECT count(*) FROM lakehouse.interop.events.delete_files',
    )) as [[number]];
    expect(deleteFiles).toBeGreaterThan(0);
    const [[snapshots]] = (await sparkSql(
      'SELECT count(*) FROM lakehouse.interop.events.snapshots',
    )) as [[number]];
    expect(snapshots).toBe(2);
  });

  it("Trino reads Spark's table, its partitioning and its delete files, with equal rows", async () => {
    const rows = await trinoSql(
      `SELECT id, category, amount, CAST(to_unixtime(ts) AS bigint)
         FROM iceberg.interop.events ORDER BY id`,
    );
    expect(rows).toEqual(SPARK_EVENTS);
    const [[ddl]] = (await trinoSql('SHOW CREATE TABLE iceberg.interop.events')) as [[string]];
    expect(ddl).toContain(`partitioning = ARRAY['day(ts)','category']`);
    const [[trinoDeletes]] = (await trinoSql(
      `SELECT count(*) FROM iceberg.interop."events$files" WHERE content <> 0`,
    )) as [[number]];
    const [[sparkDeletes]] = (await sparkSql(
      'SELECT count(*) FROM lakehouse.interop.events.delete_files',
    )) as [[number]];
    expect(trinoDeletes).toBe(sparkDeletes);
  });

  const TRINO_ORDERS = [
    [1, 'acme', 10, epoch('2026-11-30T08:00:00')],
    [2, 'acme', 45, epoch('2026-11-30T09:00:00')],
    [3, 'globex', 7.25, epoch('2026-12-01T10:00:00')],
    [5, 'globex', 99, epoch('2026-12-02T12:00:00')],
  ];

  it('Spark reads the table Trino created, updated and deleted from, with equal rows', async () => {
    await trinoSql(`CREATE TABLE iceberg.interop.orders
        (id bigint, customer varchar, total double, ordered_at timestamp(6) with time zone)
      WITH (partitioning = ARRAY['customer'], format_version = 2)`);
    await trinoSql(`INSERT INTO iceberg.interop.orders VALUES
      (1, 'acme', 10.0, TIMESTAMP '2026-11-30 08:00:00 UTC'),
      (2, 'acme', 22.5, TIMESTAMP '2026-11-30 09:00:00 UTC'),
      (3, 'globex', 7.25, TIMESTAMP '2026-12-01 10:00:00 UTC'),
      (4, 'acme', 13.0, TIMESTAMP '2026-12-01 11:00:00 UTC'),
      (5, 'globex', 99.0, TIMESTAMP '2026-12-02 12:00:00 UTC')`);
    // Rows of a partition that keeps others: Trino writes position deletes for both.
    await trinoSql('UPDATE iceberg.interop.orders SET total = total * 2 WHERE id = 2');
    await trinoSql('DELETE FROM iceberg.interop.orders WHERE id = 4');
    const trinoRows = await trinoSql(
      `SELECT id, customer, total, CAST(to_unixtime(ordered_at) AS bigint)
         FROM iceberg.interop.orders ORDER BY id`,
    );
    expect(trinoRows).toEqual(TRINO_ORDERS);

    const sparkRows = await sparkSql(
      `SELECT id, customer, total, unix_timestamp(ordered_at)
         FROM lakehouse.interop.orders ORDER BY id`,
    );
    expect(sparkRows).toEqual(TRINO_ORDERS);
    const [[positionDeletes]] = (await sparkSql(
      'SELECT count(*) FROM lakehouse.interop.orders.delete_files WHERE content = 1',
    )) as [[number]];
    expect(positionDeletes).toBeGreaterThan(0);
  });

  it("Trino sees a row Spark appends to Trino's table", async () => {
    await sparkSql(`INSERT INTO lakehouse.interop.orders VALUES
      (6, 'initech', 3.5, TIMESTAMP '2026-12-03 07:00:00')`);
    const rows = await trinoSql(
      `SELECT id, customer, total, CAST(to_unixtime(ordered_at) AS bigint)
         FROM iceberg.interop.orders ORDER BY id`,
    );
    expect(rows).toEqual([...TRINO_ORDERS, [6, 'initech', 3.5, epoch('2026-12-03T07:00:00')]]);
  });
});
