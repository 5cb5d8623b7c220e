import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  commitViewRequestSchema,
  createViewRequestSchema,
  parseOrBadRequest,
} from '../../metadata/index.js';
import { decodeNamespace, pageRequest } from '../params.js';
import {
  idempotencyOf,
  sendJsonText,
  warehouseOf,
  type Params,
  type Query,
  type RouteDeps,
} from '../context.js';

const identifier = z.object({ namespace: z.array(z.string()), name: z.string() });
const renameRequest = z.object({ source: identifier, destination: identifier });
const registerViewRequest = z.object({ name: z.string(), 'metadata-location': z.string().min(1) });

function viewId(params: Params) {
  return { namespace: decodeNamespace(params['namespace']), name: params['view'] ?? '' };
}

/** Views API; registered once per URL form. */
export function viewRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { views } = deps.service;

  app.get('/namespaces/:namespace/views', async (req) => {
    const ns = decodeNamespace((req.params as Params)['namespace']);
    return views.list(warehouseOf(deps, req).name, ns, pageRequest(req.query as Query));
  });

  app.post('/namespaces/:namespace/views', async (req, reply) => {
    const body = parseOrBadRequest(createViewRequestSchema, req.body, 'create view request');
    const ns = decodeNamespace((req.params as Params)['namespace']);
    return sendJsonText(
      reply,
      200,
      await views.create(warehouseOf(deps, req), ns, body, idempotencyOf(req)),
    );
  });

  app.get('/namespaces/:namespace/views/:view', async (req, reply) => {
    return sendJsonText(
      reply,
      200,
      await views.load(warehouseOf(deps, req).name, viewId(req.params as Params)),
    );
  });

  app.head('/namespaces/:namespace/views/:view', async (req, reply) => {
    const found = await views.exists(warehouseOf(deps, req).name, viewId(req.params as Params));
    return reply.code(found ? 204 : 404).send();
  });

  app.post('/namespaces/:namespace/views/:view', async (req, reply) => {
    const body = parseOrBadRequest(commitViewRequestSchema, req.body, 'replace view request');
    const result = await views.replace(
      warehouseOf(deps, req).name,
      viewId(req.params as Params),
      body.requirements ?? [],
      body.updates,
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });

  app.delete('/namespaces/:namespace/views/:view', async (req, reply) => {
    await views.drop(warehouseOf(deps, req).name, viewId(req.params as Params), idempotencyOf(req));
    return reply.code(204).send();
  });

  app.post('/views/rename', async (req, reply) => {
    const body = parseOrBadRequest(renameRequest, req.body, 'rename view request');
    await views.rename(
      warehouseOf(deps, req).name,
      body.source,
      body.destination,
      idempotencyOf(req),
    );
    return reply.code(204).send();
  });

  app.post('/namespaces/:namespace/register-view', async (req, reply) => {
    const body = parseOrBadRequest(registerViewRequest, req.body, 'register view request');
    const ns = decodeNamespace((req.params as Params)['namespace']);
    const result = await views.register(
      warehouseOf(deps, req).name,
      ns,
      body.name,
      body['metadata-location'],
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });
}
