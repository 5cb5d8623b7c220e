import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../src/lib/index.js';
import { OutputBuffer, killOnExit, terminate, waitUntilReady, type ExitStatus } from './process.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CatalogS3Options {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SpawnCatalogOptions {
  /** Catalog database URL; default `sqlite:<fresh temp dir>/catalog.db`. */
  db?: string;
  /** Warehouse root, e.g. `s3://bucket/warehouse`. */
  warehouse: string;
  s3?: CatalogS3Options;
  /** Appended to the `catalog serve` command line. */
  extraArgs?: string[];
  /** Extra environment for the server process. */
  env?: Record<string, string>;
  /** Sent with the readiness probe: the bearer token of a server started with --auth-tokens. */
  token?: string;
  /** How long to wait for `GET /v1/config` to answer 200 (default 30 s). */
  readyTimeoutMs?: number;
}

export interface CatalogProcess {
  /** `http://127.0.0.1:<port>`: the REST API is under `${url}/v1`. */
  url: string;
  pid: number;
  /** The database URL the server uses: pass it to a second `spawnCatalog` to restart on it. */
  db: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). Removes a default temp database. */
  stop(): Promise<ExitStatus>;
  /** SIGKILL, as a crash would; keeps the database so a restart can reuse it. */
  kill(): Promise<ExitStatus>;
  /** The server's stdout and stderr so far, with S3 secrets redacted. */
  logs(): string;
}

const MAX_ATTEMPTS = 3;

/**
 * Spawns the real catalog (`lakehouse catalog serve`) as a child process on a free loopback port
 * and waits until it answers `GET /v1/config`.
 */
export async function spawnCatalog(opts: SpawnCatalogOptions): Promise<CatalogProcess> {
  let tempDir: string | undefined;
  let db = opts.db;
  if (!db) {
    tempDir = await mkdtemp(join(tmpdir(), 'lakehouse-catalog-'));
    db = `sqlite:${join(tempDir, 'catalog.db')}`;
  }
  let lastError: unknown;
  // findFreePort cannot reserve the port: another process may take it before the server binds.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      return await spawnOnce(opts, db, tempDir);
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error) || !/EADDRINUSE|address already in use/i.test(err.message)) {
        break;
      }
    }
  }
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  throw lastError;
}

async function spawnOnce(
  opts: SpawnCatalogOptions,
  db: string,
  tempDir: string | undefined,
): Promise<CatalogProcess> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    'bin/lakehouse.js',
    'catalog',
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--db',
    db,
    '--warehouse',
    opts.warehouse,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (opts.s3) {
    args.push('--s3-endpoint', opts.s3.endpoint, '--s3-path-style', '--s3-region', opts.s3.region);
    // Credentials go through the environment, never the command line (visible in `ps`).
    env.AWS_ACCESS_KEY_ID = opts.s3.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = opts.s3.secretAccessKey;
  }
  args.push(...(opts.extraArgs ?? []));

  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputBuffer(opts.s3 ? [opts.s3.secretAccessKey] : []);
  output.attach(child);
  const removeTemp = (): void => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  const unregister = killOnExit(child, removeTemp);

  try {
    const headers: Record<string, string> = opts.token
      ? { authorization: `Bearer ${opts.token}` }
      : {};
    const ready = async (): Promise<boolean> =>
      (await fetch(`${url}/v1/config`, { headers })).status === 200;
    await waitUntilReady(child, ready, {
      what: `the catalog on ${url}`,
      timeoutMs: opts.readyTimeoutMs ?? 30_000,
      output,
    });
  } catch (err) {
    await terminate(child, 'SIGKILL');
    unregister();
    throw err;
  }

  return {
    url,
    pid: child.pid ?? -1,
    db,
    async stop() {
      const status = await terminate(child, 'SIGTERM');
      unregister();
      removeTemp();
      return status;
    },
    async kill() {
      const status = await terminate(child, 'SIGKILL');
      unregister();
      // The temp database, if any, stays for a restart; the exit hook removes it at the end.
      killOnExit(child, removeTemp);
      return status;
    },
    logs: () => output.toString(),
  };
}
