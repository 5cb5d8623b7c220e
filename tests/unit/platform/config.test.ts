import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  configuredPorts,
  loadValues,
  mergeValues,
  parseValues,
} from '../../../src/platform/config/index.js';
import { versions } from '../../../src/platform/versions.js';

const LOCAL = 'env/local/helm-values.yaml';

/** The message of the ConfigError `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
}

const parse = (...texts: string[]) =>
  parseValues(
    'local',
    texts.map((text, i) => ({ file: i === 0 ? LOCAL : `extra-${i}.yaml`, text })),
  );

describe('the environments in env/', () => {
  it.each(['local', 'dev', 'staging', 'prod'])('%s loads', async (env) => {
    const values = await loadValues({ env });
    expect(values.global.namespace).toBe('lakehouse-platform');
    expect(values.trino.version).toBe(versions.trino.version);
  });

  it('local runs natively with one worker; prod runs on Kubernetes with more and bigger ones', async () => {
    const local = await loadValues({ env: 'local' });
    const prod = await loadValues({ env: 'prod' });
    expect(local.global.target).toBe('local');
    expect(local.trino.workers).toMatchObject({ count: 1, heap: '2G', basePort: 8090 });
    expect(prod.global.target).toBe('kubernetes');
    expect(prod.trino.workers.count).toBeGreaterThan(local.trino.workers.count);
    expect(prod.icebergCatalog.database).toMatch(/^postgres:\/\//);
  });

  it('a missing environment names the file and the environments there are', async () => {
    await expect(loadValues({ env: 'qa' })).rejects.toThrow(
      [
        'invalid configuration for environment "qa" (1 problem):',
        '  env/qa/helm-values.yaml does not exist',
        '    allowed: an environment with a values file',
        '    fix: use --env with one of: dev, local, prod, staging; or create env/qa/helm-values.yaml (copy env/local/helm-values.yaml)',
      ].join('\n'),
    );
  });

  it('extra files merge on top, in order, and are named in errors by their path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'values-'));
    try {
      const a = join(dir, 'a.yaml');
      const b = join(dir, 'b.yaml');
      await writeFile(a, 'trino:\n  workers:\n    count: 3\n    heap: 1G\n');
      await writeFile(b, 'trino:\n  workers:\n    count: 2\n');
      const values = await loadValues({ env: 'local', files: [a, b] });
      expect(values.trino.workers).toMatchObject({ count: 2, heap: '1G' });

      await writeFile(b, 'trino:\n  workers:\n    count: -1\n');
      await expect(loadValues({ env: 'local', files: [a, b] })).rejects.toThrow(
        `  ${b}: trino.workers.count is -1\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('defaults', () => {
  it('only global.target is required; the rest comes from the schema and versions.ts', () => {
    const v = parse('global:\n  target: local\n');
    expect(v.minio).toMatchObject({
      enabled: true,
      version: versions.minio.version,
      ports: { api: 9000, console: 9001 },
      bucket: 'warehouse',
    });
    expect(v.icebergCatalog).toMatchObject({
      port: 8181,
      warehouse: 's3://warehouse/lakehouse',
      database: 'sqlite',
    });
    expect(v.trino).toMatchObject({
      version: '476',
      coordinator: { port: 8080, heap: '2G' },
      workers: { count: 1, heap: '2G', basePort: 8090 },
      queryMaxMemory: '1GB',
    });
    expect(v.observability.prometheus).toMatchObject({
      port: 9090,
      retention: '15d',
      scrapeInterval: '15s',
      version: '2.42',
    });
    expect(v.observability.alertmanager).toMatchObject({ port: 9093, version: '0.25' });
    expect(v.airflow).toEqual({
      enabled: false,
      port: 8085,
      schedulerHealthPort: 8974,
      workerLogServerPort: 8793,
      triggererLogServerPort: 8794,
      dagsFolder: 'pipelines/dags',
      version: '3.3.2',
      parallelism: 4,
      image: {
        registry: '',
        repository: 'apache/airflow',
        tag: '',
        digest: '',
        pullPolicy: 'IfNotPresent',
      },
      resources: {},
      gitSync: {
        repo: '',
        branch: 'main',
        subPath: 'pipelines/dags',
        image: {
          registry: '',
          repository: 'git-sync/git-sync',
          tag: 'v4.4.0',
          digest: '',
          pullPolicy: 'IfNotPresent',
        },
      },
    });
    expect(v.retention).toEqual({
      snapshots: '7d',
      minSnapshotsToKeep: 1,
      orphanFiles: '3d',
      backups: '30d',
    });
  });

  it('the Kubernetes-only keys default to images without a registry host and no repository URL', () => {
    const v = parse('global:\n  target: local\n');
    expect(v.global).toMatchObject({
      namespace: 'lakehouse-platform',
      target: 'local',
      imageRegistry: '',
      imagePullSecrets: [],
      networkPolicy: { enabled: true },
    });
    expect(v.trino.image).toEqual({
      registry: '',
      repository: 'trinodb/trino',
      tag: '',
      digest: '',
      pullPolicy: 'IfNotPresent',
    });
    expect(v.postgresql).toMatchObject({
      enabled: true,
      image: { repository: 'postgres', tag: '15' },
      persistence: { size: '20Gi' },
    });
    expect(v.observability.grafana).toMatchObject({ enabled: true, port: 3000 });
    expect(v.argocd).toEqual({
      enabled: true,
      version: 'v3.6.1',
      repoURL: '',
      targetRevision: 'main',
      destinationServer: 'https://kubernetes.default.svc',
    });
    expect(v.icebergCatalog).toMatchObject({ replicas: 1, persistence: { size: '5Gi' } });
  });

  it('an empty extra file changes nothing', () => {
    expect(parse('global: { target: local }', '# nothing\n')).toEqual(
      parse('global: { target: local }'),
    );
  });
});

describe('errors name the file, the key, what is allowed and the fix', () => {
  it('a value out of range', () => {
    expect(
      errorOf(() => parse('global: { target: local }\ntrino:\n  workers:\n    count: 100\n')),
    ).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: trino.workers.count is 100',
        '    allowed: an integer from 0 to 64',
        '    fix: set trino.workers.count to an allowed value in env/local/helm-values.yaml, or remove it to use the default (1)',
      ].join('\n'),
    );
  });

  it('the local target allows fewer workers than one machine can hold', () => {
    expect(
      errorOf(() => parse('global: { target: local }\ntrino: { workers: { count: 12 } }')),
    ).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: trino.workers.count is 12',
        '    allowed: on the local target, an integer from 0 to 8',
        '    fix: lower it, or run more workers on a kubernetes environment (--env dev, staging or prod)',
      ].join('\n'),
    );
  });

  it('a wrong type and a wrong format, every problem at once', () => {
    expect(
      errorOf(() =>
        parse(
          'global: { target: local }\nminio: { ports: { api: "9000" } }\nobservability: { prometheus: { retention: 15 days } }\n',
        ),
      ),
    ).toBe(
      [
        'invalid configuration for environment "local" (2 problems):',
        '  env/local/helm-values.yaml: minio.ports.api is "9000"',
        '    allowed: a TCP port: an integer from 1024 to 65535',
        '    fix: set minio.ports.api to an allowed value in env/local/helm-values.yaml, or remove it to use the default (9000)',
        '  env/local/helm-values.yaml: observability.prometheus.retention is "15 days"',
        '    allowed: a duration like 30s, 15m, 12h, 7d or 2w',
        '    fix: set observability.prometheus.retention to an allowed value in env/local/helm-values.yaml, or remove it to use the default (15d)',
      ].join('\n'),
    );
  });

  it('a missing required key', () => {
    expect(errorOf(() => parse('minio: { bucket: warehouse }\n'))).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: global is missing',
        '    allowed: a map of the keys listed in the schema',
        '    fix: add "global:" with "target: local" (or "target: kubernetes")',
      ].join('\n'),
    );
    expect(errorOf(() => parse('global: { target: cloud }'))).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: global.target is "cloud"',
        '    allowed: "local" or "kubernetes"',
        '    fix: set global.target to an allowed value in env/local/helm-values.yaml',
      ].join('\n'),
    );
  });

  it('an unknown key, with a suggestion when it is close to a known one', () => {
    expect(
      errorOf(() =>
        parse('global: { target: local }\ntrino:\n  wokers: { count: 2 }\n  flavour: large\n'),
      ),
    ).toBe(
      [
        'invalid configuration for environment "local" (2 problems):',
        '  env/local/helm-values.yaml: trino.wokers is not a known key',
        '    allowed: the keys of trino: enabled, version, coordinator, workers, queryMaxMemory, image',
        '    fix: did you mean "workers"? Rename it to trino.workers',
        '  env/local/helm-values.yaml: trino.flavour is not a known key',
        '    allowed: the keys of trino: enabled, version, coordinator, workers, queryMaxMemory, image',
        '    fix: remove it from env/local/helm-values.yaml',
      ].join('\n'),
    );
    expect(errorOf(() => parse('global: { target: local }\nobservabilty: {}\n'))).toContain(
      'fix: did you mean "observability"? Rename it to observability',
    );
  });

  it('a YAML syntax error names the line and column', () => {
    expect(errorOf(() => parse('global:\n  target: local\ntrino:\n  workers: [1, 2\n'))).toMatch(
      /^invalid configuration for environment "local" \(1 problem\):\n {2}env\/local\/helm-values\.yaml has a YAML syntax error at line 5, column 1: .+\n {4}allowed: YAML: a map of keys, indented with spaces\n {4}fix: correct line 5 of env\/local\/helm-values\.yaml$/,
    );
    expect(
      errorOf(() => parse('global: { target: local }\nglobal: { target: local }\n')),
    ).toContain(
      'env/local/helm-values.yaml has a YAML syntax error at line 2, column 1: Map keys must be unique',
    );
  });

  it('a file that is not a map', () => {
    expect(errorOf(() => parse('- a\n- b\n'))).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml is a list, not a map of keys',
        '    allowed: a YAML map at the top level (global:, minio:, trino:, …)',
        '    fix: start env/local/helm-values.yaml with top-level keys such as "global:"',
      ].join('\n'),
    );
  });

  it('two components on one port name both keys', () => {
    expect(
      errorOf(() => parse('global: { target: local }\nicebergCatalog: { port: 9090 }\n')),
    ).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: icebergCatalog.port puts iceberg catalog on port 9090, which observability.prometheus.port already gives to prometheus',
        '    allowed: a port no other component uses',
        '    fix: change icebergCatalog.port or observability.prometheus.port so they differ',
      ].join('\n'),
    );
  });

  it('Trino workers take consecutive ports, which must not run into another component', () => {
    expect(
      errorOf(() =>
        parse('global: { target: local }\ntrino: { workers: { count: 3, basePort: 9088 } }\n'),
      ),
    ).toContain(
      'trino.workers.basePort puts trino worker 3 on port 9090, which observability.prometheus.port already gives to prometheus',
    );
  });

  it('port collisions do not matter on Kubernetes, where every component has its own pod', () => {
    expect(() =>
      parse('global: { target: kubernetes }\nicebergCatalog: { port: 9090 }\n'),
    ).not.toThrow();
  });

  it('the warehouse must be in the bucket MinIO creates', () => {
    expect(
      errorOf(() =>
        parse('global: { target: local }\nicebergCatalog: { warehouse: "s3://lake/tables" }\n'),
      ),
    ).toBe(
      [
        'invalid configuration for environment "local" (1 problem):',
        '  env/local/helm-values.yaml: icebergCatalog.warehouse is in bucket "lake", but MinIO creates bucket "warehouse" (minio.bucket)',
        '    allowed: an s3:// location in minio.bucket ("s3://warehouse/…")',
        '    fix: change icebergCatalog.warehouse to s3://warehouse/lakehouse, or minio.bucket to "lake"',
      ].join('\n'),
    );
  });

  it('several catalog replicas cannot share SQLite', () => {
    expect(
      errorOf(() => parse('global: { target: kubernetes }\nicebergCatalog: { replicas: 2 }\n')),
    ).toContain(
      'env/local/helm-values.yaml: icebergCatalog.replicas is 2, but icebergCatalog.database is SQLite, a file one replica owns',
    );
  });

  it('blames the extra file that set the bad value, not the environment file', () => {
    expect(
      errorOf(() =>
        parse('global: { target: local }\n', 'trino: { coordinator: { heap: 2GB } }\n'),
      ),
    ).toContain('  extra-1.yaml: trino.coordinator.heap is "2GB"');
  });
});

describe('mergeValues', () => {
  it('merges maps key by key, replaces lists and scalars, and null removes a key', () => {
    const { data, origins } = mergeValues([
      { file: 'a', data: { x: { y: 1, z: [1, 2], w: 'keep' }, gone: { deep: true } } },
      { file: 'b', data: { x: { y: 2, z: [3] }, gone: null, added: { k: 'v' } } },
    ]);
    expect(data).toEqual({ x: { y: 2, z: [3], w: 'keep' }, added: { k: 'v' } });
    expect(Object.fromEntries(origins)).toEqual({
      'x.y': 'b',
      'x.z': 'b',
      'x.w': 'a',
      'added.k': 'b',
    });
  });

  it('a map replacing a scalar (and the reverse) takes the later file', () => {
    const { data } = mergeValues([
      { file: 'a', data: { x: 1, y: { a: 1 } } },
      { file: 'b', data: { x: { a: 1 }, y: 2 } },
    ]);
    expect(data).toEqual({ x: { a: 1 }, y: 2 });
  });
});

describe('configuredPorts', () => {
  it('lists every enabled component in the runbook order, workers on consecutive ports', () => {
    const v = parse(
      'global: { target: local }\ntrino: { workers: { count: 2 } }\nairflow: { enabled: true }\n',
    );
    expect(configuredPorts(v).map((u) => `${u.port} ${u.key} ${u.owner}`)).toEqual([
      '9090 observability.prometheus.port prometheus',
      '9093 observability.alertmanager.port alertmanager',
      '9099 observability.supervisorMetrics.port supervisor metrics',
      '9100 observability.nodeExporter.port node-exporter',
      '9102 observability.statsdExporter.port statsd-exporter',
      '9125 observability.statsdExporter.statsdPort statsd-exporter (StatsD, UDP)',
      '9000 minio.ports.api minio',
      '9001 minio.ports.console minio console',
      '8181 icebergCatalog.port iceberg catalog',
      '8080 trino.coordinator.port trino coordinator',
      '8090 trino.workers.basePort trino worker 1',
      '8091 trino.workers.basePort trino worker 2',
      '8085 airflow.port airflow',
      '8974 airflow.schedulerHealthPort airflow scheduler health',
      '8793 airflow.workerLogServerPort airflow worker log server',
      '8794 airflow.triggererLogServerPort airflow triggerer log server',
      '3000 console.port console',
    ]);
  });

  it('the console: on by default on 127.0.0.1:3000, its port checked against the others', () => {
    const v = parse('global: { target: local }\n');
    expect(v.console).toEqual({ enabled: true, host: '127.0.0.1', port: 3000 });
    expect(
      configuredPorts(parse('global: { target: local }\nconsole: { enabled: false }\n')).map(
        (u) => u.key,
      ),
    ).not.toContain('console.port');
    expect(() => parse('global: { target: local }\nconsole: { port: 9090 }\n')).toThrow(
      /console.port.*puts console on port 9090, which observability.prometheus.port already gives to prometheus/s,
    );
    expect(() => parse('global: { target: local }\nconsole: { host: "my host" }\n')).toThrow(
      /console.host/,
    );
    expect(parse('global: { target: local }\nconsole: { host: "0.0.0.0" }\n').console.host).toBe(
      '0.0.0.0',
    );
  });

  it('runs no exporter and no supervisor metrics port without Prometheus and Alertmanager', () => {
    const v = parse(
      'global: { target: local }\nairflow: { enabled: true }\nobservability: { prometheus: { enabled: false }, alertmanager: { enabled: false } }\n',
    );
    const keys = configuredPorts(v).map((u) => u.key);
    expect(keys.filter((k) => k.startsWith('observability.'))).toEqual([]);
    expect(configuredPorts(v).filter((u) => u.protocol === 'udp')).toEqual([]);
  });
});
