import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TrinoClient } from '../../../../src/platform/trino/index.js';

/**
 * The client's own protocol logic (maxRows, cancelling) against a scripted stand-in for Trino's
 * statement protocol; tests/integration/trino and tests/integration/console/sql.test.ts run the
 * same against a real Trino 476.
 */

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

interface Seen {
  method: string;
  path: string;
}

/** Pages of `pageRows` rows, `pages` of them, each page's nextUri at /page/<n>. */
async function pagedTrino(
  opts: { pages: number; pageRows: number; postDelayMs?: number },
  seen: Seen[],
): Promise<string> {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    const base = `http://127.0.0.1:${(server?.address() as { port: number }).port}`;
    const page = (n: number) => ({
      id: 'q1',
      columns: [{ name: 'n', type: 'bigint' }],
      data: Array.from({ length: opts.pageRows }, (_, i) => [n * opts.pageRows + i]),
      ...(n + 1 < opts.pages ? { nextUri: `${base}/page/${n + 1}` } : {}),
    });
    res.setHeader('content-type', 'application/json');
    if (req.method === 'DELETE') return res.writeHead(204).end();
    if (req.method === 'POST') {
      // The first answer carries no rows, as Trino's does.
      const answer = { id: 'q1', nextUri: `${base}/page/0` };
      setTimeout(() => res.end(JSON.stringify(answer)), opts.postDelayMs ?? 0);
      return;
    }
    res.end(JSON.stringify(page(Number(/\/page\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0))));
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('TrinoClient.query', () => {
  it('stops once more than maxRows arrived, cancels the query on the server and says truncated', async () => {
    const seen: Seen[] = [];
    const client = new TrinoClient({ baseUrl: await pagedTrino({ pages: 10, pageRows: 4 }, seen) });
    const r = await client.query('SELECT n', { maxRows: 6 });
    expect(r.rows).toEqual([[0], [1], [2], [3], [4], [5]]);
    expect(r.truncated).toBe(true);
    // Page 1 brought row 8 of 6: page 2 is cancelled, never read.
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /v1/statement',
      'GET /page/0',
      'GET /page/1',
      'DELETE /page/2',
    ]);
  });

  it('reads to the end when the rows fit, and says not truncated only when asked for a limit', async () => {
    const seen: Seen[] = [];
    const client = new TrinoClient({ baseUrl: await pagedTrino({ pages: 2, pageRows: 3 }, seen) });
    const exact = await client.query('SELECT n', { maxRows: 6 });
    expect(exact.rows).toHaveLength(6);
    expect(exact.truncated).toBe(false);
    expect(seen.some((s) => s.method === 'DELETE')).toBe(false);
    expect((await client.query('SELECT n')).truncated).toBeUndefined();
  });

  it('an abort while the POST is unanswered ends the call at once and cancels the query when Trino names it', async () => {
    const seen: Seen[] = [];
    const client = new TrinoClient({
      baseUrl: await pagedTrino({ pages: 2, pageRows: 1, postDelayMs: 300 }, seen),
    });
    const abort = new AbortController();
    const started = Date.now();
    const pending = client.query('SELECT n', { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(250);
    await sleep(400);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /v1/statement',
      'DELETE /page/0',
    ]);
  });
});
