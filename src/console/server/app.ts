import Fastify, { type FastifyInstance } from 'fastify';
import type {
  ChartDashboard,
  ConsoleHealth,
  ConsoleOverview,
  DashboardSummary,
  MetricsRangeResult,
} from '../api.js';
import { summarize } from '../dashboards/index.js';
import type { CatalogSettings } from '../catalog/index.js';
import { registerReleaseRoutes, type ReleasesDeps } from '../releases/index.js';
import { requireLoopbackHost, requireToken, withoutToken } from './auth.js';
import { registerCatalogRoutes } from './catalog.js';
import { parseRangeQuery } from './metrics-query.js';
import { queryRange, type PrometheusSettings } from './prometheus.js';
import { registerSqlRoutes } from './sql.js';
import { registerWebPage } from './web.js';

export interface ConsoleDeps extends ReleasesDeps {
  version: string;
  dashboards: readonly ChartDashboard[];
  overview: () => Promise<ConsoleOverview>;
  /**
   * Where Prometheus is now (the values in effect may change under a running console); null when
   * it is switched off, so every chart says so.
   */
  prometheus: () => Promise<PrometheusSettings | null>;
  /** Where the Iceberg REST catalog is now, with its token; null when it is switched off. */
  catalog: () => Promise<CatalogSettings | null>;
  /**
   * Where the Trino coordinator is now (`http://127.0.0.1:8080`); null when Trino is switched
   * off, so POST /api/sql says so.
   */
  trino: () => Promise<string | null>;
  /** The built page (console/web/dist). */
  webRoot: string;
  /** Required on every request but /healthz when set (the console binds a non-loopback address). */
  token: string | null;
  /** Log requests (as JSON lines on stdout); off by default (tests). */
  log?: { level: string };
}

/** Grafana's uid: letters, digits, "-" and "_", at most 40 characters. */
const UID = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * The console's HTTP server, not yet listening (`app.inject` tests it; `startConsole` listens).
 * Every credential stays here: the page only ever talks to these routes.
 */
export async function buildConsoleApp(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.log
      ? {
          level: deps.log.level,
          // The request log must never hold the token a person opened the page with.
          serializers: {
            req: (req: { method: string; url: string }) => ({
              method: req.method,
              url: withoutToken(req.url),
            }),
          },
        }
      : false,
    // A console request is small; anything larger is not from the page.
    bodyLimit: 16 * 1024,
    // A namespace of several levels, a table name, an Airflow run id (up to 250 characters, its
    // ":" and "+" percent-encoded) fit; the routes then say what is wrong with a name too long
    // instead of the router's bare 404.
    routerOptions: { maxParamLength: 1024 },
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });
  if (deps.token !== null) requireToken(app, deps.token);
  else requireLoopbackHost(app);

  const byUid = new Map(deps.dashboards.map((d) => [d.uid, d]));

  app.get('/healthz', async (): Promise<ConsoleHealth> => ({
    status: 'ok',
    version: deps.version,
  }));

  app.get('/api/overview', async (_request, reply): Promise<ConsoleOverview> => {
    reply.header('cache-control', 'no-store');
    return deps.overview();
  });

  app.get('/api/dashboards', async (): Promise<DashboardSummary[]> =>
    deps.dashboards.map(summarize),
  );

  app.get<{ Params: { uid: string } }>('/api/dashboards/:uid', async (request, reply) => {
    const { uid } = request.params;
    if (!UID.test(uid)) {
      return reply
        .code(400)
        .send({ error: 'a dashboard uid is letters, digits, "-" and "_" (at most 40)' });
    }
    const dashboard = byUid.get(uid);
    if (!dashboard) {
      return reply.code(404).send({
        error: `no dashboard with uid "${uid}"; GET /api/dashboards lists them (${[...byUid.keys()].join(', ')})`,
      });
    }
    return dashboard;
  });

  app.get('/api/metrics/query_range', async (request, reply): Promise<MetricsRangeResult> => {
    reply.header('cache-control', 'no-store');
    const parsed = parseRangeQuery(request.query);
    if (!parsed.ok) return reply.code(400).send({ status: 'error', error: parsed.error });
    const prometheus = await deps.prometheus();
    if (prometheus === null) {
      return reply.code(503).send({
        status: 'error',
        error: 'Prometheus is switched off (observability.prometheus.enabled: false)',
      });
    }
    const answer = await queryRange(prometheus, parsed.query);
    return reply.code(answer.status).send(answer.body);
  });

  await registerCatalogRoutes(app, { catalog: deps.catalog });
  registerReleaseRoutes(app, deps);
  registerSqlRoutes(app, deps.trino);

  await registerWebPage(app, deps.webRoot);
  return app;
}
