import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseValues } from '../../../../../src/platform/config/index.js';
import { platformLayout } from '../../../../../src/targets/local/platform/layout.js';
import { writeTrinoConfig } from '../../../../../src/targets/local/platform/prepare.js';
import { buildProcessSpecs } from '../../../../../src/targets/local/platform/specs.js';

/** The local platform's default: the catalog vends per-table keys, Trino holds no MinIO key. */

const values = () =>
  parseValues('local', [
    {
      file: 'v.yaml',
      text: `global: { target: local }
airflow: { enabled: false }
observability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }
`,
    },
  ]);

const secrets = {
  minio: { rootUser: 'minio-root-user-xyz', rootPassword: 'minio-root-password-xyz' },
  airflow: {
    adminPassword: 'airflow-admin-password',
    jwtSecret: 'j'.repeat(32),
    apiSecretKey: 'k'.repeat(32),
    fernetKey: `${'f'.repeat(43)}=`,
  },
};

describe('vended credentials on the local platform', () => {
  it('starts the catalog with --vended-credentials and gives Trino no MinIO key', () => {
    const specs = buildProcessSpecs({
      values: values(),
      env: 'local',
      layout: platformLayout('/state'),
      secrets,
      installed: {
        node: '/usr/bin/node',
        lakehouseBin: '/repo/bin/lakehouse.js',
        minio: '/bin/minio',
        java: { javaHome: '/jdk' },
        trinoServer: '/trino',
      },
      baseEnv: { PATH: '/usr/bin' },
    });
    const [catalog] = specs.get('iceberg-catalog') ?? [];
    expect(catalog?.args).toContain('--vended-credentials');
    // The catalog itself keeps the key it calls STS with, in its environment only.
    expect(catalog?.env['AWS_SECRET_ACCESS_KEY']).toBe(secrets.minio.rootPassword);
    expect(catalog?.args.join(' ')).not.toContain(secrets.minio.rootPassword);
    const trino = specs.get('trino') ?? [];
    expect(trino.length).toBeGreaterThan(0);
    for (const node of trino) {
      expect(JSON.stringify(node)).not.toContain(secrets.minio.rootPassword);
      expect(JSON.stringify(node)).not.toContain(secrets.minio.rootUser);
    }
  });

  it("writes Trino's iceberg catalog with vended credentials and no S3 key on every node", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'lakehouse-vended-platform-'));
    try {
      const v = values();
      await writeTrinoConfig(v, platformLayout(stateDir));
      const nodes = await readdir(join(stateDir, 'trino'));
      expect(nodes.length).toBe(1 + v.trino.workers.count);
      for (const node of nodes) {
        const text = await readFile(
          join(stateDir, 'trino', node, 'etc', 'catalog', 'iceberg.properties'),
          'utf8',
        );
        expect(text).toContain('iceberg.rest-catalog.vended-credentials-enabled=true\n');
        expect(text).toContain(`s3.endpoint=http://127.0.0.1:${v.minio.ports.api}\n`);
        expect(text).toContain('s3.path-style-access=true\n');
        expect(text).not.toMatch(/aws-access-key|aws-secret-key/);
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
