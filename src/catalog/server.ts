import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { DelegationProvider } from './delegation/index.js';
import { VendedCredentialsProvider } from './delegation/vended.js';
import { buildCatalogApp } from './http/app.js';
import { Authenticator, loadAuthFile } from './http/auth.js';
import { resolveLimits, type CatalogLimits } from './http/limits.js';
import { CatalogMetrics } from './http/metrics.js';
import { createFileIO, schemeOf, type S3Settings } from './io/index.js';
import { scanOptionsFromEnv, type ScanOptions } from './scan/index.js';
import { CatalogService, type Warehouse } from './service/index.js';
import { RemoteSigner, RemoteSigningProvider } from './delegation/signing.js';
import type { DelegationSetup } from './http/delegation.js';
import { openCatalogStore, redactUrl, type CatalogStore } from './store/index.js';

export { DEFAULT_CATALOG_LIMITS, type CatalogLimits } from './http/limits.js';

export interface CatalogServerOptions {
  host: string;
  port: number;
  /** `sqlite:<path>` or a `postgres://` URL. */
  db: string;
  /** The first is the default warehouse, served without a URL prefix. */
  warehouses: Warehouse[];
  s3: S3Settings;
  /** Signs S3 requests for table clients with the `s3` keys (the spec's signRequest). */
  remoteSigning?: boolean;
  authTokensFile?: string;
  /** Allows binding beyond loopback without authentication. */
  insecure?: boolean;
  logger?: Logger;
  /** Idempotency keys are kept this long (the advertised lifetime is 30 minutes). */
  idempotencyRetentionMs?: number;
  /** Bounds on requests; each one left out is its DEFAULT_CATALOG_LIMITS value. */
  limits?: Partial<CatalogLimits>;
  /**
   * Vend short-lived keys scoped to a table (STS AssumeRole at the S3 endpoint, i.e. MinIO) to
   * clients that send `X-Iceberg-Access-Delegation: vended-credentials`.
   */
  vendedCredentials?: { durationSeconds?: number };
}

export interface RunningCatalog {
  url: string;
  app: FastifyInstance;
  store: CatalogStore;
  close(): Promise<void>;
}

/** A startup problem the operator must fix; the message says what and how. */
export class CatalogStartupError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'CatalogStartupError';
  }
}

const RESERVED_PREFIXES = new Set([
  'namespaces',
  'tables',
  'views',
  'transactions',
  'config',
  'oauth',
]);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function createLogger(level = process.env['LAKEHOUSE_LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'iceberg-catalog' },
    // Defence in depth: nothing logs these today, and nothing ever should.
    redact: [
      'req.headers.authorization',
      '*.secretAccessKey',
      '*.sessionToken',
      '*.client_secret',
      '*.password',
    ],
  });
}

/** STS is MinIO's, at the S3 endpoint, called with the catalog's own key. */
function vendedProvider(options: CatalogServerOptions): VendedCredentialsProvider {
  const { s3 } = options;
  if (!s3.endpoint || !s3.accessKeyId || !s3.secretAccessKey) {
    throw new CatalogStartupError(
      "vended credentials need an S3 endpoint with STS and the catalog's own key",
      'pass --s3-endpoint (MinIO) and set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or drop --vended-credentials',
    );
  }
  try {
    return new VendedCredentialsProvider({
      sts: {
        endpoint: s3.endpoint,
        region: s3.region ?? 'us-east-1',
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        ...(s3.sessionToken ? { sessionToken: s3.sessionToken } : {}),
      },
      pathStyle: s3.pathStyle ?? false,
      ...(options.vendedCredentials?.durationSeconds === undefined
        ? {}
        : { durationSeconds: options.vendedCredentials.durationSeconds }),
    });
  } catch (err) {
    throw new CatalogStartupError((err as Error).message, 'fix --vended-credentials-duration');
  }
}

/** The signer when remote signing is on; it needs the catalog's own static S3 keys. */
function remoteSigning(options: CatalogServerOptions): RemoteSigner {
  const { accessKeyId, secretAccessKey } = options.s3;
  if (!accessKeyId || !secretAccessKey) {
    throw new CatalogStartupError(
      'remote signing needs the catalog to hold S3 keys',
      'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or leave out --remote-signing',
    );
  }
  try {
    return new RemoteSigner({ ...options.s3, accessKeyId, secretAccessKey });
  } catch (err) {
    throw new CatalogStartupError((err as Error).message, 'check --s3-endpoint');
  }
}

/** Checks config, opens the store, checks every warehouse, then listens. Fails before serving anything. */
export async function startCatalogServer(options: CatalogServerOptions): Promise<RunningCatalog> {
  const log = options.logger ?? createLogger();
  if (options.warehouses.length === 0) {
    throw new CatalogStartupError(
      'no warehouse configured',
      'pass --warehouse s3://bucket/prefix or file:///absolute/path',
    );
  }
  for (const wh of options.warehouses) {
    if (RESERVED_PREFIXES.has(wh.name)) {
      throw new CatalogStartupError(
        `warehouse name "${wh.name}" is reserved`,
        'choose another name in --warehouse name=location',
      );
    }
    try {
      schemeOf(wh.location);
    } catch (err) {
      throw new CatalogStartupError(
        (err as Error).message,
        'use --warehouse s3://bucket/prefix or file:///absolute/path',
      );
    }
  }
  let limits: CatalogLimits;
  try {
    limits = resolveLimits(options.limits);
  } catch (err) {
    throw new CatalogStartupError(
      (err as Error).message,
      'give each limit a positive integer, the headers timeout at most the request timeout',
    );
  }
  let scan: Partial<ScanOptions>;
  try {
    scan = scanOptionsFromEnv(process.env);
  } catch (err) {
    throw new CatalogStartupError((err as Error).message, 'unset it or give an integer');
  }
  const providers: DelegationProvider[] = [];
  if (options.vendedCredentials) providers.push(vendedProvider(options));
  const signer = options.remoteSigning ? remoteSigning(options) : undefined;
  if (signer) providers.push(new RemoteSigningProvider(signer));
  const delegation: DelegationSetup = { providers, ...(signer ? { signer } : {}) };
  let auth: Authenticator | undefined;
  if (options.authTokensFile) {
    try {
      auth = new Authenticator(loadAuthFile(options.authTokensFile));
    } catch (err) {
      throw new CatalogStartupError((err as Error).message, 'fix the file given to --auth-tokens');
    }
  }
  if (!auth && !isLoopback(options.host) && !options.insecure) {
    throw new CatalogStartupError(
      `refusing to listen on ${options.host} without authentication`,
      'pass --auth-tokens <file>, or --insecure if the network is trusted',
    );
  }

  let store: CatalogStore;
  try {
    store = await openCatalogStore(options.db);
  } catch (err) {
    throw new CatalogStartupError(
      `database ${redactUrl(options.db)}: ${(err as Error).message}`,
      'check --db',
    );
  }
  const io = createFileIO(options.s3);
  try {
    for (const wh of options.warehouses) await io.checkWritable(wh.location);
  } catch (err) {
    await store.close();
    throw new CatalogStartupError(
      (err as Error).message,
      'check --warehouse, --s3-endpoint and the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables',
    );
  }

  const metrics = new CatalogMetrics();
  const service = new CatalogService({
    store,
    io,
    warehouses: options.warehouses.map((w) => ({ ...w, location: w.location.replace(/\/+$/, '') })),
    events: metrics.events(),
    log,
    now: Date.now,
    newUuid: randomUUID,
  });
  const app = await buildCatalogApp({
    service,
    metrics,
    logger: log,
    auth,
    limits,
    delegation,
    scan,
  });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CatalogStartupError(
        `port ${options.port} on ${options.host} is already in use`,
        `stop the process holding it (\`ss -ltnp 'sport = :${options.port}'\` shows it) or pass --port`,
      );
    }
    throw new CatalogStartupError(
      `cannot listen on ${options.host}:${options.port}: ${(err as Error).message}`,
      'check --host and --port',
    );
  }

  const retention = options.idempotencyRetentionMs ?? 60 * 60 * 1000;
  const expiry = setInterval(
    () => {
      store
        .expireIdempotencyKeys(Date.now() - retention)
        .catch((err: unknown) => log.warn({ err }, 'expiring idempotency keys failed'));
    },
    5 * 60 * 1000,
  );
  expiry.unref();

  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : options.port;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  log.info(
    {
      url,
      db: redactUrl(options.db),
      warehouses: options.warehouses,
      auth: auth !== undefined,
      delegation: delegation.providers.map((d) => d.mechanism),
      limits,
    },
    'catalog listening',
  );
  return {
    url,
    app,
    store,
    async close() {
      clearInterval(expiry);
      await app.close();
      await store.close();
    },
  };
}
