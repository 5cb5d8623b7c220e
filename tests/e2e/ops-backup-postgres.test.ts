/**
 * Backup and restore of a platform whose catalog runs on PostgreSQL: the catalog's rows are
 * copied into the backup in one consistent read, and a restore into a lost (re-created, empty)
 * database brings back every table and row, checked through Trino.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const CHECK =
  'SELECT count(*) AS c, checksum(row(orderkey, custkey, totalprice, orderdate)) AS s FROM iceberg.demo.orders';

async function admin(server: TestPostgres, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('backup and restore with the catalog on PostgreSQL', () => {
  let server: TestPostgres;
  let p: TestPlatform;
  let work: string;
  let valuesText: string;
  let before: Record<string, unknown> | undefined;
  const out = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

  beforeAll(async () => {
    server = await startPostgres();
    await admin(server, 'CREATE DATABASE catalog');
    const catalogUrl = server.url.replace(/\/postgres$/, '/catalog');
    p = await createTestPlatform({
      name: 'backup-pg',
      // Storage, the catalog and the query engine are what a restore needs.
      values: {
        icebergCatalog: { database: catalogUrl },
        observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } },
      },
    });
    work = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-backups-pg-'));
    valuesText = readFileSync(p.valuesFile, 'utf8');
  }, 300_000);

  afterAll(async () => {
    if (p) await p.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
    await server?.stop();
  });

  it('backs up a PostgreSQL catalog and restores it into a re-created, empty database', async () => {
    const up = await p.runWithValues(['up']);
    expect(up.code, out(up)).toBe(0);
    await p.sqlJson('CREATE SCHEMA iceberg.demo');
    await p.sqlJson('CREATE TABLE iceberg.demo.orders AS SELECT * FROM tpch.tiny.orders');
    await p.sqlJson("DELETE FROM iceberg.demo.orders WHERE orderstatus = 'F'");
    [before] = await p.sqlJson(CHECK);
    expect(Number(before?.['c'])).toBeGreaterThan(0);

    const backupDir = join(work, 'backup');
    let started = Date.now();
    const backup = await p.runWithValues(['backup', '--to', backupDir]);
    console.log(`[ops-backup-postgres] backup: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(backup.code, out(backup)).toBe(0);
    expect(backup.stderr).toContain('✔ Snapshot the catalog database: postgres');
    expect(backup.stderr).toContain(
      "✔ Check the copy holds every file the catalog's tables need: 1 tables",
    );
    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as {
      source: { catalogDatabase: string };
    };
    expect(manifest.source.catalogDatabase).toBe('postgres');

    // The database is lost; so is the platform's state directory.
    const purge = await p.run(['down', '--purge', '--yes']);
    expect(purge.code, out(purge)).toBe(0);
    expect(existsSync(join(p.home, 'secrets'))).toBe(false);
    mkdirSync(p.home, { recursive: true });
    writeFileSync(p.valuesFile, valuesText);
    await admin(server, 'DROP DATABASE catalog');
    await admin(server, 'CREATE DATABASE catalog');

    started = Date.now();
    const restore = await p.runWithValues(['restore', backupDir]);
    console.log(
      `[ops-backup-postgres] restore incl. platform start: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(restore.code, out(restore)).toBe(0);
    expect(restore.stdout).toContain('demo.orders');
    const [after] = await p.sqlJson(CHECK);
    expect(after).toEqual(before);

    // A database that holds a catalog is not overwritten without --yes.
    const down = await p.run(['down']);
    expect(down.code, out(down)).toBe(0);
    const again = await p.runWithValues(['restore', backupDir]);
    expect(again.code).toBe(1);
    expect(out(again)).toMatch(/catalog database \(PostgreSQL postgres:\/\/postgres@127\.0\.0\.1/);
  });
});
