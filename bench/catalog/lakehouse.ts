// Our catalog: `lakehouse catalog serve`, started from this working tree with a SQLite file for
// its catalog state and a local-filesystem warehouse.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnServer, type RunningServer } from './server.js';

export interface LakehouseOptions {
  /** Root of the working tree (where bin/lakehouse.js is). */
  root: string;
  port: number;
  /** Directory for the SQLite file, the warehouse and the log. */
  dir: string;
  /** More environment for the server (e.g. LAKEHOUSE_SCAN_* planning options). */
  env?: Record<string, string>;
}

function describeTree(root: string): string {
  let version = 'unknown';
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      version?: string;
    };
    version = pkg.version ?? version;
  } catch {
    // keep "unknown": the report still runs
  }
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin'], {
    cwd: root,
    encoding: 'utf8',
  });
  const commit = head.status === 0 ? head.stdout.trim() : 'no git';
  const suffix = dirty.status === 0 && dirty.stdout.trim() ? ' + uncommitted changes' : '';
  return `lakehouse ${version} @ ${commit}${suffix}, node ${process.version}`;
}

export async function startLakehouse(opts: LakehouseOptions): Promise<RunningServer> {
  const entry = join(opts.root, 'bin', 'lakehouse.js');
  if (!existsSync(entry)) throw new Error(`our catalog: ${entry} does not exist`);
  const dbFile = join(opts.dir, 'catalog.db');
  const warehouseDir = join(opts.dir, 'lakehouse-warehouse');
  mkdirSync(warehouseDir, { recursive: true });
  const warehouse = pathToFileURL(warehouseDir).href; // file:///tmp/...
  const logFile = join(opts.dir, 'lakehouse.log');
  const args = [
    entry,
    'catalog',
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--db',
    `sqlite:${dbFile}`,
    '--warehouse',
    warehouse,
  ];
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const proc = await spawnServer({
    what: 'our catalog (`lakehouse catalog serve`)',
    command: process.execPath,
    args,
    env: { ...process.env, ...opts.env },
    cwd: opts.root,
    logFile,
    healthUrl: `${baseUrl}/v1/config`,
    startTimeoutMs: 60_000,
    hint: `run \`node ${args.join(' ')}\` by hand to see why; is \`catalog serve\` in this tree yet (git log)? Or run with --only peer`,
  });
  return {
    name: 'lakehouse',
    baseUrl,
    pid: proc.pid,
    version: describeTree(opts.root),
    store: `SQLite file (--db sqlite:${dbFile})`,
    warehouse,
    logFile,
    stop: proc.stop,
  };
}
