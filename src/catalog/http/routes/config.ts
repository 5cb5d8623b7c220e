import type { FastifyInstance } from 'fastify';
import { findWarehouse } from '../../service/index.js';
import type { Query, RouteDeps } from '../context.js';

/**
 * Exactly the spec operations this server implements, in the spec's `endpoints` notation. The
 * catalog's own function writes (routes/functions.ts) are not spec operations and not listed.
 */
export const IMPLEMENTED_ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/unregister',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}/plan/{plan-id}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/tasks',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/sign',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'POST /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/views/rename',
  'POST /v1/{prefix}/namespaces/{namespace}/register-view',
  'GET /v1/{prefix}/namespaces/{namespace}/functions',
  'GET /v1/{prefix}/namespaces/{namespace}/functions/{function}',
] as const;

export function configRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  opts: { oauth: boolean },
): void {
  app.get('/v1/config', async (req) => {
    const { warehouses } = deps.service.ctx;
    const requested = (req.query as Query)['warehouse'];
    const overrides: Record<string, string> = {};
    if (typeof requested === 'string' && requested.length > 0) {
      const wh = findWarehouse(warehouses, requested);
      overrides['prefix'] = wh.name;
      overrides['warehouse'] = wh.location;
    } else if (warehouses.length > 1 && warehouses[0]) {
      overrides['prefix'] = warehouses[0].name;
      overrides['warehouse'] = warehouses[0].location;
    }
    // Signing and vending are implemented but answer only when the server was started with them.
    const vends = deps.delegation.providers.some((p) => p.mechanism === 'vended-credentials');
    const endpoints: string[] = IMPLEMENTED_ENDPOINTS.filter(
      (e) =>
        (deps.delegation.signer !== undefined || !e.endsWith('/sign')) &&
        (vends || !e.endsWith('/credentials')),
    );
    if (opts.oauth) endpoints.unshift('POST /v1/oauth/tokens');
    return {
      defaults: {},
      overrides,
      endpoints,
      'idempotency-key-lifetime': 'PT30M',
    };
  });
}
