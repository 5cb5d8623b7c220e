/**
 * The restore workflow's order of checks on a real backup directory, against a recording target:
 * each refusal happens before any method that changes the platform is called, and a restore
 * calls them in the runbook's order (secrets and config, catalog, storage alone, objects, all).
 * The real target is proven end to end in tests/e2e/ops-backup.test.ts.
 */
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MANIFEST_FILE,
  buildManifest,
  encryptSecret,
  runRestore,
  scanFiles,
  type BackupTarget,
  type TableCheck,
} from '../../../src/ops/backup/index.js';
import type { Progress } from '../../../src/lib/index.js';

let dir: string;
let backup: string;

const quiet: Progress = {
  line: () => {},
  step: () => ({
    update: () => {},
    done: () => {},
    info: () => {},
    warn: () => {},
    fail: () => {},
  }),
};

const MUTATING = [
  'clearData',
  'restoreSecrets',
  'restoreConfig',
  'restoreCatalog',
  'restoreWorkflows',
  'startStorage',
  'importObjects',
  'startAll',
];

function recordingTarget(state: { running?: string[]; existing?: string[]; bucket?: string }) {
  const calls: string[] = [];
  const table: TableCheck = {
    namespace: ['demo'],
    name: 'orders',
    metadataLocation: 's3://warehouse/lakehouse/demo/orders/metadata/00001.metadata.json',
    requiredFiles: ['s3://warehouse/lakehouse/demo/orders/metadata/00001.metadata.json'],
  };
  const record =
    <T>(name: string, value: T) =>
    async (): Promise<T> => {
      calls.push(name);
      return value;
    };
  const target: BackupTarget = {
    identity: async () => ({
      env: 'local',
      target: 'local',
      bucket: state.bucket ?? 'warehouse',
      warehouse: 's3://warehouse/lakehouse',
      catalogDatabase: 'sqlite',
      versions: {},
    }),
    running: async () => state.running ?? [],
    storageReachable: async () => true,
    snapshotCatalog: async () => ({ format: 'sqlite' }),
    snapshotWorkflows: async () => 'Airflow has not run on this platform',
    tablesInSnapshot: async () => [],
    measureObjects: async () => ({ count: 0, bytes: 0 }),
    exportObjects: async () => [],
    exportConfig: async () => [],
    readSecrets: async () => Buffer.from(''),
    existingData: async () => state.existing ?? [],
    clearData: record('clearData', undefined),
    restoreSecrets: async (content) => {
      calls.push(`restoreSecrets:${content.toString()}`);
    },
    restoreConfig: record('restoreConfig', []),
    restoreCatalog: record('restoreCatalog', undefined),
    restoreWorkflows: async (from) => {
      calls.push(`restoreWorkflows:${from.slice(backup.length + 1)}`);
    },
    startStorage: record('startStorage', undefined),
    importObjects: async (_from, objects) => {
      calls.push(`importObjects:${objects.map((o) => o.key).join(',')}`);
    },
    startAll: record('startAll', undefined),
    listTables: async () => [table],
    countRows: async () => 15000,
    fileExists: async () => true,
  };
  return { target, calls };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lakehouse-restore-workflow-'));
  backup = join(dir, 'backup');
  mkdirSync(join(backup, 'objects', 'lakehouse', 'demo'), { recursive: true });
  mkdirSync(join(backup, 'catalog'));
  mkdirSync(join(backup, 'airflow'));
  writeFileSync(join(backup, 'airflow', 'airflow.db'), 'airflow db');
  mkdirSync(join(backup, 'secrets'));
  writeFileSync(join(backup, 'catalog', 'catalog.db'), 'db');
  writeFileSync(join(backup, 'objects', 'lakehouse', 'demo', 'a.parquet'), 'PAR1');
  writeFileSync(
    join(backup, 'secrets', 'credentials.json.enc'),
    encryptSecret(Buffer.from('{"secret":true}'), 'pass'),
  );
  const manifest = buildManifest(
    {
      createdAt: new Date().toISOString(),
      source: {
        env: 'local',
        target: 'local',
        bucket: 'warehouse',
        warehouse: 's3://warehouse/lakehouse',
        catalogDatabase: 'sqlite',
      },
      versions: {},
      contents: {
        catalog: { path: 'catalog/catalog.db', format: 'sqlite' },
        workflows: { path: 'airflow/airflow.db', format: 'sqlite' },
        objects: { prefix: 'objects/', count: 1, bytes: 4 },
        config: { paths: [] },
        secrets: { path: 'secrets/credentials.json.enc', encrypted: true },
      },
    },
    await scanFiles(backup),
  );
  await writeFile(join(backup, MANIFEST_FILE), JSON.stringify(manifest));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (over: Partial<Parameters<typeof runRestore>[1]> = {}) => ({
  dir: backup,
  yes: false,
  passphrase: 'pass',
  dryRun: false,
  progress: quiet,
  ...over,
});

describe('restore workflow', () => {
  it("restores in order: secrets, config, catalog, Airflow's database, storage alone, objects, everything, then checks", async () => {
    const { target, calls } = recordingTarget({});
    const result = await runRestore(target, opts());
    expect(calls).toEqual([
      'restoreSecrets:{"secret":true}',
      'restoreConfig',
      'restoreCatalog',
      'restoreWorkflows:airflow/airflow.db',
      'startStorage',
      'importObjects:lakehouse/demo/a.parquet',
      'startAll',
    ]);
    expect(result.tables).toEqual([
      expect.objectContaining({ table: 'demo.orders', ok: true, rows: 15000 }),
    ]);
  });

  const refusals: Array<[string, Parameters<typeof recordingTarget>[0], object, RegExp]> = [
    ['while running', { running: ['minio'] }, {}, /stop it first|running \(minio\)/],
    [
      'over existing data without --yes',
      { existing: ['catalog database'] },
      {},
      /already has data/,
    ],
    ['without the passphrase', {}, { passphrase: undefined }, /encrypted and no passphrase/],
    ['with a wrong passphrase', {}, { passphrase: 'nope' }, /wrong passphrase/],
    ['into another bucket', { bucket: 'other' }, {}, /bucket "warehouse" \(here: "other"/],
  ];
  for (const [what, state, over, message] of refusals) {
    it(`refuses ${what} before changing anything`, async () => {
      const { target, calls } = recordingTarget(state);
      await expect(runRestore(target, opts(over))).rejects.toThrow(message);
      expect(calls.filter((c) => MUTATING.some((m) => c.startsWith(m)))).toEqual([]);
    });
  }

  it('a dry run over existing data changes nothing and says what would be replaced', async () => {
    const { target, calls } = recordingTarget({ existing: ['catalog database'] });
    const result = await runRestore(target, opts({ dryRun: true }));
    expect(result.replaced).toEqual(['catalog database']);
    expect(calls).toEqual([]);
  });

  it('with --yes replaces existing data, clearing it first', async () => {
    const { target, calls } = recordingTarget({ existing: ['catalog database'] });
    await runRestore(target, opts({ yes: true }));
    expect(calls[0]).toBe('clearData');
  });

  it('refuses a damaged backup, naming the file, before asking the target anything', async () => {
    const damaged = join(dir, 'damaged');
    cpSync(backup, damaged, { recursive: true });
    appendFileSync(join(damaged, 'catalog', 'catalog.db'), '!');
    const { target, calls } = recordingTarget({});
    await expect(runRestore(target, opts({ dir: damaged }))).rejects.toThrow(
      /catalog\/catalog.db: size is 3 bytes, the manifest says 2/,
    );
    expect(calls).toEqual([]);
  });
});
