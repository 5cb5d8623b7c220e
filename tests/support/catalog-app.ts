/**
 * Builds the catalog's fastify app in-process for HTTP tests, in the style of fastify/demo's
 * test/helper.ts: a fresh store (SQLite temp file, or a fresh database on a PostgreSQL server
 * shared by the test file), a temp `file://` warehouse, the real service, metrics and app.
 * Requests go through `app.inject()`; `close()` releases everything.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { Authenticator, loadAuthFile } from '../../src/catalog/http/auth.js';
import {
  buildCatalogApp,
  CatalogMetrics,
  CatalogService,
  type CatalogLimits,
} from '../../src/catalog/index.js';
import { createFileIO } from '../../src/catalog/io/index.js';
import { openCatalogStore, type CatalogStore } from '../../src/catalog/store/index.js';
import { startPostgres, type TestPostgres } from './postgres.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface BuildOptions {
  store: StoreKind;
  /** Enables bearer-token authentication from this `--auth-tokens` file (YAML). */
  authFile?: string;
  /** Names of further warehouses after the default one (each gets its own temp directory). */
  extraWarehouses?: string[];
  /** Request limits instead of DEFAULT_CATALOG_LIMITS. */
  limits?: Partial<CatalogLimits>;
}

export interface TestWarehouse {
  name: string;
  /** `file:///.../wh`, without a trailing slash. */
  location: string;
  /** The same directory as a filesystem path. */
  dir: string;
}

export interface TestCatalog {
  app: FastifyInstance;
  store: CatalogStore;
  service: CatalogService;
  metrics: CatalogMetrics;
  /** The default warehouse first. */
  warehouses: TestWarehouse[];
  /** The default warehouse. */
  warehouse: TestWarehouse;
  dbUrl: string;
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let sharedPostgres: Promise<TestPostgres> | undefined;

/** The file's PostgreSQL server, started on first use; stop it with `stopSharedPostgres` in afterAll. */
function postgresServer(): Promise<TestPostgres> {
  sharedPostgres ??= startPostgres();
  return sharedPostgres;
}

export async function stopSharedPostgres(): Promise<void> {
  const server = sharedPostgres;
  sharedPostgres = undefined;
  if (server) await (await server).stop();
}

/** A database URL for a store that holds nothing yet. */
export async function freshDatabaseUrl(kind: StoreKind, dir: string): Promise<string> {
  if (kind === 'sqlite') return `sqlite:${join(dir, 'catalog.db')}`;
  const server = await postgresServer();
  const db = `catalog_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${db}`);
  } finally {
    await admin.end();
  }
  return server.url.replace(/\/postgres$/, `/${db}`);
}

export const silentLogger = pino({ level: 'silent' });

export async function build(opts: BuildOptions): Promise<TestCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'lakehouse-http-'));
  const cleanups: Array<() => Promise<void> | void> = [
    () => rmSync(dir, { recursive: true, force: true }),
  ];
  const runCleanups = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn();
  };
  try {
    const dbUrl = await freshDatabaseUrl(opts.store, dir);
    const store = await openCatalogStore(dbUrl);
    cleanups.push(() => store.close());
    const warehouses: TestWarehouse[] = ['default', ...(opts.extraWarehouses ?? [])].map((name) => {
      const whDir = join(dir, `wh-${name}`);
      return { name, dir: whDir, location: pathToFileURL(whDir).href };
    });
    const metrics = new CatalogMetrics();
    const logger = silentLogger;
    const service = new CatalogService({
      store,
      io: createFileIO({}),
      warehouses: warehouses.map(({ name, location }) => ({ name, location })),
      events: metrics.events(),
      log: logger,
      now: Date.now,
      newUuid: randomUUID,
    });
    const auth = opts.authFile ? new Authenticator(loadAuthFile(opts.authFile)) : undefined;
    const app = await buildCatalogApp({ service, metrics, logger, auth, limits: opts.limits });
    cleanups.push(() => app.close());
    await app.ready();
    return {
      app,
      store,
      service,
      metrics,
      warehouses,
      warehouse: warehouses[0] as TestWarehouse,
      dbUrl,
      inject: (o) => app.inject(o),
      close: runCleanups,
    };
  } catch (err) {
    await runCleanups();
    throw err;
  }
}

/**
 * A second catalog server over the same database and warehouses, like a replica behind a load
 * balancer: its commits race the first one's through the database's compare-and-swap only.
 */
export async function buildReplica(of: TestCatalog): Promise<TestCatalog> {
  const store = await openCatalogStore(of.dbUrl);
  const metrics = new CatalogMetrics();
  const service = new CatalogService({
    store,
    io: createFileIO({}),
    warehouses: of.warehouses.map(({ name, location }) => ({ name, location })),
    events: metrics.events(),
    log: silentLogger,
    now: Date.now,
    newUuid: randomUUID,
  });
  const app = await buildCatalogApp({ service, metrics, logger: silentLogger });
  await app.ready();
  return {
    ...of,
    app,
    store,
    service,
    metrics,
    inject: (o) => app.inject(o),
    async close() {
      await app.close();
      await store.close();
    },
  };
}
