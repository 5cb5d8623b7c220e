import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports handed out by this process, never handed out twice. */
const handedOut = new Set<number>();

/** Where unassigned listening ports are looked for: from here up to the ephemeral range. */
const LOWEST_PORT = 15000;

/**
 * The first port of the kernel's ephemeral range (`ip_local_port_range`). Outgoing connections
 * take their local port from that range, so a port picked there and bound only later (a Trino
 * worker added by a scale minutes after its port was chosen) can be taken in between.
 */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST_PORT + 1000) return low;
  } catch {
    // Not Linux: the IANA dynamic range starts at 49152.
  }
  return 49152;
}

/**
 * A free TCP port on the loopback interface with `span - 1` free ports above it (Trino workers
 * take `basePort + i`), below the ephemeral range and never one this process handed out before.
 */
export async function findFreePort(host = '127.0.0.1', span = 1): Promise<number> {
  const high = ephemeralRangeStart() - span;
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = LOWEST_PORT + Math.floor(Math.random() * (high - LOWEST_PORT));
    const range = Array.from({ length: span }, (_, i) => base + i);
    if (range.some((p) => handedOut.has(p))) continue;
    let free = true;
    for (const p of range) {
      if (await isPortInUse(p, host)) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    for (const p of range) handedOut.add(p);
    return base;
  }
  throw new Error(`no ${span} free consecutive port(s) found between ${LOWEST_PORT} and ${high}`);
}

/** True when something accepts connections on host:port. */
export async function isPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}

/**
 * True when a UDP port cannot be bound on host (another socket holds it). UDP has no
 * connection to probe, so binding is the only test; it cannot tell who holds the port.
 */
export async function isUdpPortInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(true);
    });
    socket.bind(port, host, () => socket.close(() => resolve(false)));
  });
}

/** Polls `probe` until it resolves true or `timeoutMs` passes. */
export async function waitFor(
  probe: () => Promise<boolean>,
  { timeoutMs, intervalMs = 100, what }: { timeoutMs: number; intervalMs?: number; what: string },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
