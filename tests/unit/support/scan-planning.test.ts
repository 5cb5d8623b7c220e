import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { planScan, ScanPlanningError } from '../../support/scan-planning.js';

/**
 * The scan planning client the comparison test and the benchmark rely on, against a scripted
 * catalog: it must follow `submitted` through fetchPlanningResult, every plan task (also plan
 * tasks handed out by fetchScanTasks), and resolve delete-file-references against the
 * delete-files of the same answer — or the comparison could agree with pyiceberg by accident.
 */

interface Seen {
  method: string;
  path: string;
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

type Script = (method: string, path: string, body: string) => { status?: number; json: unknown };

async function catalog(script: Script, seen: Seen[]): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', body });
      const answer = script(req.method ?? '', req.url ?? '', body);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const file = (path: string, content = 'data') => ({ content, 'file-path': path });
const TABLE = '/v1/namespaces/ns/tables/t';

describe('planScan', () => {
  it('follows submitted, plan tasks and nested plan tasks to every file scan task', async () => {
    const seen: Seen[] = [];
    let polls = 0;
    const baseUrl = await catalog((method, path, body) => {
      if (method === 'POST' && path === `${TABLE}/plan`) {
        return { json: { status: 'submitted', 'plan-id': 'p 1' } };
      }
      if (method === 'GET' && path === `${TABLE}/plan/p%201`) {
        if (++polls < 3) return { json: { status: 'submitted' } };
        return {
          json: {
            status: 'completed',
            'plan-tasks': ['pt-a', 'pt-b'],
            'delete-files': [file('d0', 'position-deletes')],
            'file-scan-tasks': [{ 'data-file': file('f0'), 'delete-file-references': [0] }],
          },
        };
      }
      if (method === 'POST' && path === `${TABLE}/tasks`) {
        const task = (JSON.parse(body) as { 'plan-task': string })['plan-task'];
        if (task === 'pt-a') {
          return {
            json: {
              'plan-tasks': ['pt-c'],
              'delete-files': [file('d1', 'position-deletes'), file('d2', 'position-deletes')],
              'file-scan-tasks': [
                { 'data-file': file('f1'), 'delete-file-references': [1, 0] },
                { 'data-file': file('f2') },
              ],
            },
          };
        }
        return { json: { 'file-scan-tasks': [{ 'data-file': file(`f-${task}`) }] } };
      }
      return { status: 404, json: { error: { message: `no route ${method} ${path}` } } };
    }, seen);

    const result = await planScan(
      { baseUrl, namespace: ['ns'], table: 't' },
      { filter: true, 'snapshot-id': 9007199254740993n },
    );
    expect(result.async).toBe(true);
    expect(result.tasks).toEqual([
      { dataFile: 'f0', deleteFiles: ['d0'] },
      { dataFile: 'f1', deleteFiles: ['d2', 'd1'] },
      { dataFile: 'f2', deleteFiles: [] },
      { dataFile: 'f-pt-b', deleteFiles: [] },
      { dataFile: 'f-pt-c', deleteFiles: [] },
    ]);
    // The plan, three polls, three plan tasks.
    expect(result.requests).toBe(7);
    // A 64-bit snapshot id goes out with every digit (beyond a double's exact range).
    expect(seen[0]?.body).toBe('{"filter":true,"snapshot-id":9007199254740993}');
  });

  it('takes a completed answer as is, under the prefix and a multi-level namespace', async () => {
    const seen: Seen[] = [];
    const baseUrl = await catalog(
      () => ({
        json: {
          status: 'completed',
          'plan-id': 'x',
          'file-scan-tasks': [{ 'data-file': file('only') }],
        },
      }),
      seen,
    );
    const result = await planScan({ baseUrl, prefix: 'wh', namespace: ['a', 'b'], table: 't' }, {});
    expect(result).toEqual({
      tasks: [{ dataFile: 'only', deleteFiles: [] }],
      requests: 1,
      async: false,
    });
    expect(seen[0]?.path).toBe('/v1/wh/namespaces/a%1Fb/tables/t/plan');
  });

  it('fails on failed planning, an HTTP error, or a reference outside delete-files', async () => {
    const answers: unknown[] = [
      { status: 'failed', error: { message: 'boom', type: 'X', code: 500 } },
      {
        status: 'completed',
        'file-scan-tasks': [{ 'data-file': file('f'), 'delete-file-references': [0] }],
      },
    ];
    const baseUrl = await catalog((method) => {
      if (method !== 'POST') return { status: 500, json: {} };
      const next = answers.shift();
      return next === undefined
        ? { status: 406, json: { error: { message: 'no' } } }
        : { json: next };
    }, []);
    const target = { baseUrl, namespace: ['ns'], table: 't' };
    await expect(planScan(target, {})).rejects.toThrow(/planning failed: boom/);
    await expect(planScan(target, {})).rejects.toThrow(
      /index 0 outside delete-files \(0 entries\)/,
    );
    await expect(planScan(target, {})).rejects.toThrow(ScanPlanningError);
  });
});
