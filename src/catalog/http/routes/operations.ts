import type { FastifyInstance } from 'fastify';
import type { CatalogService } from '../../service/index.js';
import type { CatalogMetrics } from '../metrics.js';

/** Liveness, readiness and Prometheus metrics; never behind authentication. */
export function operationsRoutes(
  app: FastifyInstance,
  service: CatalogService,
  metrics: CatalogMetrics,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const { ok, checks } = await service.checkReady();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (_req, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

export const UNAUTHENTICATED_PATHS = new Set([
  '/healthz',
  '/readyz',
  '/metrics',
  '/v1/oauth/tokens',
]);
