import type { FastifyInstance } from 'fastify';
import {
  createFunctionRequestSchema,
  parseOrBadRequest,
  updateFunctionRequestSchema,
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

function functionId(params: Params) {
  return { namespace: decodeNamespace(params['namespace']), name: params['function'] ?? '' };
}

/**
 * Functions API; registered once per URL form. The two GETs are the spec's listFunctions and
 * loadFunction. The POSTs and the DELETE are this catalog's own extension on the same paths (the
 * spec defines no way to write a function): create, update (add a definition or a version, roll
 * back, remove a definition, change properties) and drop. /v1/config does not advertise them.
 */
export function functionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { functions } = deps.service;

  app.get('/namespaces/:namespace/functions', async (req) => {
    const ns = decodeNamespace((req.params as Params)['namespace']);
    return functions.list(warehouseOf(deps, req).name, ns, pageRequest(req.query as Query));
  });

  app.get('/namespaces/:namespace/functions/:function', async (req, reply) => {
    return sendJsonText(
      reply,
      200,
      await functions.load(warehouseOf(deps, req).name, functionId(req.params as Params)),
    );
  });

  // Extension: create a function.
  app.post('/namespaces/:namespace/functions', async (req, reply) => {
    const body = parseOrBadRequest(
      createFunctionRequestSchema,
      req.body,
      'create function request',
    );
    const ns = decodeNamespace((req.params as Params)['namespace']);
    return sendJsonText(
      reply,
      200,
      await functions.create(warehouseOf(deps, req).name, ns, body, idempotencyOf(req)),
    );
  });

  // Extension: update a function.
  app.post('/namespaces/:namespace/functions/:function', async (req, reply) => {
    const body = parseOrBadRequest(
      updateFunctionRequestSchema,
      req.body,
      'update function request',
    );
    const result = await functions.update(
      warehouseOf(deps, req).name,
      functionId(req.params as Params),
      body.updates,
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });

  // Extension: drop a function.
  app.delete('/namespaces/:namespace/functions/:function', async (req, reply) => {
    await functions.drop(
      warehouseOf(deps, req).name,
      functionId(req.params as Params),
      idempotencyOf(req),
    );
    return reply.code(204).send();
  });
}
