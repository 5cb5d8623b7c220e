/**
 * Slow clients against the real server on a real socket: a client that trickles its headers or
 * its body is disconnected within about the configured timeout, while others are served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogServer, type RunningCatalog } from '../../../../src/catalog/index.js';
import { silentLogger } from '../../../support/catalog-app.js';

/** Generous: the server should close within ~1.5 s; this only has to hold on a busy machine. */
const BOUND_MS = 10_000;

interface Trickle {
  /** Milliseconds from the first byte until the server closed the connection. */
  closedAfterMs: number;
  /** What the server sent before closing (Node answers 408 when it can). */
  received: string;
}

/** Sends `head` at once, then `trickleText` a byte every 200 ms (if any) until the server closes. */
function trickle(port: number, head: string, trickleText: string): Promise<Trickle> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a trickling connection open ${BOUND_MS * 2} ms`));
    }, BOUND_MS * 2);
    socket.on('connect', () => {
      socket.write(head);
      sent += head.length;
      if (trickleText === '') return;
      timer = setInterval(() => {
        if (socket.writable) {
          socket.write(trickleText[sent % trickleText.length] ?? 'x');
          sent++;
        }
      }, 200);
    });
    socket.on('data', (d) => (received += d.toString()));
    // Writing to a socket the server closed may fail; the close that follows is the result.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
  });
}

describe('request timeouts on a real socket', () => {
  let dir: string;
  let catalog: RunningCatalog;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-timeouts-'));
    catalog = await startCatalogServer({
      host: '127.0.0.1',
      port: 0,
      db: `sqlite:${join(dir, 'catalog.db')}`,
      warehouses: [{ name: 'default', location: pathToFileURL(join(dir, 'wh')).href }],
      s3: {},
      logger: silentLogger,
      limits: { requestTimeoutMs: 1000, headersTimeoutMs: 1000 },
    });
    port = Number(new URL(catalog.url).port);
  }, 60_000);
  afterAll(async () => {
    await catalog?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes clients trickling headers or a body or sending nothing, and serves others meanwhile', async () => {
    const slowHeaders = Array.from({ length: 10 }, () =>
      trickle(port, 'GET /v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'abcdefgh'),
    );
    const body = '{"namespace":["slow"]}';
    const slowBodies = Array.from({ length: 10 }, () =>
      trickle(
        port,
        `POST /v1/namespaces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 1000}\r\n\r\n`,
        body,
      ),
    );
    // Connected, then silent: never a first byte to start Node's own timeouts.
    const silent = Array.from({ length: 5 }, () => trickle(port, '', ''));
    // While these connections trickle, others are served.
    await new Promise((r) => setTimeout(r, 300));
    const normal = await fetch(`${catalog.url}/v1/config`);
    expect(normal.status).toBe(200);

    for (const result of await Promise.all([...slowHeaders, ...slowBodies, ...silent])) {
      expect(result.closedAfterMs).toBeLessThan(BOUND_MS);
      // Closed by the server's timeout, not by having sent everything.
      expect(result.received === '' || result.received.startsWith('HTTP/1.1 408')).toBe(true);
    }
    // The body never completed, so nothing was created.
    const ns = await fetch(`${catalog.url}/v1/namespaces/slow`, { method: 'HEAD' });
    expect(ns.status).toBe(404);
  }, 60_000);
});
