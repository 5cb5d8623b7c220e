import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputBuffer, killOnExit, terminate, waitUntilReady } from '../../support/process.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/**
 * The top-level packages `npm ci --omit=dev` would install: package-lock entries directly under
 * node_modules/ that are not dev-only. Nested ones live inside their parent's folder.
 */
async function productionPackages(): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path) && !entry.dev)
    .map(([path]) => path.slice('node_modules/'.length));
}

/**
 * The catalog image's layout outside a container: /app holds package.json, the production
 * dependencies and dist/ — no src/, no tsx, no dev dependencies. Node resolves a package through
 * the folder of the importing file, so an import of a dev dependency from dist/ fails here as it
 * would in the image. (Packages are linked from the repository's node_modules: their own
 * transitive imports are npm's business, not ours.)
 */
async function imageLayout(app: string): Promise<void> {
  await copyFile(join(repoRoot, 'package.json'), join(app, 'package.json'));
  for (const name of await productionPackages()) {
    const target = join(app, 'node_modules', name);
    await mkdir(join(target, '..'), { recursive: true });
    await symlink(join(repoRoot, 'node_modules', name), target, 'dir');
  }
}

interface Started {
  child: ChildProcess;
  url: string;
  output: OutputBuffer;
}

/** `node dist/cli/main.js catalog serve --port 0 …`, as the image's entrypoint runs it. */
async function serveFromDist(app: string, args: string[]): Promise<Started> {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', 'dist/cli/main.js', 'catalog', 'serve', ...args],
    {
      cwd: app,
      // No inherited LAKEHOUSE_HOME or NODE_OPTIONS (vitest's loaders): only what the image sets.
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'production',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        LAKEHOUSE_HOME: join(app, 'home'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = new OutputBuffer();
  output.attach(child);
  killOnExit(child);
  let url: string | undefined;
  // Port 0: the kernel picks a free port and the server logs the URL it listens on.
  await waitUntilReady(
    child,
    async () => {
      url ??= /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"catalog listening"/.exec(
        output.toString(),
      )?.[1];
      return url !== undefined;
    },
    { what: 'the compiled catalog', timeoutMs: 30_000, output },
  );
  return { child, url: url as string, output };
}

describe('npm run build: the compiled catalog runs as the image runs it', () => {
  let app: string;
  let started: Started | undefined;
  const token = 'dist-test-token-0123456789abcdef';

  beforeAll(async () => {
    app = await mkdtemp(join(tmpdir(), 'lakehouse-dist-'));
    await imageLayout(app);
    // The package script itself, redirected into the layout (the repository's dist/ is left as is).
    await run('npm', ['run', 'build', '--', '--outDir', join(app, 'dist')], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(join(app, 'auth-tokens.yaml'), `tokens:\n  - ${token}\n`, { mode: 0o600 });
    started = await serveFromDist(app, [
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--db',
      `sqlite:${join(app, 'catalog.db')}`,
      '--warehouse',
      `file://${join(app, 'warehouse')}`,
      '--auth-tokens',
      join(app, 'auth-tokens.yaml'),
    ]);
  }, 300_000);

  afterAll(async () => {
    if (started) await terminate(started.child, 'SIGTERM');
    await rm(app, { recursive: true, force: true });
  });

  it('emits JavaScript for src/ alone, the CLI entry point included', async () => {
    expect((await readdir(join(app, 'dist'))).sort()).toEqual(
      (await readdir(join(repoRoot, 'src'))).sort(),
    );
    const entry = await readFile(join(app, 'dist', 'cli', 'main.js'), 'utf8');
    expect(entry).not.toMatch(/from ['"][^'"]+\.ts['"]/);
  });

  it('answers GET /v1/config with the bearer token, and 401 without it', async () => {
    const url = started?.url as string;
    const ok = await fetch(`${url}/v1/config`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ defaults: expect.any(Object), overrides: expect.any(Object) });

    expect((await fetch(`${url}/v1/config`)).status).toBe(401);
    // What the image's HEALTHCHECK and the chart's liveness probe call: no token needed.
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('stops cleanly on SIGTERM, as Kubernetes stops a pod', async () => {
    const child = (started as Started).child;
    started = undefined;
    expect(await terminate(child, 'SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
