import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseOrBadRequest } from '../../metadata/index.js';
import { decodeNamespace, pageRequest } from '../params.js';
import { idempotencyOf, warehouseOf, type Params, type Query, type RouteDeps } from '../context.js';

const createNamespaceRequest = z.object({
  namespace: z.array(z.string()),
  properties: z.record(z.string(), z.string()).optional(),
});

const updatePropertiesRequest = z.object({
  removals: z.array(z.string()).optional(),
  updates: z.record(z.string(), z.string()).optional(),
});

/** Namespaces API; registered once per URL form (with and without a warehouse prefix). */
export function namespaceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { namespaces } = deps.service;

  app.get('/namespaces', async (req) => {
    const query = req.query as Query;
    const parent =
      typeof query['parent'] === 'string' ? decodeNamespace(query['parent']) : undefined;
    const page = await namespaces.list(warehouseOf(deps, req).name, parent, pageRequest(query));
    return { namespaces: page.items, 'next-page-token': page.nextPageToken };
  });

  app.post('/namespaces', async (req) => {
    const body = parseOrBadRequest(createNamespaceRequest, req.body, 'create namespace request');
    return namespaces.create(
      warehouseOf(deps, req).name,
      body.namespace,
      body.properties ?? {},
      idempotencyOf(req),
    );
  });

  app.get('/namespaces/:namespace', async (req) => {
    return namespaces.load(
      warehouseOf(deps, req).name,
      decodeNamespace((req.params as Params)['namespace']),
    );
  });

  app.head('/namespaces/:namespace', async (req, reply) => {
    const found = await namespaces.exists(
      warehouseOf(deps, req).name,
      decodeNamespace((req.params as Params)['namespace']),
    );
    return reply.code(found ? 204 : 404).send();
  });

  app.delete('/namespaces/:namespace', async (req, reply) => {
    await namespaces.drop(
      warehouseOf(deps, req).name,
      decodeNamespace((req.params as Params)['namespace']),
      idempotencyOf(req),
    );
    return reply.code(204).send();
  });

  app.post('/namespaces/:namespace/properties', async (req) => {
    const body = parseOrBadRequest(
      updatePropertiesRequest,
      req.body,
      'update namespace properties request',
    );
    return namespaces.updateProperties(
      warehouseOf(deps, req).name,
      decodeNamespace((req.params as Params)['namespace']),
      body.removals ?? [],
      body.updates ?? {},
      idempotencyOf(req),
    );
  });
}
