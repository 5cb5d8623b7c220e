/**
 * The real catalog process (`lakehouse catalog serve`) killed with SIGKILL in the middle of a
 * stream of commits, then restarted on the same SQLite database: every acknowledged commit must
 * have survived, nothing unacknowledged beyond the one in flight may appear, and the table's
 * metadata file and metadata-log must be consistent. Also: startup errors name what is wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// Response bodies are arbitrary JSON walked into by the assertions below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Json = any;

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [{ id: 1, name: 'id', type: 'long', required: true }],
};

const METADATA_FILE = /\/metadata\/(\d{5})-[0-9a-f-]{36}\.metadata\.json$/;

function versionOf(location: string): number {
  const match = METADATA_FILE.exec(location);
  if (!match?.[1]) throw new Error(`not a metadata file location: ${location}`);
  return Number(match[1]);
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs `lakehouse catalog serve <args>` expecting it to exit on its own (within the timeout). */
function runServe(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/lakehouse.js', 'catalog', 'serve', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`catalog serve ${args.join(' ')} did not exit within 30 s:\n${output}`));
    }, 30_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

describe('catalog process crash recovery (SQLite)', () => {
  let dir: string;
  let db: string;
  let warehouse: string;
  let catalog: CatalogProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-crash-'));
    db = `sqlite:${join(dir, 'c.db')}`;
    warehouse = pathToFileURL(join(dir, 'wh')).href;
  });
  afterAll(async () => {
    await catalog?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged commit survives SIGKILL mid-stream, three times', async () => {
    catalog = await spawnCatalog({ db, warehouse });
    expect((await post(`${catalog.url}/v1/namespaces`, { namespace: ['crash'] })).status).toBe(200);
    const created = await post(`${catalog.url}/v1/namespaces/crash/tables`, {
      name: 't',
      schema: SCHEMA,
    });
    expect(created.status).toBe(200);
    const tableUuid = ((await created.json()) as Json).metadata['table-uuid'] as string;

    const acknowledged: number[] = [];
    /** Commits whose outcome is unknown: sent, and the connection died before an answer. */
    const inFlight: number[] = [];
    let next = 0;

    for (let round = 1; round <= 3; round++) {
      const proc: CatalogProcess = catalog;
      const tableUrl = `${proc.url}/v1/namespaces/crash/tables/t`;
      let stop = false;
      let failures = 0;
      const stream = (async () => {
        while (!stop) {
          const i = next++;
          try {
            const res = await post(tableUrl, {
              requirements: [{ type: 'assert-table-uuid', uuid: tableUuid }],
              updates: [{ action: 'set-properties', updates: { [`k_${i}`]: String(i) } }],
            });
            const text = await res.text();
            if (res.status === 200) acknowledged.push(i);
            else throw new Error(`commit k_${i}: unexpected ${res.status} ${text}`);
          } catch (err) {
            if (err instanceof Error && err.message.startsWith('commit k_')) throw err;
            inFlight.push(i);
            failures++;
            return;
          }
        }
      })();
      // A random point: after some commits have been acknowledged in this round.
      let streamEnded = false;
      void stream.finally(() => (streamEnded = true)).catch(() => undefined);
      const before = acknowledged.length;
      // At most 3 × 24 commits: the metadata log (100 entries by default) keeps every one.
      const target = before + 5 + Math.floor(Math.random() * 20);
      while (acknowledged.length < target && !streamEnded) await sleep(1);
      await sleep(Math.random() * 15);
      const status = await proc.kill();
      expect(status.signal).toBe('SIGKILL');
      stop = true;
      await stream;
      expect(failures).toBeLessThanOrEqual(1);
      expect(acknowledged.length).toBeGreaterThan(before);

      catalog = await spawnCatalog({ db, warehouse });
      const load = await fetch(`${catalog.url}/v1/namespaces/crash/tables/t`);
      expect(load.status, catalog.logs()).toBe(200);
      const body = (await load.json()) as Json;
      const properties = body.metadata.properties as Record<string, string>;
      for (const i of acknowledged)
        expect(properties[`k_${i}`], `k_${i} (round ${round})`).toBe(String(i));
      const allowed = new Set([...acknowledged, ...inFlight].map((i) => `k_${i}`));
      const phantom = Object.keys(properties).filter((k) => !allowed.has(k));
      expect(phantom).toEqual([]);

      // The current metadata file exists, parses, and is what the catalog serves.
      const location = body['metadata-location'] as string;
      const file = fileURLToPath(location);
      expect(existsSync(file)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(body.metadata);
      // One metadata version per applied commit: the create was 0.
      const applied = Object.keys(properties).length;
      expect(versionOf(location)).toBe(applied);

      // The metadata log: the previous files, versions 0..current-1 in order, all on disk.
      const log = body.metadata['metadata-log'] as Array<{
        'metadata-file': string;
        'timestamp-ms': number;
      }>;
      expect(log.map((e) => versionOf(e['metadata-file']))).toEqual(
        Array.from({ length: applied }, (_, v) => v),
      );
      for (const entry of log) expect(existsSync(fileURLToPath(entry['metadata-file']))).toBe(true);
      const stamps = log.map((e) => e['timestamp-ms']);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      expect(body.metadata['last-updated-ms']).toBeGreaterThanOrEqual(stamps.at(-1) ?? 0);
    }

    // The restarted catalog takes commits again, on the next version.
    const tableUrl = `${catalog.url}/v1/namespaces/crash/tables/t`;
    const before = ((await (await fetch(tableUrl)).json()) as Json)['metadata-location'] as string;
    const after = await post(tableUrl, {
      requirements: [],
      updates: [{ action: 'set-properties', updates: { final: 'yes' } }],
    });
    expect(after.status).toBe(200);
    expect(versionOf(((await after.json()) as Json)['metadata-location'])).toBe(
      versionOf(before) + 1,
    );
  });
});

describe('catalog startup errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-startup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const wh = (): string => pathToFileURL(join(dir, 'wh')).href;

  it('an unreachable database: non-zero exit naming the database', async () => {
    const res = await runServe([
      '--port',
      '0',
      '--db',
      'postgres://127.0.0.1:1/x',
      '--warehouse',
      wh(),
    ]);
    expect(res.code, res.output).toBe(1);
    expect(res.output).toContain('catalog cannot start: database postgres://127.0.0.1:1/x:');
    expect(res.output).toContain('check --db');
  });

  it('an unreachable warehouse: non-zero exit naming the warehouse', async () => {
    const res = await runServe(
      [
        '--port',
        '0',
        '--db',
        `sqlite:${join(dir, 'wh-test.db')}`,
        '--warehouse',
        's3://nobucket/x',
        '--s3-endpoint',
        'http://127.0.0.1:1',
      ],
      { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test-secret-key' },
    );
    expect(res.code, res.output).toBe(1);
    expect(res.output).toContain('catalog cannot start: warehouse s3://nobucket/x:');
    expect(res.output).toContain('http://127.0.0.1:1');
    expect(res.output).not.toContain('test-secret-key');
  });

  it('a port in use: the message says so', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const res = await runServe([
        '--port',
        String(port),
        '--db',
        `sqlite:${join(dir, 'port-test.db')}`,
        '--warehouse',
        wh(),
      ]);
      expect(res.code, res.output).toBe(1);
      expect(res.output).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('an unknown flag: exit 2', async () => {
    const res = await runServe(['--bogus']);
    expect(res.code, res.output).toBe(2);
    expect(res.output).toContain("unknown option '--bogus'");
  });
});
