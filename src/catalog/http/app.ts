import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CatalogService } from '../service/index.js';
import { BadRequestError, CatalogError, ServiceUnavailableError } from '../errors.js';
import { parseJson } from '../../lib/index.js';
import type { StoredResponse } from '../store/index.js';
import type { Authenticator } from './auth.js';
import { NO_DELEGATION, type DelegationSetup } from './delegation.js';
import { idempotencyOf, type RouteDeps } from './context.js';
import { errorBody, registerErrorHandling, requestErrors } from './errors.js';
import { checkSameRequest, rawBodies, requestOf } from './idempotency.js';
import {
  checkPropertyLimits,
  connectionsCheckingIntervalMs,
  jsonDepthExceeds,
  jsonTooDeep,
  resolveLimits,
  type CatalogLimits,
} from './limits.js';
import type { CatalogMetrics } from './metrics.js';
import { ScanService, type ScanOptions } from '../scan/index.js';
import { configRoutes } from './routes/config.js';
import { credentialRoutes } from './routes/credentials.js';
import { functionRoutes } from './routes/functions.js';
import { namespaceRoutes } from './routes/namespaces.js';
import { oauthRoutes } from './routes/oauth.js';
import { operationsRoutes, UNAUTHENTICATED_PATHS } from './routes/operations.js';
import { scanRoutes } from './routes/scan.js';
import { signRoutes } from './routes/sign.js';
import { tableRoutes } from './routes/tables.js';
import { unsupportedRoutes } from './routes/unsupported.js';
import { viewRoutes } from './routes/views.js';

export interface CatalogAppOptions {
  service: CatalogService;
  metrics: CatalogMetrics;
  logger: Logger;
  auth?: Authenticator;
  /** Defaults from DEFAULT_CATALOG_LIMITS; throws for a value that is not a positive integer. */
  limits?: Partial<CatalogLimits>;
  /** Server-side scan planning; defaults from DEFAULT_SCAN_OPTIONS. */
  scan?: Partial<ScanOptions>;
  /** Access delegation mechanisms (vended credentials, remote signing); none by default. */
  delegation?: DelegationSetup;
}

const MUTATING = new Set(['POST', 'DELETE', 'PUT']);

/**
 * The Idempotency-Key of each request that holds its key's binding. Only these record their
 * final error under the key: a request refused before (malformed, over a limit, another
 * request's key) must not leave an answer that a later request with the key would get.
 */
const boundKeys = new WeakMap<FastifyRequest, string>();

/** Sends a stored response; bodies of table and view results are stored as their exact JSON text. */
function replayStored(reply: FastifyReply, stored: StoredResponse) {
  reply.code(stored.status).header('idempotent-replayed', 'true');
  if (typeof stored.body === 'string')
    return reply.type('application/json; charset=utf-8').send(stored.body);
  return reply.send(stored.body ?? undefined);
}

/** A store error: our own 503 from the store, or a driver error (SQLite's or PostgreSQL's) that escaped it. */
function isDatabaseFailure(err: Error): boolean {
  if (err instanceof ServiceUnavailableError) return err.source === 'database';
  return err.name === 'SqliteError' || err.name === 'DatabaseError' || 'severity' in err;
}

/**
 * Node's headers timeout runs from a request's first byte: a client that connects and sends
 * nothing would hold its socket for good. It gets the same time to start as to send its headers.
 */
function closeSilentConnections(app: FastifyInstance, timeoutMs: number): void {
  const waiting = new WeakMap<Socket, NodeJS.Timeout>();
  app.server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    waiting.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  app.server.on('request', (req: IncomingMessage) => {
    clearTimeout(waiting.get(req.socket));
    waiting.delete(req.socket);
  });
}

/** Builds the catalog's HTTP app; `listen` is the caller's business, so tests use `inject`. */
export async function buildCatalogApp(options: CatalogAppOptions): Promise<FastifyInstance> {
  const { service, metrics, auth } = options;
  const limits = resolveLimits(options.limits);
  const store = service.ctx.store;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // One log line per request, written by our onResponse hook, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    bodyLimit: limits.bodyLimitBytes,
    // Node closes a connection whose request is not in within these, answering 408.
    requestTimeout: limits.requestTimeoutMs,
    http: {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(limits),
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
  });
  closeSilentConnections(app, limits.headersTimeoutMs);

  // Iceberg ids are 64-bit; JSON.parse would round them, so bodies are parsed losslessly.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    rawBodies.set(req, text);
    // Checked before parsing: the parser recurses, and a deep enough body overflows its stack.
    if (jsonDepthExceeds(text, limits.maxJsonDepth)) {
      done(jsonTooDeep(limits.maxJsonDepth), undefined);
      return;
    }
    try {
      done(null, text.length === 0 ? undefined : parseJson(text));
    } catch (err) {
      done(new BadRequestError(`Malformed JSON body: ${(err as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (req, body, done) => {
      rawBodies.set(req, body as string);
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  registerErrorHandling(
    app,
    async (req, status, body) => {
      const key = boundKeys.get(req);
      if (key) await store.recordIdempotentResponse(key, { status, body }).catch(() => undefined);
    },
    async (req, reply, key) => {
      const stored = await store.getIdempotentResponse(key);
      if (!stored)
        throw new CatalogError(
          409,
          'CommitFailedException',
          'A request with this Idempotency-Key is in progress; retry',
        );
      return replayStored(reply, stored);
    },
    (err) => {
      if (isDatabaseFailure(err)) metrics.databaseErrors.inc();
    },
    limits,
  );

  app.addHook('onRequest', async (req, reply) => {
    if (!auth || UNAUTHENTICATED_PATHS.has(req.url.split('?')[0] ?? '')) return;
    const match = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    if (!match?.[1] || !auth.verify(match[1])) {
      return reply
        .code(401)
        .send(
          errorBody(
            401,
            'NotAuthorizedException',
            'Missing or invalid bearer token: send Authorization: Bearer <token>',
          ),
        );
    }
  });

  // Once for every route: each route's body shape is recognised by checkPropertyLimits.
  app.addHook('preValidation', async (req) => {
    if (MUTATING.has(req.method)) checkPropertyLimits(req.body, limits);
  });

  app.addHook('preHandler', async (req, reply) => {
    if (!MUTATING.has(req.method)) return;
    const idem = idempotencyOf(req);
    const request = requestOf(req);
    if (!idem || !request) return;
    checkSameRequest(idem.key, await store.bindIdempotencyKey(idem.key, request), request);
    boundKeys.set(req, idem.key);
    const stored = await store.getIdempotentResponse(idem.key);
    if (stored) {
      return replayStored(reply, stored);
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    metrics.requests.inc({ route, method: req.method, status });
    metrics.latency.observe({ route, method: req.method }, reply.elapsedTime / 1000);
    const error = requestErrors.get(req);
    req.log.info(
      {
        ...(error ? { error } : {}),
        method: req.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });

  const deps: RouteDeps = { service, delegation: options.delegation ?? NO_DELEGATION };
  const scans = new ScanService(service.ctx, options.scan);
  app.addHook('onClose', async () => scans.close());
  operationsRoutes(app, service, metrics);
  configRoutes(app, deps, { oauth: auth !== undefined });
  if (auth) oauthRoutes(app, auth);
  for (const prefix of ['/v1', '/v1/:prefix']) {
    await app.register(
      async (scoped) => {
        namespaceRoutes(scoped, deps);
        tableRoutes(scoped, deps);
        credentialRoutes(scoped, deps);
        signRoutes(scoped, deps);
        viewRoutes(scoped, deps);
        functionRoutes(scoped, deps);
        scanRoutes(scoped, deps, scans);
        unsupportedRoutes(scoped);
      },
      { prefix },
    );
  }
  return app;
}
