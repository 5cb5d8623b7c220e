/**
 * The runbook's disaster recovery on a real local platform: tables written through Trino, a
 * backup verified by checksums with encrypted secrets, a tampered copy refused, a restore into a
 * wiped platform that brings back every row (counts and content checksums) and the same
 * credentials, and `cleanup` refusing without confirmation, then deleting with it.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/platform.js';
import { walkFiles } from '../../src/ops/backup/index.js';

const PASS_VAR = 'LAKEHOUSE_E2E_BACKUP_PASSPHRASE';

interface Credentials {
  minio: { rootUser: string; rootPassword: string };
  airflow: Record<string, string>;
}

interface TableFacts {
  c: number;
  s: string;
}

const TABLES: Record<string, string> = {
  'iceberg.demo.orders':
    'SELECT count(*) AS c, checksum(row(orderkey, custkey, totalprice, orderdate)) AS s FROM iceberg.demo.orders',
  'iceberg.demo.lineitem':
    'SELECT count(*) AS c, checksum(row(orderkey, partkey, quantity, extendedprice, linestatus, shipdate)) AS s FROM iceberg.demo.lineitem',
};

describe('backup, restore and cleanup on the local platform', () => {
  let p: TestPlatform;
  let work: string;
  let backupDir: string;
  let valuesText: string;
  let credentialsText: string;
  const before: Record<string, TableFacts> = {};

  const out = (r: { stdout: string; stderr: string }) => `${r.stdout}\n${r.stderr}`;

  async function facts(): Promise<Record<string, TableFacts>> {
    const result: Record<string, TableFacts> = {};
    for (const [table, sql] of Object.entries(TABLES)) {
      const [row] = await p.sqlJson(sql);
      result[table] = { c: Number(row?.['c']), s: String(row?.['s']) };
    }
    return result;
  }

  beforeAll(async () => {
    p = await createTestPlatform({ name: 'backup' });
    work = mkdtempSync(join(tmpdir(), 'lakehouse-e2e-backups-'));
    backupDir = join(work, 'backup-1');
    valuesText = readFileSync(p.valuesFile, 'utf8');
    process.env[PASS_VAR] = 'a passphrase only this test knows';
  });

  afterAll(async () => {
    delete process.env[PASS_VAR];
    if (p) await p.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('up, then two Iceberg tables with several snapshots written through Trino', async () => {
    const up = await p.runWithValues(['up']);
    expect(up.code, out(up)).toBe(0);
    await p.sqlJson('CREATE SCHEMA iceberg.demo');
    await p.sqlJson('CREATE TABLE iceberg.demo.orders AS SELECT * FROM tpch.tiny.orders');
    await p.sqlJson(
      "CREATE TABLE iceberg.demo.lineitem WITH (partitioning = ARRAY['linestatus']) AS " +
        'SELECT orderkey, partkey, quantity, extendedprice, linestatus, shipdate FROM tpch.tiny.lineitem WHERE orderkey < 30000',
    );
    await p.sqlJson(
      'INSERT INTO iceberg.demo.lineitem SELECT orderkey, partkey, quantity, extendedprice, linestatus, shipdate FROM tpch.tiny.lineitem WHERE orderkey >= 30000',
    );
    Object.assign(before, await facts());
    expect(before['iceberg.demo.orders']?.c).toBe(15000);
    expect(before['iceberg.demo.lineitem']?.c).toBe(60175);
    const snapshots = await p.sqlJson(
      'SELECT count(*) AS n FROM iceberg.demo."lineitem$snapshots"',
    );
    expect(Number(snapshots[0]?.['n'])).toBeGreaterThanOrEqual(2);
    credentialsText = readFileSync(join(p.home, 'secrets', 'credentials.json'), 'utf8');
  });

  it('backup writes a verified backup: catalog database, every object, config, encrypted secrets', async () => {
    const started = Date.now();
    const run = await p.runWithValues(['backup', '--to', backupDir, '--passphrase-env', PASS_VAR]);
    console.log(`backup wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${run.stderr}${run.stdout}`);
    expect(run.code, out(run)).toBe(0);
    expect(run.stdout).toMatch(/✔ Backup verified: \d+ files, [\d.]+ (B|KiB|MiB|GiB), /);
    expect(run.stdout).toContain(backupDir);
    expect(run.stderr).toContain(
      "✔ Check the copy holds every file the catalog's tables need: 2 tables",
    );
    expect(statSync(backupDir).mode & 0o777).toBe(0o700);

    const manifest = JSON.parse(readFileSync(join(backupDir, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string; size: number; sha256: string }>;
      contents: { secrets: { path: string; encrypted: boolean }; objects: { count: number } };
    };
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toContain('catalog/catalog.db');
    expect(paths).toContain('config/values.yaml');
    expect(paths).toContain('secrets/credentials.json.enc');
    expect(paths).not.toContain('secrets/credentials.json');
    expect(manifest.contents.secrets.encrypted).toBe(true);
    expect(paths.filter((f) => f.endsWith('.parquet')).length).toBeGreaterThanOrEqual(2);
    expect(paths.filter((f) => f.endsWith('.metadata.json')).length).toBeGreaterThanOrEqual(3);
    expect(manifest.contents.objects.count).toBe(
      paths.filter((f) => f.startsWith('objects/')).length,
    );
    expect((await walkFiles(backupDir)).filter((f) => f !== 'manifest.json')).toEqual(paths);

    // No secret appears in plain text anywhere in the backup.
    const creds = JSON.parse(credentialsText) as Credentials;
    const secrets = [creds.minio.rootPassword, ...Object.values(creds.airflow)];
    for (const file of await walkFiles(backupDir)) {
      const content = readFileSync(join(backupDir, file)).toString('latin1');
      for (const s of secrets) expect(content.includes(s), `${file} contains a secret`).toBe(false);
    }
  });

  it('restore refuses a tampered copy of the backup, naming the file, and changes nothing', async () => {
    const tampered = join(work, 'tampered');
    cpSync(backupDir, tampered, { recursive: true });
    const files = await walkFiles(tampered);
    const parquet = files.find((f) => f.endsWith('.parquet')) as string;
    const metadata = files.find((f) => f.endsWith('.metadata.json')) as string;
    appendFileSync(join(tampered, parquet), 'x');
    unlinkSync(join(tampered, metadata));
    const run = await p.runWithValues(['restore', tampered, '--yes', '--passphrase-env', PASS_VAR]);
    expect(run.code, out(run)).not.toBe(0);
    expect(run.stderr).toContain('refusing to restore');
    expect(run.stderr).toContain(`${parquet}: size is`);
    expect(run.stderr).toContain(`${metadata}: missing`);
    expect(run.stderr).toContain('nothing was changed');
    // Still the same platform, serving the same rows.
    expect(await facts()).toEqual(before);
  });

  it('restore refuses while the platform runs', async () => {
    const run = await p.runWithValues([
      'restore',
      backupDir,
      '--yes',
      '--passphrase-env',
      PASS_VAR,
    ]);
    expect(run.code, out(run)).not.toBe(0);
    expect(run.stderr).toContain('stop it first: lakehouse down');
  });

  it('backup of a stopped platform says MinIO must run; restore over existing data needs --yes and the passphrase', async () => {
    const down = await p.run(['down']);
    expect(down.code, out(down)).toBe(0);
    const target = join(work, 'while-down');
    const backup = await p.runWithValues(['backup', '--to', target]);
    expect(backup.code, out(backup)).not.toBe(0);
    expect(backup.stderr).toContain('(MinIO) of environment "local" is not running');
    expect(backup.stderr).toContain('lakehouse up');
    expect(existsSync(target)).toBe(false);

    const restore = await p.runWithValues(['restore', backupDir, '--passphrase-env', PASS_VAR]);
    expect(restore.code, out(restore)).not.toBe(0);
    expect(restore.stderr).toContain('the platform already has data');
    expect(restore.stderr).toContain('--yes');

    const none = await p.runWithValues(['restore', backupDir, '--yes']);
    expect(none.code, out(none)).not.toBe(0);
    expect(none.stderr).toContain('--passphrase-env');
    process.env['LAKEHOUSE_E2E_WRONG_PASSPHRASE'] = 'not the passphrase';
    const wrong = await p.runWithValues([
      'restore',
      backupDir,
      '--yes',
      '--passphrase-env',
      'LAKEHOUSE_E2E_WRONG_PASSPHRASE',
    ]);
    delete process.env['LAKEHOUSE_E2E_WRONG_PASSPHRASE'];
    expect(wrong.code, out(wrong)).not.toBe(0);
    expect(wrong.stderr).toContain('wrong passphrase');
    expect(wrong.stderr).toContain('nothing was changed');
    expect(readFileSync(join(p.home, 'secrets', 'credentials.json'), 'utf8')).toBe(credentialsText);
  });

  it('restore into a wiped platform brings back every table, row and credential', async () => {
    const purge = await p.run(['down', '--purge', '--yes']);
    expect(purge.code, out(purge)).toBe(0);
    expect(existsSync(join(p.home, 'secrets'))).toBe(false);
    // The values file lived in the purged state directory: the same ports again.
    mkdirSync(p.home, { recursive: true });
    writeFileSync(p.valuesFile, valuesText);

    const started = Date.now();
    const run = await p.runWithValues(['restore', backupDir, '--passphrase-env', PASS_VAR]);
    console.log(
      `restore wall time (incl. platform start): ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `${run.stderr
        .split('\n')
        .filter((l) => /^[✔ℹ✗⚠]/.test(l))
        .join('\n')}\n${run.stdout}`,
    );
    expect(run.code, out(run)).toBe(0);
    expect(run.stdout).toContain('✔ Restored');
    expect(run.stdout).toContain('demo.orders');
    expect(run.stdout).toContain('demo.lineitem');
    expect(run.stdout).toMatch(/1 namespaces, 2 tables load/);
    expect(run.stdout).toContain('demo.orders  15000 rows');
    expect(run.stdout).toContain('demo.lineitem  60175 rows');

    expect(await facts()).toEqual(before);
    expect(readFileSync(join(p.home, 'secrets', 'credentials.json'), 'utf8')).toBe(credentialsText);
    expect(statSync(join(p.home, 'secrets', 'credentials.json')).mode & 0o777).toBe(0o600);
    const creds = JSON.parse(credentialsText) as Credentials;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${p.ports['minio.ports.api']}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: creds.minio.rootUser, secretAccessKey: creds.minio.rootPassword },
    });
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'warehouse' }));
      expect(listed.KeyCount).toBeGreaterThan(0);
    } finally {
      s3.destroy();
    }
  });

  it('cleanup refuses without --yes and without a terminal, then deletes the platform with --yes', async () => {
    const refused = await p.run(['cleanup']);
    expect(refused.code, out(refused)).not.toBe(0);
    expect(refused.stderr).toContain('needs confirmation');
    expect(refused.stderr).toContain('pass --yes');
    expect(refused.stderr).toContain(`delete ${p.home}`);
    expect(existsSync(join(p.home, 'secrets', 'credentials.json'))).toBe(true);
    expect(await facts()).toEqual(before);

    const run = await p.run(['cleanup', '--yes']);
    expect(run.code, out(run)).toBe(0);
    expect(run.stdout).toContain(`deleted ${p.home}`);
    expect(existsSync(p.home)).toBe(false);
    expect(existsSync(backupDir)).toBe(true);
  });
});
