import { InvalidArgumentError, type Command } from 'commander';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stateDir } from '../platform/paths.js';
import { collect } from './options.js';

export interface ServeFlags {
  host: string;
  port: number;
  db?: string;
  warehouse: string[];
  s3Endpoint?: string;
  s3PathStyle?: boolean;
  s3Region?: string;
  authTokens?: string;
  insecure?: boolean;
  logLevel: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('a port is an integer from 0 to 65535 (0 picks a free one)');
  }
  return port;
}

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
      '--auth-tokens <file>',
      'require bearer tokens: YAML with `tokens` and OAuth2 `clients`',
    )
    .option('--insecure', 'allow binding beyond loopback without authentication')
    .option('--log-level <level>', 'fatal, error, warn, info, debug', 'info')
    .addHelpText(
      'after',
      '\nS3 credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN).\n',
    )
    .action(async (flags: ServeFlags) => {
      const { serveCatalog } = await import('./catalog-serve.js');
      await serveCatalog(flags);
    });
}

export function defaultCatalogDb(): string {
  return `sqlite:${join(stateDir(), 'catalog', 'catalog.db')}`;
}

export function defaultWarehouse(): string {
  return pathToFileURL(join(stateDir(), 'warehouse')).href;
}
