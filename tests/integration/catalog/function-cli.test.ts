/**
 * `lakehouse catalog function list|show|create|drop` against a real catalog server
 * (`lakehouse catalog serve` on SQLite, a file warehouse), run as a user runs the CLI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { runCli, type CliRun } from '../../support/cli.js';

let dir: string;
let catalog: CatalogProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catalog-function-cli-'));
  catalog = await spawnCatalog({ warehouse: pathToFileURL(join(dir, 'wh')).href });
  const res = await fetch(`${catalog.url}/v1/namespaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ namespace: ['analytics', 'udf'] }),
  });
  expect(res.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await catalog?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function fn(args: string[]): Promise<CliRun> {
  return runCli(['catalog', 'function', ...args, '--url', catalog.url], {
    env: { ...process.env, LAKEHOUSE_HOME: join(dir, 'home') },
    timeoutMs: 60_000,
  });
}

const REQUEST = {
  name: 'add_one',
  doc: 'Add one',
  definitions: [
    {
      'specific-name': 'add_one_int',
      parameters: [{ name: 'x', type: 'int' }],
      'return-type': 'int',
      version: { representations: [{ type: 'sql', dialect: 'trino', sql: 'x + 1' }] },
    },
    {
      parameters: [
        { name: 'x', type: 'decimal(9,2)' },
        {
          name: 'm',
          type: { type: 'map', key: 'string', value: { type: 'list', element: 'int' } },
        },
      ],
      'return-type': 'decimal(9,2)',
      version: {
        representations: [
          { type: 'sql', dialect: 'trino', sql: 'x + 1' },
          { type: 'sql', dialect: 'spark', sql: 'x + 1' },
        ],
      },
    },
  ],
};

async function functionsListed(): Promise<unknown> {
  const res = await fetch(`${catalog.url}/v1/namespaces/analytics%1Fudf/functions`);
  return ((await res.json()) as { identifiers: unknown }).identifiers;
}

describe('lakehouse catalog function', () => {
  it('create --dry-run checks and changes nothing; create, list, show, drop; drop again is a no-op', async () => {
    const file = join(dir, 'add_one.json');
    await writeFile(file, JSON.stringify(REQUEST));

    const dry = await fn(['create', 'analytics.udf', '--file', file, '--dry-run']);
    expect({ code: dry.code, stdout: dry.stdout }).toEqual({
      code: 0,
      stdout:
        'ℹ dry run: would create function analytics.udf.add_one with (int), (decimal(9,2), map<string,list<int>>); nothing changed\n',
    });
    expect(await functionsListed()).toEqual([]);

    const created = await fn(['create', 'analytics.udf', '--file', file]);
    expect({ code: created.code, stdout: created.stdout, stderr: created.stderr }).toEqual({
      code: 0,
      stdout:
        '✔ created function analytics.udf.add_one with (int), (decimal(9,2), map<string,list<int>>)\n',
      stderr: '',
    });
    expect(await functionsListed()).toEqual([['analytics', 'udf', 'add_one']]);

    const list = await fn(['list', 'analytics.udf']);
    expect({ code: list.code, stdout: list.stdout }).toEqual({
      code: 0,
      stdout: 'analytics.udf.add_one\n',
    });
    const listJson = await fn(['list', 'analytics.udf', '-o', 'json']);
    expect(JSON.parse(listJson.stdout)).toEqual({ identifiers: [['analytics', 'udf', 'add_one']] });

    const shown = await fn(['show', 'analytics.udf', 'add_one']);
    expect({ code: shown.code, stdout: shown.stdout }).toEqual({
      code: 0,
      stdout: [
        'analytics.udf.add_one — Add one',
        '  (int) → int  udf  version 1 of 1  trino  [add_one_int]',
        '  (decimal(9,2), map<string,list<int>>) → decimal(9,2)  udf  version 1 of 1  trino, spark',
        '',
      ].join('\n'),
    });
    const shownJson = JSON.parse(
      (await fn(['show', 'analytics.udf', 'add_one', '-o', 'json'])).stdout,
    );
    const loaded = await fetch(`${catalog.url}/v1/namespaces/analytics%1Fudf/functions/add_one`);
    expect(shownJson).toEqual(await loaded.json());

    const again = await fn(['create', 'analytics.udf', '--file', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('function analytics.udf.add_one already exists');

    const dryDrop = await fn(['drop', 'analytics.udf', 'add_one', '--dry-run']);
    expect(dryDrop.stdout).toBe(
      'ℹ dry run: would drop function analytics.udf.add_one (2 definitions); nothing changed\n',
    );
    expect(await functionsListed()).toEqual([['analytics', 'udf', 'add_one']]);

    const dropped = await fn(['drop', 'analytics.udf', 'add_one']);
    expect({ code: dropped.code, stdout: dropped.stdout }).toEqual({
      code: 0,
      stdout: '✔ dropped function analytics.udf.add_one\n',
    });
    const droppedAgain = await fn(['drop', 'analytics.udf', 'add_one']);
    expect({ code: droppedAgain.code, stdout: droppedAgain.stdout }).toEqual({
      code: 0,
      stdout: 'ℹ function analytics.udf.add_one does not exist, nothing to drop\n',
    });
    expect(await functionsListed()).toEqual([]);
  }, 120_000);

  it('an invalid request is refused before anything is sent, with what to fix', async () => {
    const file = join(dir, 'bad.json');
    const bad = structuredClone(REQUEST);
    (bad.definitions[0] as Record<string, unknown>)['definition-id'] = 'integer';
    await writeFile(file, JSON.stringify(bad));
    const res = await fn(['create', 'analytics.udf', '--file', file]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'definitions[0].definition-id: "integer" does not match its parameter types; the canonical id is "int"',
    );
    expect(await functionsListed()).toEqual([]);

    const missingNs = await fn(['list', 'nowhere']);
    expect(missingNs.code).toBe(1);
    expect(missingNs.stderr).toContain(
      'cannot list functions in nowhere: the catalog answered 404: Namespace does not exist: nowhere',
    );
    const dotName = await fn(['show', 'analytics.udf', '..']);
    expect(dotName.code).toBe(1);
    expect(dotName.stderr).toContain('invalid function name ".."');
  }, 120_000);

  it('says when the catalog cannot be reached', async () => {
    const res = await runCli(
      ['catalog', 'function', 'list', 'analytics', '--url', 'http://127.0.0.1:9'],
      { env: { ...process.env, LAKEHOUSE_HOME: join(dir, 'home') }, timeoutMs: 60_000 },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the Iceberg catalog at http://127.0.0.1:9 cannot be reached');
  }, 120_000);
});
