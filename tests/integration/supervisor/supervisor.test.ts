import { execFile } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../src/lib/index.js';
import type { ProcessStatus } from '../../../src/targets/local/process-spec.js';
import {
  acquireLock,
  LockHeldError,
  SupervisorClient,
  SupervisorUnavailableError,
  supervisorPaths,
  waitForHealthy,
  WaitForHealthyError,
  writeDesiredSpecs,
} from '../../../src/targets/local/supervisor/index.js';
import {
  alive,
  fixtureSpec,
  killAll,
  lakehouseBin,
  launchLikeTheCli,
  pidsToKill,
  repo,
  statusOf,
  until,
} from './helpers.js';

const run = promisify(execFile);
/** Must never show up in a log: it stands for the credentials specs carry in their env. */
const SECRET = 'sup3r-secret-value-never-logged';

describe('supervisor: a real detached daemon running real processes', () => {
  let stateDir: string;
  let client: SupervisorClient;
  let launched: { supervisorPid: number; cliPid: number };
  const ports = { base: 0, app: 0, crasher: 0 };
  const grandchildFile = (): string => join(stateDir, 'app-grandchild.pid');
  const readGrandchild = (): number => Number(readFileSync(grandchildFile(), 'utf8'));

  /** `app` is listed first but depends on `base`, which takes 1.5 s to get healthy. */
  const specs = (appEnv: Record<string, string> = {}, appVersion = '1.0.0') => [
    fixtureSpec(
      'app',
      ports.app,
      {
        REQUIRE_URL: `http://127.0.0.1:${ports.base}/health`,
        GRANDCHILD_PIDFILE: grandchildFile(),
        SECRET_TOKEN: SECRET,
        ...appEnv,
      },
      { dependsOn: ['base'], component: 'trino', version: appVersion },
    ),
    fixtureSpec('base', ports.base, { HEALTHY_AFTER_MS: '1500', SECRET_TOKEN: SECRET }),
    fixtureSpec('crasher', ports.crasher, { MODE: 'exit' }),
  ];

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'lh-sup-'));
    ports.base = await findFreePort();
    ports.app = await findFreePort();
    ports.crasher = await findFreePort();
    writeDesiredSpecs(stateDir, specs());
    launched = await launchLikeTheCli(stateDir);
    client = SupervisorClient.forStateDir(stateDir);
  });

  afterAll(async () => {
    const leftovers = pidsToKill(stateDir);
    try {
      await client.shutdown();
    } catch {
      // Not running any more (the shutdown test) or broken: the kill below covers it.
    }
    killAll(leftovers.filter(alive));
    killAll(pidsToKill(stateDir).filter(alive));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps running after the CLI process that launched it exits', async () => {
    expect(alive(launched.cliPid)).toBe(false);
    expect(alive(launched.supervisorPid)).toBe(true);
    expect(await client.ping()).toBe(launched.supervisorPid);
    const paths = supervisorPaths(stateDir);
    expect(readFileSync(paths.pidFile, 'utf8').trim()).toBe(String(launched.supervisorPid));
    expect(existsSync(paths.socket)).toBe(true);
  });

  it('starts a process only once its dependencies are healthy, and reports status', async () => {
    const seen: string[] = [];
    await waitForHealthy(client, ['base', 'app'], 30_000, (statuses) =>
      seen.push(statuses.map((s) => `${s.name}:${s.state}`).join(',')),
    );
    expect(seen.length).toBeGreaterThan(1);

    const all = await client.status();
    // Dependency order, not list order.
    expect(all.map((s) => s.name)).toEqual(['base', 'crasher', 'app']);
    const base = all.find((s) => s.name === 'base') as ProcessStatus;
    const app = all.find((s) => s.name === 'app') as ProcessStatus;
    expect(app).toMatchObject({
      component: 'trino',
      version: '1.0.0',
      state: 'running',
      healthy: true,
      ports: [ports.app],
      restarts: 0,
      lastExit: null,
      paused: false,
      logFile: join(stateDir, 'logs', 'app.log'),
    });
    expect(app.pid).toEqual(expect.any(Number));
    expect(alive(app.pid as number)).toBe(true);
    expect(Date.now() - (app.startedAt as number)).toBeLessThan(60_000);
    // app waited for base's health (1.5 s after base started), and never failed for it.
    expect((app.startedAt as number) - (base.startedAt as number)).toBeGreaterThanOrEqual(1_400);
    const appLog = readFileSync(app.logFile, 'utf8');
    expect(appLog).toContain('dependency healthy at start');
    expect(appLog).not.toContain('dependency not healthy');
  });

  it('marks a process that keeps exiting as crashloop and keeps retrying it', async () => {
    const looping = await until('crasher in crash loop', async () => {
      const s = await statusOf(client, 'crasher');
      return s.state === 'crashloop' && s;
    });
    expect(looping.restarts).toBeGreaterThanOrEqual(4);
    expect(looping.lastExit).toMatchObject({ code: 3, signal: null });
    const log = readFileSync(looping.logFile, 'utf8');
    expect(log.split('failing on purpose').length - 1).toBeGreaterThanOrEqual(5);
    expect(log).toContain('crash loop: 5 failures');

    const err = await waitForHealthy(client, ['crasher'], 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitForHealthyError);
    expect((err as WaitForHealthyError).state).toBe('crashloop');
    expect((err as WaitForHealthyError).processName).toBe('crasher');
    expect((err as WaitForHealthyError).message).toContain('failing on purpose');

    // Still retried, at the capped backoff.
    await until('another crasher retry', async () => {
      const s = await statusOf(client, 'crasher');
      return s.restarts > looping.restarts && s.state === 'crashloop';
    });
  });

  it('restarts a child killed with SIGKILL, with its process group, and counts it', async () => {
    const before = await statusOf(client, 'app');
    const base = await statusOf(client, 'base');
    const grandchild = readGrandchild();
    expect(alive(grandchild)).toBe(true);
    process.kill(before.pid as number, 'SIGKILL');

    const after = await until('app restarted and healthy', async () => {
      const s = await statusOf(client, 'app');
      return s.pid !== before.pid && s.state === 'running' && s.healthy && s;
    });
    expect(after.restarts).toBe(1);
    expect(after.lastExit).toMatchObject({ code: null, signal: 'SIGKILL' });
    // The crashed leader's leftovers are killed too (they would hold its ports).
    await until('old grandchild gone', () => !alive(grandchild), 5_000);
    expect((await statusOf(client, 'base')).pid).toBe(base.pid);
  });

  it('restarts a child that dies when sent a request', async () => {
    const before = await statusOf(client, 'app');
    await fetch(`http://127.0.0.1:${ports.app}/crash`).catch(() => undefined);
    const after = await until('app restarted after /crash', async () => {
      const s = await statusOf(client, 'app');
      return s.restarts === 2 && s.healthy && s;
    });
    expect(after.pid).not.toBe(before.pid);
    expect(after.lastExit).toMatchObject({ code: 1, signal: null });
  });

  it('writes each process output to its log, marks events, and never logs the env', () => {
    const logsDir = join(stateDir, 'logs');
    const appLog = readFileSync(join(logsDir, 'app.log'), 'utf8');
    expect(appLog).toMatch(/fixture app pid \d+ starting/);
    expect(appLog).toMatch(/--- \[supervisor [^\]]+\] started .+ \(pid \d+\)/);
    expect(appLog).toContain('exited (signal SIGKILL)');
    expect(appLog).toContain('exited (code 1)');
    const supervisorLog = readFileSync(join(logsDir, 'supervisor.log'), 'utf8');
    expect(supervisorLog).toContain('supervisor ready');
    for (const file of readdirSync(logsDir)) {
      expect(readFileSync(join(logsDir, file), 'utf8')).not.toContain(SECRET);
    }
    for (const file of readdirSync(join(stateDir, 'run'))) {
      if (file === 'desired.json') continue; // the client's input: mode 0600, holds the env
      if (file.endsWith('.sock')) continue;
      expect(readFileSync(join(stateDir, 'run', file), 'utf8')).not.toContain(SECRET);
    }
  });

  it('stop, start and restart one process through the API', async () => {
    const before = await statusOf(client, 'app');
    const stopped = await client.stop('app');
    expect(stopped).toMatchObject({ state: 'stopped', pid: null, healthy: false });
    expect(alive(before.pid as number)).toBe(false);
    await sleep(500); // several backoff periods: an explicit stop is not undone
    expect((await statusOf(client, 'app')).state).toBe('stopped');

    await client.start('app');
    const [started] = await waitForHealthy(client, ['app'], 20_000);
    expect(started?.restarts).toBe(before.restarts);

    await client.restart('app');
    const [restarted] = await waitForHealthy(client, ['app'], 20_000);
    expect(restarted?.restarts).toBe(before.restarts + 1);
    expect(restarted?.pid).not.toBe(started?.pid);
  });

  it('apply restarts only a changed process and stops a removed one', async () => {
    const before = await client.status();
    const pid = (name: string) => before.find((s) => s.name === name)?.pid;
    writeDesiredSpecs(
      stateDir,
      specs({ MARK: '2' }).filter((s) => s.name !== 'crasher'),
    );
    const result = await client.apply();
    expect(result).toEqual({
      added: [],
      removed: ['crasher'],
      changed: ['app'],
      unchanged: ['base'],
      skipped: [],
    });
    const [base, app] = await waitForHealthy(client, ['base', 'app'], 20_000);
    expect(base?.pid).toBe(pid('base'));
    expect(app?.pid).not.toBe(pid('app'));
    expect(app?.restarts).toBe(0);
    expect(alive(pid('app') as number)).toBe(false);
    expect((await client.status()).map((s) => s.name)).toEqual(['base', 'app']);
  });

  it('pause: a killed process is not restarted and apply leaves it alone, until resume', async () => {
    const paused = await client.pause('app');
    expect(paused.paused).toBe(true);

    writeDesiredSpecs(
      stateDir,
      specs({ MARK: '3' }, '1.0.1').filter((s) => s.name !== 'crasher'),
    );
    expect((await client.apply()).skipped).toEqual(['app']);
    const running = await statusOf(client, 'app');
    expect(running.version).toBe('1.0.0');

    process.kill(running.pid as number, 'SIGKILL');
    await until('app stopped', async () => (await statusOf(client, 'app')).state === 'stopped');
    await sleep(1_000); // ten times the backoff
    expect(await statusOf(client, 'app')).toMatchObject({ state: 'stopped', pid: null });
    await expect(waitForHealthy(client, ['app'], 10_000)).rejects.toThrow(
      /app is stopped \(it exited while reconciliation was paused/,
    );

    const resumed = await client.resume('app');
    expect(resumed.paused).toBe(false);
    const [app] = await waitForHealthy(client, ['app'], 20_000);
    // Resumed reconciliation catches up with desired.json.
    expect(app?.version).toBe('1.0.1');
  });

  it('replace: a paused process gets its desired spec and restarts, and stays paused', async () => {
    await client.pause('app');
    writeDesiredSpecs(
      stateDir,
      specs({ MARK: '4' }, '1.0.2').filter((s) => s.name !== 'crasher'),
    );
    expect((await client.apply()).skipped).toEqual(['app']);
    const before = await statusOf(client, 'app');
    expect(before.version).toBe('1.0.1');

    const replaced = await client.replace('app');
    expect(replaced.paused).toBe(true);
    const [app] = await waitForHealthy(client, ['app'], 20_000);
    expect(app?.version).toBe('1.0.2');
    expect(app?.pid).not.toBe(before.pid);
    expect(app?.paused).toBe(true);

    // Same spec: replace is a restart.
    const again = await client.replace('app');
    expect(again.paused).toBe(true);
    const [restarted] = await waitForHealthy(client, ['app'], 20_000);
    expect(restarted?.pid).not.toBe(app?.pid);

    // Still paused: an exit is not restarted.
    process.kill(restarted?.pid as number, 'SIGKILL');
    await until('app stopped', async () => (await statusOf(client, 'app')).state === 'stopped');
    await sleep(1_000);
    expect(await statusOf(client, 'app')).toMatchObject({ state: 'stopped', pid: null });
    await client.resume('app');
    await waitForHealthy(client, ['app'], 20_000);
  });

  it('refuses a second supervisor for the same state directory', async () => {
    const err = await run(
      process.execPath,
      [lakehouseBin, 'supervisor', 'run', '--state-dir', stateDir],
      { cwd: repo, timeout: 30_000 },
    ).catch((e: { code?: number; stderr?: string }) => e);
    expect((err as { code?: number }).code).toBe(1);
    expect((err as { stderr?: string }).stderr).toContain(
      `a supervisor already runs for ${stateDir}`,
    );
    expect(await client.ping()).toBe(launched.supervisorPid);
  });

  it('a new supervisor kills the children a killed one left behind, then starts fresh', async () => {
    const old = await client.status();
    const oldPids = old.map((s) => s.pid as number);
    const grandchild = readGrandchild();
    process.kill(launched.supervisorPid, 'SIGKILL');
    await until('old supervisor dead', () => !alive(launched.supervisorPid));
    // Its children outlive it, unmanaged.
    expect(oldPids.every(alive)).toBe(true);

    launched = await launchLikeTheCli(stateDir);
    expect(launched.supervisorPid).not.toBe(oldPids[0]);
    await until('old children gone', () => !oldPids.some(alive) && !alive(grandchild), 15_000);
    const fresh = await waitForHealthy(client, ['base', 'app'], 30_000);
    for (const s of fresh) {
      expect(oldPids).not.toContain(s.pid);
      expect(s.restarts).toBe(0);
    }
  });

  it('shutdown stops everything, dependents first, and removes the socket and pid file', async () => {
    const statuses = await client.status();
    const pids = statuses.map((s) => s.pid as number);
    const grandchild = readGrandchild();
    expect([...pids, grandchild].every(alive)).toBe(true);

    expect(await client.shutdown()).toEqual(expect.arrayContaining(['base', 'app']));
    await until('supervisor exited', () => !alive(launched.supervisorPid), 10_000);
    expect([...pids, grandchild].filter(alive)).toEqual([]);
    const paths = supervisorPaths(stateDir);
    expect(existsSync(paths.socket)).toBe(false);
    expect(existsSync(paths.pidFile)).toBe(false);
    await expect(client.ping()).rejects.toBeInstanceOf(SupervisorUnavailableError);

    // app (the dependent) had exited before base was asked to stop.
    const lastEvent = (name: string, event: string): number => {
      const log = readFileSync(join(stateDir, 'logs', `${name}.log`), 'utf8');
      const line =
        log
          .split('\n')
          .filter((l) => l.includes(event))
          .at(-1) ?? '';
      return Date.parse(/\[supervisor ([^\]]+)\]/.exec(line)?.[1] ?? 'invalid');
    };
    expect(lastEvent('app', 'exited')).toBeLessThanOrEqual(lastEvent('base', 'stopping'));
  });
});

describe('supervisor: ensureSupervisor from two CLIs at once', () => {
  let stateDir: string;
  afterAll(async () => {
    await SupervisorClient.forStateDir(stateDir)
      .shutdown()
      .catch(() => undefined);
    killAll(pidsToKill(stateDir).filter(alive));
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts exactly one supervisor', async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'lh-sup-'));
    const [a, b] = await Promise.all([launchLikeTheCli(stateDir), launchLikeTheCli(stateDir)]);
    expect(a.supervisorPid).toBe(b.supervisorPid);
    expect(await SupervisorClient.forStateDir(stateDir).status()).toEqual([]);
  });

  it('kills and retries a process that does not get healthy within its start timeout', async () => {
    const port = await findFreePort();
    writeDesiredSpecs(stateDir, [
      fixtureSpec('sluggish', port, { HEALTHY_AFTER_MS: '600000' }, { startTimeoutMs: 1_000 }),
    ]);
    const client = SupervisorClient.forStateDir(stateDir);
    expect((await client.apply()).added).toEqual(['sluggish']);
    const retried = await until('sluggish retried', async () => {
      const s = await statusOf(client, 'sluggish');
      return s.restarts >= 1 && s;
    });
    expect(retried.lastExit).toMatchObject({ code: 0, signal: null }); // it took SIGTERM gracefully
    const log = readFileSync(retried.logFile, 'utf8');
    expect(log).toContain('not healthy after 1000 ms: stopping it to try again');
  });
});

describe('the up lock', () => {
  let stateDir: string;
  const children: number[] = [];
  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'lh-lock-'));
  });
  afterAll(() => {
    killAll(children.filter(alive));
    rmSync(stateDir, { recursive: true, force: true });
  });
  const lockFile = () => join(stateDir, 'run', 'up.lock');
  const upLock = () =>
    acquireLock(stateDir, 'up', {
      command: 'lakehouse up',
      busyMessage: 'the platform is already starting',
    });

  it('lets one of two concurrent `up` processes win; the other is told who holds it', async () => {
    const holder = join(repo, 'tests', 'integration', 'supervisor', 'fixtures', 'lock-holder.ts');
    const runTs = join(repo, 'bin', 'run-ts.js');
    const both = await Promise.all(
      [0, 1].map(() =>
        run(process.execPath, [runTs, holder, stateDir, '3000'], { timeout: 30_000 }),
      ),
    );
    const outputs = both.map((r) => r.stdout.trim()).sort();
    expect(outputs[0]).toMatch(
      /^busy: the platform is already starting \(lakehouse up, pid \d+\)$/,
    );
    expect(outputs[1]).toBe('held');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('refuses a second acquire in the same process and frees the lock on release', () => {
    const lock = upLock();
    expect(() => upLock()).toThrow(LockHeldError);
    expect(() => upLock()).toThrow(
      `the platform is already starting (lakehouse up, pid ${process.pid})`,
    );
    lock.release();
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    upLock().release();
  });

  it('honours a lock held by another live process and takes it over once that one is dead', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const pid = sleeper.pid as number;
    children.push(pid);
    writeFileSync(
      lockFile(),
      JSON.stringify({
        pid,
        procStart: null,
        acquiredAt: Date.now(),
        command: 'lakehouse down',
        busyMessage: 'the platform is stopping',
      }),
    );
    expect(() => upLock()).toThrow(`the platform is stopping (lakehouse down, pid ${pid})`);

    sleeper.kill('SIGKILL');
    await until('sleeper dead', () => !alive(pid));
    const lock = upLock();
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'lakehouse up',
    });
    lock.release();
  });

  it('treats a lock whose pid was recycled (other start time) as stale', () => {
    writeFileSync(
      lockFile(),
      JSON.stringify({
        pid: process.pid,
        procStart: 1,
        acquiredAt: 0,
        command: 'x',
        busyMessage: 'y',
      }),
    );
    upLock().release();
  });
});
