/**
 * A real, throwaway PostgreSQL server for integration tests: its own temp data directory, a free
 * loopback port, trust authentication, fsync on (so durability paths are the real ones).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  stop(): Promise<void>;
  /** Stops the server but keeps its data directory (the database becomes unreachable). */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port and data directory. */
  resume(): Promise<void>;
}

const INSTALL_HINT = 'install PostgreSQL with `apt-get install -y postgresql`';
const START_TIMEOUT_MS = 30_000;

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findBinDir();
  const user = runAsUser();
  const dir = mkdtempSync(join(tmpdir(), 'lakehouse-pg-'));
  try {
    // mkdtemp makes the directory 0700 and owned by us; the server's user must own it.
    if (user) chownSync(dir, user.uid, user.gid);
    const dataDir = join(dir, 'data');
    const init = spawnSync(
      join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--no-locale',
        // Skips initdb's own fsyncs of the template files (seconds saved); the running server
        // still has fsync on.
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dir, encoding: 'utf8', ...spawnUser(user) },
    );
    if (init.error || init.status !== 0) {
      throw new Error(
        `initdb failed (${init.error?.message ?? `exit ${String(init.status)}`}):\n${init.stderr}${init.stdout}`,
      );
    }
    // Another process can take the port between our probe and the server's bind: retry then.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        let server = await launch(bin, dataDir, dir, port, user);
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          stop: async () => {
            await stopServer(server);
            rmSync(dir, { recursive: true, force: true });
          },
          halt: () => stopServer(server),
          resume: async () => {
            if (server.child.exitCode === null && server.child.signalCode === null) return;
            server = await launch(bin, dataDir, dir, port, user);
          },
        };
      } catch (err) {
        const portTaken =
          err instanceof Error && /could not bind|Address already in use/.test(err.message);
        if (!portTaken || attempt >= 3) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function findBinDir(): string {
  const candidates: string[] = [];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  // Debian installs server binaries outside PATH, one directory per major version.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const found = candidates.find(
    (d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')),
  );
  if (!found) {
    throw new Error(
      `PostgreSQL server binaries (initdb, postgres) not found (looked in: ${candidates.join(', ') || 'pg_config --bindir, /usr/lib/postgresql/*/bin'}): ${INSTALL_HINT}`,
    );
  }
  return found;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` system user. */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error(
      `running as root, and PostgreSQL refuses root, but there is no \`postgres\` system user to run it as: ${INSTALL_HINT} (which creates it)`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Node's spawn uid/gid (setgid, setgroups([]), setuid before exec) does what `setpriv` would, but
 * the child is the server itself, so our signals reach it with no wrapper in between.
 */
function spawnUser(user: RunAs | undefined): {
  uid?: number;
  gid?: number;
  env: NodeJS.ProcessEnv;
} {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  return user ? { uid: user.uid, gid: user.gid, env: { ...env, HOME: '/tmp' } } : { env };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

interface Server {
  child: ChildProcess;
  exited: Promise<void>;
}

async function launch(
  bin: string,
  dataDir: string,
  socketDir: string,
  port: number,
  user: RunAs | undefined,
): Promise<Server> {
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir}`,
      '-c',
      'fsync=on',
      '-c',
      'max_connections=100',
    ],
    { cwd: socketDir, stdio: ['ignore', 'pipe', 'pipe'], ...spawnUser(user) },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `killed by ${signal}` : `exit ${String(code)}`;
      resolveExit();
    });
    child.once('error', (err) => {
      exitInfo = `spawn failed: ${err.message}`;
      resolveExit();
    });
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exitInfo !== undefined) {
      throw new Error(`PostgreSQL on 127.0.0.1:${port} failed to start (${exitInfo}):\n${output}`);
    }
    if (await accepts(port)) return { child, exited };
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      await exited;
      throw new Error(
        `PostgreSQL on 127.0.0.1:${port} did not accept connections within ${START_TIMEOUT_MS} ms:\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 1_000,
  });
  // An error emitted after connect() settles would otherwise be unhandled.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function stopServer({ child, exited }: Server): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT'); // fast shutdown: disconnect clients, checkpoint, exit
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), 10_000).unref()),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}
