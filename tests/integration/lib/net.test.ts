import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort, isPortInUse } from '../../../src/lib/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
    servers.push(server);
  });
}

const ephemeralStart = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
);

describe('findFreePort', () => {
  it('picks ports below the ephemeral range that a server can bind, never the same twice', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 30; i++) ports.push(await findFreePort());
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(port).toBeLessThan(ephemeralStart);
    await Promise.all(ports.map((p) => listen(p)));
    expect(await isPortInUse(ports[0]!)).toBe(true);
  });

  it('with a span, every port of the range is free and none is handed out again', async () => {
    const base = await findFreePort('127.0.0.1', 4);
    for (let i = 0; i < 4; i++) expect(await isPortInUse(base + i)).toBe(false);
    expect(base + 3).toBeLessThan(ephemeralStart);
    const later: number[] = [];
    for (let i = 0; i < 50; i++) later.push(await findFreePort());
    for (const p of later) expect(p >= base && p < base + 4).toBe(false);
    await Promise.all([0, 1, 2, 3].map((i) => listen(base + i)));
  });
});
