/**
 * The /proc readers on this machine's real kernel: a listener opened here is found with its
 * owner (this process), its stat and command line.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listeningSockets,
  meminfo,
  procCommand,
  procStat,
  socketOwners,
} from '../../../src/targets/local/diagnose/index.js';

const server = createServer();
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('/proc readers', () => {
  it('find the socket listening on a port and the pid that holds it', () => {
    const mine = listeningSockets().filter((l) => l.port === port);
    expect(mine).toHaveLength(1);
    const owners = socketOwners(new Set(mine.map((l) => l.inode)));
    expect(owners.get(mine[0]?.inode ?? -1)).toBe(process.pid);
  });

  it('a port nobody listens on has no socket', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const freed = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(listeningSockets().filter((l) => l.port === freed)).toEqual([]);
  });

  it("read this process's state and command line", () => {
    const stat = procStat(process.pid);
    expect(stat?.state).toMatch(/^[RS]$/);
    // 0 when the session leader lives outside this pid namespace (as in some CI sandboxes).
    expect(stat?.session).toBeGreaterThanOrEqual(0);
    expect(procCommand(process.pid)).toContain('node');
    expect(procStat(2 ** 22 + 12345)).toBeNull();
  });

  it('read the session a detached child leads, as the supervisor starts processes', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const pid = child.pid ?? -1;
      await new Promise<void>((resolve) => child.once('spawn', () => resolve()));
      const stat = procStat(pid);
      expect(stat?.session).toBe(pid);
      expect(stat?.pgrp).toBe(pid);
      expect(procCommand(pid)).toContain('sleep');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('read the memory available', () => {
    const mem = meminfo();
    expect(mem?.totalBytes).toBeGreaterThan(0);
    expect(mem?.availableBytes).toBeGreaterThan(0);
    expect(mem?.availableBytes).toBeLessThanOrEqual(mem?.totalBytes ?? 0);
  });
});
