import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJavaSettings } from '../../../../../src/targets/local/install/index.js';
import {
  coordinatorAccessRules,
  parseHeapMb,
  renderCsv,
  renderJson,
  renderTable,
  renderTrinoNode,
  trinoCliCommand,
  trinoLaunch,
  trinoTmpDir,
  writeTrinoFiles,
  type TrinoNodeOptions,
} from '../../../../../src/targets/local/trino/index.js';

/** Pure functions of the Trino module: no Trino needed (they live beside the real-Trino test). */

const iceberg = {
  name: 'iceberg',
  connector: 'iceberg' as const,
  restUri: 'http://127.0.0.1:8181',
  s3: {
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    credentials: 'vended' as const,
  },
};

const coordinator: TrinoNodeOptions = {
  role: 'coordinator',
  nodeId: 'coordinator',
  httpPort: 8080,
  coordinatorUrl: 'http://127.0.0.1:8080/',
  dataDir: '/state/trino/coordinator/data',
  tmpDir: '/state/trino/coordinator/tmp',
  heap: '2G',
  queryMaxMemory: '1GB',
  catalogs: [{ name: 'tpch', connector: 'tpch' }, iceberg],
  workers: 1,
};

describe('renderTrinoNode', () => {
  it('renders the iceberg catalog: REST to our catalog with vended credentials, native S3 path-style to MinIO, no S3 key', () => {
    const files = renderTrinoNode(coordinator);
    expect(files['etc/catalog/iceberg.properties']).toBe(
      [
        'connector.name=iceberg',
        'iceberg.catalog.type=rest',
        'iceberg.rest-catalog.uri=http://127.0.0.1:8181',
        'fs.native-s3.enabled=true',
        's3.endpoint=http://127.0.0.1:9000',
        's3.region=us-east-1',
        's3.path-style-access=true',
        'iceberg.rest-catalog.vended-credentials-enabled=true',
        '',
      ].join('\n'),
    );
    expect(files['etc/catalog/tpch.properties']).toBe('connector.name=tpch\n');
  });

  it('renders static S3 keys, escaped, instead when given keys', () => {
    const files = renderTrinoNode({
      ...coordinator,
      catalogs: [
        {
          ...iceberg,
          s3: {
            ...iceberg.s3,
            credentials: { accessKey: 'lakehouse-access', secretKey: 'se\\cret key' },
          },
        },
      ],
    });
    const text = files['etc/catalog/iceberg.properties'] ?? '';
    expect(text).toContain(
      // java.util.Properties reads a backslash as an escape.
      's3.path-style-access=true\ns3.aws-access-key=lakehouse-access\ns3.aws-secret-key=se\\\\cret key\n',
    );
    expect(text).not.toContain('vended-credentials-enabled');
  });

  it('adds the warehouse and a bearer token only when given', () => {
    const files = renderTrinoNode({
      ...coordinator,
      catalogs: [{ ...iceberg, warehouse: 'lake', token: 't0ken' }],
    });
    const text = files['etc/catalog/iceberg.properties'] ?? '';
    expect(text).toContain(
      'iceberg.rest-catalog.uri=http://127.0.0.1:8181\niceberg.rest-catalog.warehouse=lake\n' +
        'iceberg.rest-catalog.security=OAUTH2\niceberg.rest-catalog.oauth2.token=t0ken\n',
    );
  });

  it('renders a coordinator that leaves the work to its workers and binds 127.0.0.1', () => {
    const files = renderTrinoNode(coordinator);
    expect(Object.keys(files).sort()).toEqual([
      'etc/access-control.properties',
      'etc/catalog/iceberg.properties',
      'etc/catalog/tpch.properties',
      'etc/config.properties',
      'etc/jvm.config',
      'etc/log.properties',
      'etc/node.properties',
      'etc/rules.json',
    ]);
    expect(files['etc/node.properties']).toBe(
      'node.environment=lakehouse\nnode.id=coordinator\nnode.data-dir=/state/trino/coordinator/data\n' +
        'node.bind-ip=127.0.0.1\nnode.internal-address=127.0.0.1\n',
    );
    expect(files['etc/config.properties']).toBe(
      [
        'coordinator=true',
        'node-scheduler.include-coordinator=false',
        'http-server.http.port=8080',
        'discovery.uri=http://127.0.0.1:8080',
        'query.max-memory=1GB',
        'query.max-memory-per-node=614MB',
        'memory.heap-headroom-per-node=614MB',
        'task.concurrency=2',
        'task.max-worker-threads=4',
        'query.max-history=50',
        '',
      ].join('\n'),
    );
    const jvm = (files['etc/jvm.config'] ?? '').split('\n');
    expect(jvm).toContain('-Xmx2G');
    expect(jvm).toContain('-XX:+UseG1GC');
    expect(jvm).toContain('-Djava.io.tmpdir=/state/trino/coordinator/tmp');
    expect(jvm).not.toContain('-XX:+HeapDumpOnOutOfMemoryError');
  });

  it('renders a worker pointing at the coordinator, and a lone coordinator that runs tasks', () => {
    const worker = renderTrinoNode({
      ...coordinator,
      role: 'worker',
      nodeId: 'w1',
      httpPort: 8081,
    });
    expect(worker['etc/config.properties']).toMatch(
      /^coordinator=false\nhttp-server\.http\.port=8081\ndiscovery\.uri=http:\/\/127\.0\.0\.1:8080\n/,
    );
    // A drained worker (lakehouse scale) exits after a short grace period, not Trino's 2 minutes.
    expect(worker['etc/config.properties']).toContain('shutdown.grace-period=10s\n');
    // …which the default access control would refuse.
    expect(worker['etc/access-control.properties']).toBe('access-control.name=allow-all\n');
    const alone = renderTrinoNode({ ...coordinator, workers: 0 });
    expect(alone['etc/config.properties']).toContain('node-scheduler.include-coordinator=true\n');
  });

  it('renders the memory catalog', () => {
    const files = renderTrinoNode({
      ...coordinator,
      catalogs: [{ name: 'memory', connector: 'memory' }],
    });
    expect(files['etc/catalog/memory.properties']).toBe('connector.name=memory\n');
  });

  it("gives the coordinator file-based access control: the console's user reads, the rest keep all", () => {
    const files = renderTrinoNode(coordinator);
    expect(files['etc/access-control.properties']).toBe(
      // Relative to the data directory, where the launcher links etc and runs Trino.
      'access-control.name=file\nsecurity.config-file=etc/rules.json\n',
    );
    const rules = JSON.parse(files['etc/rules.json'] ?? '') as unknown;
    expect(rules).toEqual(coordinatorAccessRules());
    expect(rules).toEqual({
      // First match wins; no match denies.
      catalogs: [
        { user: 'lakehouse-console', catalog: '.*', allow: 'read-only' },
        { catalog: '.*', allow: 'all' },
      ],
      // Absent, these would allow only system.builtin's functions and procedures.
      functions: [
        { user: 'lakehouse-console', privileges: [] },
        { privileges: ['EXECUTE', 'GRANT_EXECUTE', 'OWNERSHIP'] },
      ],
      procedures: [
        { user: 'lakehouse-console', privileges: [] },
        { privileges: ['EXECUTE', 'GRANT_EXECUTE'] },
      ],
      // Absent, nobody could change an owner.
      authorization: [
        { original_user: 'lakehouse-console', new_user: '.*', new_role: '.*', allow: false },
        { new_user: '.*', new_role: '.*', allow: true },
      ],
      // Absent, nobody could read system.runtime.nodes (`lakehouse scale` and health do);
      // graceful shutdown (write) stays refused, as Trino's default refused it.
      system_information: [{ allow: ['read'] }],
    });
    // Schemas, tables, session properties and queries: absent sections grant everyone all.
    for (const absent of ['schemas', 'tables', 'system_session_properties', 'queries']) {
      expect(rules).not.toHaveProperty(absent);
    }
    // Workers check no user's query: they keep allow-all for graceful shutdown.
    const worker = renderTrinoNode({ ...coordinator, role: 'worker', nodeId: 'w1' });
    expect(worker['etc/rules.json']).toBeUndefined();
  });

  it('rejects values it cannot write and bad names', () => {
    expect(() => renderTrinoNode({ ...coordinator, nodeId: 'a\nb' })).toThrow(/line break/);
    expect(() =>
      renderTrinoNode({ ...coordinator, catalogs: [{ name: 'Bad-Name', connector: 'tpch' }] }),
    ).toThrow(/catalog name/);
    expect(() => renderTrinoNode({ ...coordinator, heap: '2 GB' })).toThrow(/heap/);
    expect(parseHeapMb('1536m')).toBe(1536);
  });
});

describe('writeTrinoFiles', () => {
  it('writes catalogs 0600 under a 0700 etc, creates the JVM temp dir, and drops catalogs no longer rendered', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lakehouse-trino-files-'));
    try {
      await writeFile(join(dir, 'placeholder'), '');
      await writeTrinoFiles(dir, renderTrinoNode(coordinator));
      const secret = await stat(join(dir, 'etc/catalog/iceberg.properties'));
      expect(secret.mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'etc'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(dir, 'etc/config.properties'))).mode & 0o777).toBe(0o644);
      expect((await stat(trinoTmpDir(dir))).mode & 0o777).toBe(0o700);

      await writeTrinoFiles(dir, renderTrinoNode({ ...coordinator, catalogs: [] }));
      expect(await readdir(join(dir, 'etc/catalog'))).toEqual([]);
      expect(await readFile(join(dir, 'etc/node.properties'), 'utf8')).toContain('node.id=');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('trinoLaunch', () => {
  it('runs the bundled launcher in the foreground with an explicit JVM and data dir', () => {
    const launch = trinoLaunch({
      serverDir: '/cache/trino/476/server',
      etcDir: '/state/trino/coordinator/etc',
      dataDir: '/state/trino/coordinator/data',
      java: { javaHome: '/cache/jdk' },
      baseEnv: { PATH: '/usr/bin:/bin', HOME: '/home/u', AWS_SECRET_ACCESS_KEY: 'x' },
    });
    expect(launch).toEqual({
      command: '/cache/trino/476/server/bin/launcher',
      args: [
        '--etc-dir',
        '/state/trino/coordinator/etc',
        '--data-dir',
        '/state/trino/coordinator/data',
        '--jvm-dir',
        '/cache/jdk',
        'run',
      ],
      env: { JAVA_HOME: '/cache/jdk', PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: '/home/u' },
    });
  });

  it('builds the interactive CLI command', () => {
    expect(
      trinoCliCommand({
        java: '/jdk/bin/java',
        cliJar: '/c/cli.jar',
        server: 'http://127.0.0.1:8080',
        catalog: 'iceberg',
      }),
    ).toEqual({
      command: '/jdk/bin/java',
      args: [
        '--enable-native-access=ALL-UNNAMED',
        '-jar',
        '/c/cli.jar',
        '--server',
        'http://127.0.0.1:8080',
        '--user',
        'lakehouse',
        '--catalog',
        'iceberg',
      ],
    });
  });
});

describe('parseJavaSettings', () => {
  it('reads the home and feature release of modern and legacy JDKs', () => {
    const out = (home: string, spec: string): string =>
      `Property settings:\n    java.home = ${home}\n    java.specification.version = ${spec}\n    java.vendor = X\n`;
    expect(parseJavaSettings(out('/usr/lib/jvm/java-17', '17'))).toEqual({
      javaHome: '/usr/lib/jvm/java-17',
      java: '/usr/lib/jvm/java-17/bin/java',
      major: 17,
    });
    expect(parseJavaSettings(out('/opt/jdk8/jre', '1.8'))?.major).toBe(8);
    expect(parseJavaSettings('openjdk version "25"')).toBeUndefined();
  });
});

describe('sql output', () => {
  const result = {
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'varchar' },
      { name: 'price', type: 'decimal(12,2)' },
      { name: 'tags', type: 'array(varchar)' },
    ],
    rows: [
      [1, 'plain', '10.50', ['a']],
      [9007199254740993n, 'has, comma "and" quotes', '-3.00', []],
      [3, 'two\nlines', null, null],
    ],
  };

  it('renders an aligned table with right-aligned numbers and NULL', () => {
    expect(renderTable(result)).toBe(
      [
        '        id        |          name           | price | tags',
        '------------------+-------------------------+-------+-------',
        '                1 | plain                   | 10.50 | ["a"]',
        ' 9007199254740993 | has, comma "and" quotes | -3.00 | []',
        '                3 | two\\nlines              |  NULL | NULL',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('renders statements without columns and empty results', () => {
    expect(renderTable({ columns: [], rows: [], updateType: 'INSERT', updateCount: 1 })).toBe(
      'INSERT: 1 row\n',
    );
    expect(renderTable({ columns: [], rows: [], updateType: 'CREATE TABLE' })).toBe(
      'CREATE TABLE\n',
    );
    expect(renderTable({ columns: [{ name: 'x', type: 'integer' }], rows: [] })).toBe(
      ' x\n---\n(0 rows)\n',
    );
  });

  it('renders JSON objects, exact bigints, unique keys', () => {
    expect(renderJson(result)).toBe(
      '[\n' +
        '  {"id":1,"name":"plain","price":"10.50","tags":["a"]},\n' +
        '  {"id":9007199254740993,"name":"has, comma \\"and\\" quotes","price":"-3.00","tags":[]},\n' +
        '  {"id":3,"name":"two\\nlines","price":null,"tags":null}\n' +
        ']\n',
    );
    expect(renderJson({ columns: result.columns, rows: [] })).toBe('[]\n');
    const dup = renderJson({
      columns: [
        { name: 'x', type: 'integer' },
        { name: 'x', type: 'integer' },
        { name: 'x_2', type: 'integer' },
      ],
      rows: [[1, 2, 3]],
    });
    expect(JSON.parse(dup)).toEqual([{ x: 1, x_2: 2, x_2_2: 3 }]);
  });

  it('renders RFC 4180 CSV', () => {
    expect(renderCsv(result)).toBe(
      'id,name,price,tags\r\n' +
        '1,plain,10.50,"[""a""]"\r\n' +
        '9007199254740993,"has, comma ""and"" quotes",-3.00,[]\r\n' +
        '3,"two\nlines",,\r\n',
    );
  });
});

describe('maintenance retention', () => {
  it("lets expire_snapshots and remove_orphan_files use the environment's retention", () => {
    const files = renderTrinoNode({
      ...coordinator,
      catalogs: [
        { ...iceberg, minRetentionSeconds: { expireSnapshots: 604_800, removeOrphanFiles: 0 } },
      ],
    });
    const props = files['etc/catalog/iceberg.properties'] ?? '';
    expect(props).toContain('iceberg.expire-snapshots.min-retention=604800s\n');
    expect(props).toContain('iceberg.remove-orphan-files.min-retention=0s\n');
  });
});
