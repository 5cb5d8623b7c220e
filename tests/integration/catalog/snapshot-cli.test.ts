/**
 * `lakehouse catalog snapshot` and `catalog load`, as a backup runs them inside a catalog pod:
 * against a real catalog server that keeps serving, on SQLite and on PostgreSQL, through stdout
 * and stdin, and with a damaged or foreign input refused before the database changes.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { cli, repo } from '../../support/cli.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

let dir: string;
let postgres: TestPostgres;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-snapshot-cli-'));
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * `lakehouse catalog <args>` with `stdin` written and then left open, as kubectl exec leaves
 * it: the command must finish by itself.
 */
function catalogCli(args: string[], db: string, stdin?: Buffer): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'catalog', ...args], {
      cwd: repo,
      env: { ...process.env, LAKEHOUSE_CATALOG_DB: db, LAKEHOUSE_HOME: join(dir, 'home') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    if (stdin) child.stdin.write(stdin);
    else child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function namespaces(catalog: CatalogProcess): Promise<string[]> {
  const r = (await (await fetch(`${catalog.url}/v1/namespaces`)).json()) as {
    namespaces: string[][];
  };
  return r.namespaces.map((n) => n.join('.')).sort();
}

async function createNamespace(catalog: CatalogProcess, name: string): Promise<void> {
  const r = await fetch(`${catalog.url}/v1/namespaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: [name] }),
  });
  expect(r.status).toBe(200);
}

async function newPostgresDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (kind) => {
  let db: string;
  let catalog: CatalogProcess;
  let snapshot: Buffer;
  let summary: { bytes: number; sha256: string };

  beforeAll(async () => {
    db =
      kind === 'sqlite'
        ? `sqlite:${join(dir, `${kind}.db`)}`
        : await newPostgresDatabase('snapshot_cli');
    catalog = await spawnCatalog({ db, warehouse: `file://${join(dir, `${kind}-wh`)}` });
    await createNamespace(catalog, 'sales');
    await createNamespace(catalog, 'finance');
  }, 60_000);
  afterAll(async () => {
    await catalog?.stop();
  });

  it('streams a snapshot to stdout while the catalog serves, its size and SHA-256 on stderr', async () => {
    const r = await catalogCli(['snapshot', '--to', '-'], db);
    expect(r.code, r.stderr).toBe(0);
    snapshot = r.stdout;
    summary = JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '') as typeof summary;
    expect(summary).toEqual({ bytes: snapshot.length, sha256: sha(snapshot) });
    expect(snapshot.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });

  it('loads it into the running catalog: later changes are gone, the server sees it at once', async () => {
    await createNamespace(catalog, 'later');
    const r = await catalogCli(
      ['load', '--from', '-', '--bytes', String(summary.bytes), '--sha256', summary.sha256],
      db,
      Buffer.concat([snapshot, Buffer.from('trailing bytes the command must not wait for')]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/now holds the snapshot: 2 namespaces, 0 tables and views/);
    expect(await namespaces(catalog)).toEqual(['finance', 'sales']);
    // The server keeps writing to the database it holds.
    await createNamespace(catalog, 'after');
    expect(await namespaces(catalog)).toEqual(['after', 'finance', 'sales']);
  });

  it('refuses a damaged or short stream, and a file that is not a snapshot; nothing changes', async () => {
    const before = await namespaces(catalog);
    const flipped = Buffer.from(snapshot);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 0xff;
    const damaged = await catalogCli(
      ['load', '--from', '-', '--bytes', String(summary.bytes), '--sha256', summary.sha256],
      db,
      flipped,
    );
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/arrived damaged .*the catalog database was not changed/);

    const noSize = await catalogCli(['load', '--from', '-'], db, snapshot);
    expect(noSize.code).toBe(1);
    expect(noSize.stderr).toMatch(/--from - needs --bytes and --sha256/);

    const badHash = await catalogCli(['load', '--from', '-', '--bytes', '1', '--sha256', 'zz'], db);
    expect(badHash.code).toBe(2);
    expect(badHash.stderr).toMatch(/64 hexadecimal digits/);

    const notSqlite = join(dir, `${kind}-not-a-snapshot.db`);
    await writeFile(notSqlite, 'namespaces: [sales]\n');
    const foreign = await catalogCli(['load', '--from', notSqlite], db);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/is not a SQLite catalog snapshot/);

    const missing = await catalogCli(['load', '--from', join(dir, 'nope.db')], db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    expect(await namespaces(catalog)).toEqual(before);
  });

  it('writes a snapshot file with mode 0600', async () => {
    const file = join(dir, `${kind}-snapshot.db`);
    const r = await catalogCli(['snapshot', '--to', file], db);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/written to .* \(\d+ bytes, sha256 [0-9a-f]{64}\)/);
    expect((await readFile(file)).subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
