import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RotationJournal } from '../../../../../src/ops/index.js';
import { readRotation, writeRotation } from '../../../../../src/targets/local/releases/store.js';

/** The local store of a rotation's journal: kept 0600 with its command's pid, gone when it ends. */

const journal: RotationJournal = {
  set: 'minio',
  startedAt: '2026-11-24T00:00:00.000Z',
  holders: ['minio', 'iceberg-catalog', 'trino', 'observability'],
  restarted: ['minio'],
};

describe('rotation journal', () => {
  let stateDir = '';
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'lakehouse-rotation-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const file = () => join(stateDir, 'releases', 'rotation.json');

  it('is running while the process that wrote it runs, and gone once ended', async () => {
    expect(readRotation(stateDir)).toBeNull();
    writeRotation(stateDir, journal);
    expect(readRotation(stateDir)).toEqual({ ...journal, running: true });
    expect((await stat(file())).mode & 0o777).toBe(0o600);
    writeRotation(stateDir, null);
    expect(readRotation(stateDir)).toBeNull();
  });

  it("is interrupted when its command's process is gone", async () => {
    writeRotation(stateDir, journal);
    // A pid that existed and exited: a child this test started and waited for.
    const gone = spawnSync('true').pid;
    const doc = JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>;
    await writeFile(file(), JSON.stringify({ ...doc, pid: gone }));
    expect(readRotation(stateDir)).toEqual({ ...journal, running: false });
  });

  it('names the file when it is not a journal', async () => {
    writeRotation(stateDir, journal);
    await writeFile(file(), JSON.stringify({ version: 1, set: 'ldap' }));
    expect(() => readRotation(stateDir)).toThrow(`${file()} is not a rotation journal: remove it`);
  });
});
