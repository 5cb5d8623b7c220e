import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CONSOLE_TRINO_USER } from '../../../platform/trino/index.js';

/** S3 settings Trino's native file system uses to reach the object store (MinIO locally). */
export interface TrinoS3 {
  endpoint: string;
  region: string;
  /**
   * `vended`: Trino holds no S3 key; our catalog hands it short-lived keys scoped to each table
   * it loads (the catalog must run with --vended-credentials). Otherwise static keys.
   */
  credentials: 'vended' | { accessKey: string; secretKey: string };
}

/** A catalog, i.e. one `etc/catalog/<name>.properties`. */
export type TrinoCatalog =
  | { name: string; connector: 'tpch' }
  /** Tables held in the workers' memory, gone on restart: for tests that need to write. */
  | { name: string; connector: 'memory' }
  | {
      name: string;
      connector: 'iceberg';
      /** Our Iceberg REST catalog, e.g. `http://127.0.0.1:8181`. */
      restUri: string;
      /** Sent as `?warehouse=` to `/v1/config`; only needed when the catalog serves several. */
      warehouse?: string;
      /** A bearer token, when the catalog requires one. */
      token?: string;
      /**
       * The shortest retention `expire_snapshots` / `remove_orphan_files` accept, in seconds
       * (Trino's default is 7 days): the environment's retention settings, so maintenance can
       * use them.
       */
      minRetentionSeconds?: { expireSnapshots: number; removeOrphanFiles: number };
      s3: TrinoS3;
    };

export interface TrinoNodeOptions {
  role: 'coordinator' | 'worker';
  /** Unique and stable per node (Trino keys its node list by it). */
  nodeId: string;
  httpPort: number;
  /** The coordinator's URL, e.g. `http://127.0.0.1:8080`; workers announce themselves to it. */
  coordinatorUrl: string;
  /** `node.data-dir`: logs and spill; the launcher also puts its symlinks here. */
  dataDir: string;
  /** JVM maximum heap, e.g. `2G` or `1536M`. */
  heap: string;
  /** The JVM's `java.io.tmpdir`: `trinoTmpDir(nodeDir)`, which `writeTrinoFiles` creates. */
  tmpDir: string;
  /** Cluster-wide `query.max-memory`, e.g. `1GB`. */
  queryMaxMemory: string;
  catalogs: readonly TrinoCatalog[];
  /**
   * How many workers the cluster has (coordinator only). With none, the coordinator also runs
   * tasks; with some it only plans and schedules, as in a real cluster.
   */
  workers?: number;
}

/** Relative path (under the node's directory) → file content. */
export type TrinoFiles = Record<string, string>;

/** Paths of rendered files that may hold credentials: they are written with mode 0600. */
export function isSecretFile(path: string): boolean {
  return path.startsWith('etc/catalog/');
}

/**
 * Renders the configuration of one Trino node: `etc/node.properties`, `etc/jvm.config`,
 * `etc/config.properties`, `etc/log.properties` and one `etc/catalog/<name>.properties` per
 * catalog. Pure: the caller writes them (see `writeTrinoFiles`).
 */
export function renderTrinoNode(opts: TrinoNodeOptions): TrinoFiles {
  const heapMb = parseHeapMb(opts.heap);
  const files: TrinoFiles = {
    'etc/node.properties': properties([
      ['node.environment', 'lakehouse'],
      ['node.id', opts.nodeId],
      ['node.data-dir', opts.dataDir],
      // Listen on loopback only, and tell the other nodes that address (not the host name).
      ['node.bind-ip', '127.0.0.1'],
      ['node.internal-address', '127.0.0.1'],
    ]),
    'etc/jvm.config': jvmConfig(opts.heap, opts.tmpDir),
    'etc/config.properties': properties([
      ['coordinator', String(opts.role === 'coordinator')],
      ...(opts.role === 'coordinator'
        ? ([['node-scheduler.include-coordinator', String((opts.workers ?? 0) === 0)]] as const)
        : []),
      ['http-server.http.port', String(opts.httpPort)],
      ['discovery.uri', opts.coordinatorUrl.replace(/\/+$/, '')],
      ['query.max-memory', opts.queryMaxMemory],
      // Trino's defaults (30% of the heap each) spelled out, so a reader sees the budget: query
      // memory plus headroom must stay under the heap or the node refuses to start.
      ['query.max-memory-per-node', `${Math.floor(heapMb * 0.3)}MB`],
      ['memory.heap-headroom-per-node', `${Math.floor(heapMb * 0.3)}MB`],
      // Defaults are sized for dedicated many-core hosts; every node here shares two cores.
      ['task.concurrency', '2'],
      ['task.max-worker-threads', '4'],
      ['query.max-history', '50'],
      // A draining worker (`lakehouse scale`: PUT /v1/info/state SHUTTING_DOWN) waits this long
      // before and after its running tasks finish; Trino's default is 2 minutes each.
      ...(opts.role === 'worker' ? ([['shutdown.grace-period', '10s']] as const) : []),
    ]),
    'etc/log.properties': properties([['io.trino', 'INFO']]),
  };
  if (opts.role === 'coordinator') {
    // The coordinator checks every query's access: the console's user may only read.
    files['etc/access-control.properties'] = properties([
      ['access-control.name', 'file'],
      // Relative to the data directory, where the launcher links `etc` and runs Trino.
      ['security.config-file', 'etc/rules.json'],
    ]);
    files['etc/rules.json'] = `${JSON.stringify(coordinatorAccessRules(), null, 2)}\n`;
  }
  if (opts.role === 'worker') {
    // Trino's default access control refuses graceful shutdown (PUT /v1/info/state), which
    // `lakehouse scale` needs to drain a worker. Workers run no user queries (the coordinator
    // checks access), and locally X-Trino-User is only a label, so nothing else is opened.
    files['etc/access-control.properties'] = properties([['access-control.name', 'allow-all']]);
  }
  for (const catalog of opts.catalogs) {
    if (!/^[a-z][a-z0-9_]*$/.test(catalog.name)) {
      throw new Error(`invalid Trino catalog name "${catalog.name}": use [a-z][a-z0-9_]*`);
    }
    files[`etc/catalog/${catalog.name}.properties`] = renderCatalog(catalog);
  }
  return files;
}

/**
 * Trino's file-based system access control rules (Trino's docs, "File-based access control"):
 * each section's first matching rule decides, and no match denies. The console's user (src/console/sql) reads
 * every catalog (`read-only` is what the read-only access control allows: SELECT, SHOW, session
 * properties) and runs no catalog functions or procedures (a table function such as `query` can
 * write). Everyone else keeps what Trino's default access control gave them before: all of every
 * catalog; schemas, tables, session properties and queries (view and kill anyone's) have no
 * section, which grants all; the sections whose absence would deny are spelled out: functions,
 * procedures and changing an owner (`authorization`), and reading system information (the
 * system connector's tables, /v1/node). Writing it (graceful shutdown) stays refused as the
 * default refused it; workers are drained, never the coordinator. Impersonation stays refused.
 * Trino 476 checks no table procedure here (`ALTER TABLE … EXECUTE optimize` runs even for a
 * read-only user): the console refuses those itself (src/console/sql/guard.ts).
 */
export function coordinatorAccessRules(): Record<string, unknown[]> {
  const user = CONSOLE_TRINO_USER;
  return {
    catalogs: [
      { user, catalog: '.*', allow: 'read-only' },
      { catalog: '.*', allow: 'all' },
    ],
    functions: [
      { user, privileges: [] },
      { privileges: ['EXECUTE', 'GRANT_EXECUTE', 'OWNERSHIP'] },
    ],
    procedures: [{ user, privileges: [] }, { privileges: ['EXECUTE', 'GRANT_EXECUTE'] }],
    authorization: [
      { original_user: user, new_user: '.*', new_role: '.*', allow: false },
      { new_user: '.*', new_role: '.*', allow: true },
    ],
    system_information: [{ allow: ['read'] }],
  };
}

function renderCatalog(catalog: TrinoCatalog): string {
  if (catalog.connector === 'tpch') return properties([['connector.name', 'tpch']]);
  if (catalog.connector === 'memory') return properties([['connector.name', 'memory']]);
  return properties([
    ['connector.name', 'iceberg'],
    ['iceberg.catalog.type', 'rest'],
    ['iceberg.rest-catalog.uri', catalog.restUri],
    ...(catalog.warehouse
      ? ([['iceberg.rest-catalog.warehouse', catalog.warehouse]] as const)
      : []),
    ...(catalog.token
      ? ([
          ['iceberg.rest-catalog.security', 'OAUTH2'],
          ['iceberg.rest-catalog.oauth2.token', catalog.token],
        ] as const)
      : []),
    ...(catalog.minRetentionSeconds
      ? ([
          [
            'iceberg.expire-snapshots.min-retention',
            `${catalog.minRetentionSeconds.expireSnapshots}s`,
          ],
          [
            'iceberg.remove-orphan-files.min-retention',
            `${catalog.minRetentionSeconds.removeOrphanFiles}s`,
          ],
        ] as const)
      : []),
    // Trino's own S3 client, not the legacy Hadoop one.
    ['fs.native-s3.enabled', 'true'],
    ['s3.endpoint', catalog.s3.endpoint],
    ['s3.region', catalog.s3.region],
    // MinIO on 127.0.0.1 has no per-bucket host names.
    ['s3.path-style-access', 'true'],
    ...s3Credentials(catalog.s3.credentials),
  ]);
}

function s3Credentials(credentials: TrinoS3['credentials']): Array<readonly [string, string]> {
  // Trino then sends X-Iceberg-Access-Delegation: vended-credentials and uses the keys in each
  // table's load result for that table's files.
  if (credentials === 'vended')
    return [['iceberg.rest-catalog.vended-credentials-enabled', 'true']];
  return [
    ['s3.aws-access-key', credentials.accessKey],
    ['s3.aws-secret-key', credentials.secretKey],
  ];
}

/**
 * JVM options, one per line as the launcher reads them. Trino's recommended set, trimmed for a
 * small shared machine: no heap dumps (a 2 GB file per OOM), a smaller code cache.
 */
function jvmConfig(heap: string, tmpDir: string): string {
  return [
    '-server',
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:G1HeapRegionSize=32M',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:-OmitStackTraceInFastThrow',
    '-XX:ReservedCodeCacheSize=256M',
    '-XX:PerMethodRecompilationCutoff=10000',
    '-XX:PerBytecodeRecompilationCutoff=10000',
    '-Djdk.attach.allowAttachSelf=true',
    '-Djdk.nio.maxCachedBufferSize=2000000',
    // Trino attaches an agent to itself to measure object sizes; newer JDKs warn unless allowed.
    '-XX:+EnableDynamicAgentLoading',
    '-Dfile.encoding=UTF-8',
    // The compression codecs unpack native libraries into the temp dir and a killed JVM leaves
    // them there: in the node's own directory they go with it instead of piling up in /tmp.
    `-Djava.io.tmpdir=${tmpDir}`,
    '',
  ].join('\n');
}

/** `2G` / `1536M` / `2g` → megabytes. */
export function parseHeapMb(heap: string): number {
  const m = /^(\d+)([mMgG])$/.exec(heap);
  if (!m) throw new Error(`invalid Trino heap size "${heap}": use e.g. 2G or 1536M`);
  const n = Number(m[1]);
  return m[2]?.toLowerCase() === 'g' ? n * 1024 : n;
}

/**
 * A Java properties file. Trino reads them with `java.util.Properties`, where a backslash escapes
 * and leading blanks of a value are dropped, so both are escaped; a line break cannot be written.
 */
function properties(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries.map(([k, v]) => `${k}=${escapeValue(k, v)}\n`).join('');
}

function escapeValue(key: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`Trino property ${key} must not contain a line break`);
  return value.replace(/\\/g, '\\\\').replace(/^[ \t\f]/, (c) => `\\${c}`);
}

/**
 * Writes rendered files under `nodeDir`. Catalog files may hold S3 keys or a token, so they get
 * mode 0600 and the `etc` directory 0700; the others are world-readable like any config. Each
 * file is written beside its target and renamed over it, so a secret never sits in a file with a
 * looser mode, and a catalog file no longer rendered is removed (Trino would load it otherwise).
 */
/** A node's JVM temp dir, inside the node's directory. */
export function trinoTmpDir(nodeDir: string): string {
  return join(nodeDir, 'tmp');
}

export async function writeTrinoFiles(nodeDir: string, files: TrinoFiles): Promise<void> {
  await mkdir(trinoTmpDir(nodeDir), { recursive: true, mode: 0o700 });
  const etc = join(nodeDir, 'etc');
  await mkdir(join(etc, 'catalog'), { recursive: true, mode: 0o700 });
  await chmod(etc, 0o700);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(nodeDir, rel);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, content, { mode: isSecretFile(rel) ? 0o600 : 0o644 });
    await rename(tmp, path);
  }
  for (const name of await readdir(join(etc, 'catalog'))) {
    if (!(`etc/catalog/${name}` in files)) await rm(join(etc, 'catalog', name), { force: true });
  }
}
