import {
  CatalogStartupError,
  createLogger,
  startCatalogServer,
  type Warehouse,
} from '../catalog/index.js';
import { defaultCatalogDb, defaultWarehouse, type ServeFlags } from './catalog.js';
import { UserError } from '../lib/index.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** `default=s3://b/p`, or a bare location for the default warehouse. */
export function parseWarehouses(values: string[]): Warehouse[] {
  const list = values.length > 0 ? values : [defaultWarehouse()];
  const warehouses = list.map((value, i) => {
    const named = /^([A-Za-z0-9_-]+)=(.+)$/.exec(value);
    return named
      ? { name: named[1] as string, location: named[2] as string }
      : { name: i === 0 ? 'default' : `warehouse${i}`, location: value };
  });
  const names = new Set<string>();
  for (const w of warehouses) {
    if (names.has(w.name))
      throw new UserError(
        `--warehouse: the name "${w.name}" is used twice`,
        'give each warehouse its own name=location',
      );
    names.add(w.name);
  }
  return warehouses;
}

export async function serveCatalog(flags: ServeFlags): Promise<void> {
  if (!LEVELS.includes(flags.logLevel)) {
    throw new UserError(
      `--log-level ${flags.logLevel} is not a level`,
      `use one of ${LEVELS.join(', ')}`,
      2,
    );
  }
  const logger = createLogger(flags.logLevel);
  let running;
  try {
    running = await startCatalogServer({
      host: flags.host,
      port: flags.port,
      db: flags.db ?? defaultCatalogDb(),
      warehouses: parseWarehouses(flags.warehouse),
      s3: {
        endpoint: flags.s3Endpoint,
        region: flags.s3Region,
        pathStyle: flags.s3PathStyle ?? false,
        accessKeyId: process.env['AWS_ACCESS_KEY_ID'],
        secretAccessKey: process.env['AWS_SECRET_ACCESS_KEY'],
        sessionToken: process.env['AWS_SESSION_TOKEN'],
      },
      remoteSigning: flags.remoteSigning ?? false,
      authTokensFile: flags.authTokens,
      insecure: flags.insecure ?? false,
      logger,
      ...(flags.vendedCredentials || flags.vendedCredentialsDuration !== undefined
        ? { vendedCredentials: { durationSeconds: flags.vendedCredentialsDuration } }
        : {}),
      limits: {
        bodyLimitBytes: flags.maxBodyBytes,
        maxJsonDepth: flags.maxJsonDepth,
        maxPropertyBytes: flags.maxPropertyBytes,
        maxProperties: flags.maxProperties,
        requestTimeoutMs: flags.requestTimeoutMs,
        headersTimeoutMs: flags.headersTimeoutMs,
      },
    });
  } catch (err) {
    if (err instanceof CatalogStartupError)
      throw new UserError(`catalog cannot start: ${err.message}`, err.help);
    throw err;
  }
  const catalog = running;
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      catalog.close().finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
