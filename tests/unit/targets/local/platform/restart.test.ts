import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartLocal } from '../../../../../src/targets/local/platform/index.js';
import { writeDesiredSpecs } from '../../../../../src/targets/local/supervisor/index.js';
import type { ProcessSpec } from '../../../../../src/targets/local/process-spec.js';
import { quiet } from '../../../../support/ops.js';

/** `restart` on a platform whose supervisor is not running: nothing to reach, names still checked. */

function spec(name: string, component: ProcessSpec['component']): ProcessSpec {
  return {
    name,
    component,
    version: '1',
    command: '/bin/true',
    args: [],
    env: {},
    ports: [],
    health: { url: 'http://127.0.0.1:1/' },
    dependsOn: [],
  };
}

describe('restart on a stopped platform', () => {
  let stateDir = '';
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'lakehouse-restart-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  const restart = (target: string) =>
    restartLocal({ env: 'local', valuesFiles: [], stateDir, target, progress: quiet });

  it('names a mistyped target before saying the platform is down', async () => {
    await expect(restart('trnio')).rejects.toThrow('no component or process "trnio"');
    writeDesiredSpecs(stateDir, [
      spec('minio', 'minio'),
      spec('trino-coordinator', 'trino'),
      spec('trino-worker-0', 'trino'),
    ]);
    await expect(restart('trino-worker-7')).rejects.toThrow(
      'no component or process "trino-worker-7"',
    );
    await expect(restart('airflow')).rejects.toThrow('airflow has no process');
  });

  it('a known component or process of a stopped platform: start it first', async () => {
    await expect(restart('trino')).rejects.toThrow('the platform is not running');
    writeDesiredSpecs(stateDir, [
      spec('trino-coordinator', 'trino'),
      spec('trino-worker-0', 'trino'),
    ]);
    await expect(restart('trino-worker-0')).rejects.toThrow('the platform is not running');
    await expect(restart('catalog')).rejects.toThrow('iceberg-catalog has no process');
  });
});
