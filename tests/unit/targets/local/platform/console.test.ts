import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseValues } from '../../../../../src/platform/config/index.js';
import {
  consoleUrl,
  isLoopbackHost,
  platformEndpoints,
  readValuesInEffect,
  valuesInEffectFile,
  writeValuesInEffect,
} from '../../../../../src/targets/local/platform/index.js';
import { platformLayout } from '../../../../../src/targets/local/platform/layout.js';
import { buildProcessSpecs } from '../../../../../src/targets/local/platform/specs.js';

const only = (extra = '') =>
  parseValues('local', [
    {
      file: 'v.yaml',
      text: `global: { target: local }
minio: { enabled: false }
icebergCatalog: { enabled: false }
trino: { enabled: false }
airflow: { enabled: false }
observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }
${extra}`,
    },
  ]);

const secrets = {
  minio: { rootUser: 'lakehouse-user', rootPassword: 'minio-root-password-not-for-console' },
  airflow: {
    adminPassword: 'airflow-admin-password',
    jwtSecret: 'j'.repeat(32),
    apiSecretKey: 'k'.repeat(32),
    fernetKey: `${'f'.repeat(43)}=`,
  },
};

function consoleSpec(extra = '') {
  const specs = buildProcessSpecs({
    values: only(extra),
    env: 'local',
    layout: platformLayout('/state'),
    secrets,
    installed: { node: '/usr/bin/node', lakehouseBin: '/repo/bin/lakehouse.js' },
    baseEnv: { PATH: '/usr/bin' },
  });
  return specs.get('console');
}

describe('the console process', () => {
  it('runs `lakehouse console serve` on the configured address, healthy at /healthz', () => {
    expect(consoleSpec()).toEqual([
      {
        name: 'console',
        component: 'console',
        version: 'lakehouse',
        command: '/usr/bin/node',
        args: [
          '/repo/bin/lakehouse.js',
          'console',
          'serve',
          '--env',
          'local',
          '--host',
          '127.0.0.1',
          '--port',
          '3000',
        ],
        env: { PATH: '/usr/bin', LAKEHOUSE_HOME: '/state' },
        ports: [3000],
        health: { url: 'http://127.0.0.1:3000/healthz' },
        dependsOn: [],
        stopTimeoutMs: 5_000,
        startTimeoutMs: 30_000,
      },
    ]);
  });

  it('no other component’s credential is in its environment or arguments', () => {
    const text = JSON.stringify(consoleSpec());
    for (const secret of [secrets.minio.rootPassword, secrets.airflow.adminPassword]) {
      expect(text).not.toContain(secret);
    }
  });

  it('bound to every address, it is probed and linked through loopback', () => {
    expect(consoleSpec('console: { host: 0.0.0.0, port: 3100 }')?.[0]?.health.url).toBe(
      'http://127.0.0.1:3100/healthz',
    );
    expect(consoleUrl(only('console: { host: "::1" }'))).toBe('http://[::1]:3000/');
    expect(consoleUrl(only('console: { host: 10.0.0.5 }'))).toBe('http://10.0.0.5:3000/');
  });

  it('switched off: no process and no address', () => {
    const values = only('console: { enabled: false }');
    expect(consoleSpec('console: { enabled: false }')).toBeUndefined();
    expect(platformEndpoints(values).map((e) => e.component)).not.toContain('console');
    expect(platformEndpoints(only()).at(-1)).toEqual({
      component: 'console',
      what: 'Lakehouse console',
      url: 'http://127.0.0.1:3000/',
    });
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
  ])('loopback %s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('values in effect', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips what a deploy configured; missing or invalid reads as null', () => {
    dir = mkdtempSync(join(tmpdir(), 'lakehouse-vie-'));
    expect(readValuesInEffect(dir)).toBeNull();
    const values = only('console: { port: 3999 }');
    writeValuesInEffect(dir, values);
    expect(readValuesInEffect(dir)).toEqual(values);
    writeFileSync(valuesInEffectFile(dir), '{"global": {}}');
    expect(readValuesInEffect(dir)).toBeNull();
    writeFileSync(valuesInEffectFile(dir), 'not json');
    expect(readValuesInEffect(dir)).toBeNull();
  });
});
