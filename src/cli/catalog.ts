import { InvalidArgumentError, type Command } from 'commander';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CATALOG_LIMITS, formatBytes } from '../catalog/http/limits.js';
import { stateDir } from '../platform/paths.js';
import type { CreateFlags, DropFlags, FunctionFlags } from './catalog-function.js';
import { collect, outputOption } from './options.js';

export interface ServeFlags {
  host: string;
  port: number;
  db?: string;
  warehouse: string[];
  s3Endpoint?: string;
  s3PathStyle?: boolean;
  s3Region?: string;
  remoteSigning?: boolean;
  authTokens?: string;
  insecure?: boolean;
  logLevel: string;
  maxBodyBytes: number;
  maxJsonDepth: number;
  maxPropertyBytes: number;
  maxProperties: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  vendedCredentials?: boolean;
  vendedCredentialsDuration?: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is an integer from 0 to 65535 (0 picks a free one)');
  }
  return port;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

const D = DEFAULT_CATALOG_LIMITS;

/** `lakehouse catalog ...`: run the Iceberg REST catalog. */
export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('The Iceberg REST catalog service');
  catalog
    .command('serve')
    .description('Serve the Iceberg REST catalog (default 127.0.0.1:8181)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', parsePort, 8181)
    .option(
      '--db <url>',
      'sqlite:<path> or postgres://user@host:port/db (default: SQLite under the state directory)',
    )
    .option(
      '--warehouse <location>',
      's3://bucket/prefix or file:///absolute/path; repeat as name=location for several warehouses (default: file warehouse under the state directory)',
      collect,
      [],
    )
    .option('--s3-endpoint <url>', 'S3-compatible endpoint, e.g. http://127.0.0.1:9000 for MinIO')
    .option('--s3-path-style', 'address buckets by path (needed by MinIO)')
    .option('--s3-region <region>', 'S3 region', process.env['AWS_REGION'] ?? 'us-east-1')
    .option(
      '--remote-signing',
      "sign S3 requests with the catalog's keys for clients that ask (X-Iceberg-Access-Delegation: remote-signing)",
    )
    .option(
      '--auth-tokens <file>',
      'require bearer tokens: YAML with `tokens` and OAuth2 `clients`',
    )
    .option('--insecure', 'allow binding beyond loopback without authentication')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .option(
      '--max-body-bytes <bytes>',
      `largest request body; larger gets 413 (${formatBytes(D.bodyLimitBytes)})`,
      parsePositive,
      D.bodyLimitBytes,
    )
    .option(
      '--max-json-depth <levels>',
      'deepest nesting of JSON objects and arrays in a body',
      parsePositive,
      D.maxJsonDepth,
    )
    .option(
      '--max-property-bytes <bytes>',
      `largest property key or value (${formatBytes(D.maxPropertyBytes)})`,
      parsePositive,
      D.maxPropertyBytes,
    )
    .option(
      '--max-properties <count>',
      'most properties in one map of a request (or keys in one list of removals)',
      parsePositive,
      D.maxProperties,
    )
    .option(
      '--request-timeout-ms <ms>',
      'time a client has to send a whole request; the connection is then closed with 408',
      parsePositive,
      D.requestTimeoutMs,
    )
    .option(
      '--headers-timeout-ms <ms>',
      'time a client has to send the request headers (at most --request-timeout-ms)',
      parsePositive,
      D.headersTimeoutMs,
    )
    .option(
      '--vended-credentials',
      'give clients that send X-Iceberg-Access-Delegation: vended-credentials short-lived keys for one table (STS AssumeRole at --s3-endpoint)',
    )
    .option(
      '--vended-credentials-duration <seconds>',
      'lifetime of vended credentials, at least 900',
      parsePositive,
    )
    .addHelpText(
      'after',
      '\nS3 credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).\n',
    )
    .action(async (flags: ServeFlags) => {
      const { serveCatalog } = await import('./catalog-serve.js');
      await serveCatalog(flags);
    });
  registerSnapshotCommands(catalog);
  registerFunctionCommands(catalog);
}

/** `catalog function ...`: functions (UDFs) in a running catalog, through its REST API. */
function registerFunctionCommands(catalog: Command): void {
  const fn = catalog
    .command('function')
    .description('Functions (UDFs) in a running Iceberg catalog')
    .addHelpText(
      'after',
      `\nThe catalog is --url, else $LAKEHOUSE_CATALOG_URL, else the local platform's. A catalog that\nrequires a bearer token gets $LAKEHOUSE_CATALOG_TOKEN. Namespaces are written level.level.\n`,
    );
  const common = (c: Command): Command =>
    c
      .option('--url <url>', "the catalog's URL, e.g. http://127.0.0.1:8181")
      .option(
        '--warehouse <name>',
        'the warehouse, by name or location (default: the catalog default)',
      )
      .addOption(outputOption(['text', 'json'], 'text'));
  common(fn.command('list <namespace>').description('List the functions of a namespace')).action(
    async (namespace: string, flags: FunctionFlags) => {
      const { listFunctions } = await import('./catalog-function.js');
      await listFunctions(namespace, flags);
    },
  );
  common(
    fn.command('show <namespace> <name>').description("Show a function's definitions and versions"),
  ).action(async (namespace: string, name: string, flags: FunctionFlags) => {
    const { showFunction } = await import('./catalog-function.js');
    await showFunction(namespace, name, flags);
  });
  common(
    fn
      .command('create <namespace>')
      .description('Create a function from a JSON create-function request (name, definitions, ...)')
      .requiredOption('--file <file>', 'the request: {"name": ..., "definitions": [...]}')
      .option('--dry-run', 'check the request and the catalog; change nothing'),
  ).action(async (namespace: string, flags: CreateFlags) => {
    const { createFunction } = await import('./catalog-function.js');
    await createFunction(namespace, flags);
  });
  common(
    fn
      .command('drop <namespace> <name>')
      .description('Drop a function (a function that does not exist is left as is)')
      .option('--dry-run', 'show what would be dropped; change nothing'),
  ).action(async (namespace: string, name: string, flags: DropFlags) => {
    const { dropFunction } = await import('./catalog-function.js');
    await dropFunction(namespace, name, flags);
  });
}

function parseByteCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('a size in bytes (a non-negative integer)');
  }
  return n;
}

function parseSha256(value: string): string {
  if (!/^[0-9a-f]{64}$/i.test(value)) throw new InvalidArgumentError('64 hexadecimal digits');
  return value.toLowerCase();
}

/** `catalog snapshot` / `catalog load`: what a backup runs where the catalog's database is. */
function registerSnapshotCommands(catalog: Command): void {
  const dbHelp = `sqlite:<path> or postgres://…; default $LAKEHOUSE_CATALOG_DB (set in the catalog's pod), else the local state directory's`;
  catalog
    .command('snapshot')
    .description(
      'Write a consistent snapshot of the catalog database (a SQLite catalog file) while the catalog runs',
    )
    .option('--db <url>', dbHelp)
    .requiredOption(
      '--to <file>',
      'where to write it; - streams it to stdout (size and SHA-256 on stderr)',
    )
    .action(async (flags: { db?: string; to: string }) => {
      const { catalogSnapshot } = await import('./catalog-snapshot.js');
      await catalogSnapshot(flags);
    });
  catalog
    .command('load')
    .description(
      "Replace the catalog database's rows with a snapshot's, in one transaction, while the catalog may run",
    )
    .option('--db <url>', dbHelp)
    .requiredOption(
      '--from <file>',
      'the snapshot; - reads it from stdin (needs --bytes and --sha256)',
    )
    .option('--bytes <n>', 'size of the snapshot sent on stdin', parseByteCount)
    .option('--sha256 <hex>', 'SHA-256 of the snapshot sent on stdin', parseSha256)
    .action(async (flags: { db?: string; from: string; bytes?: number; sha256?: string }) => {
      const { catalogLoad } = await import('./catalog-snapshot.js');
      await catalogLoad(flags);
    });
}

export function defaultCatalogDb(): string {
  return `sqlite:${join(stateDir(), 'catalog', 'catalog.db')}`;
}

export function defaultWarehouse(): string {
  return pathToFileURL(join(stateDir(), 'warehouse')).href;
}
