import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  commitTableRequestSchema,
  commitTransactionRequestSchema,
  createTableRequestSchema,
  parseOrBadRequest,
} from '../../metadata/index.js';
import { withTableAccess } from '../../delegation/index.js';
import { BadRequestError } from '../../errors.js';
import { tableGrant } from '../delegation.js';
import { booleanParam, decodeNamespace, pageRequest, snapshotsMode } from '../params.js';
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
const registerRequest = z.object({
  name: z.string(),
  'metadata-location': z.string().min(1),
  overwrite: z.boolean().optional(),
});
const metricsReport = z.looseObject({
  'report-type': z.string().min(1),
  'table-name': z.string().optional(),
});

function tableId(params: Params) {
  return { namespace: decodeNamespace(params['namespace']), name: params['table'] ?? '' };
}

/** Tables API, transactions and metrics reports; registered once per URL form. */
export function tableRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { tables } = deps.service;

  app.get('/namespaces/:namespace/tables', async (req) => {
    const ns = decodeNamespace((req.params as Params)['namespace']);
    return tables.list(warehouseOf(deps, req).name, ns, pageRequest(req.query as Query));
  });

  app.post('/namespaces/:namespace/tables', async (req, reply) => {
    const body = parseOrBadRequest(createTableRequestSchema, req.body, 'create table request');
    const ns = decodeNamespace((req.params as Params)['namespace']);
    const wh = warehouseOf(deps, req);
    // Granted before the create: when STS fails the client gets a 503 and no half-made table.
    const grant = await tableGrant(deps.delegation.providers, req, {
      warehouse: wh,
      namespace: ns,
      table: body.name,
      location: () => tables.createLocation(wh, ns, body),
    });
    const created = await tables.create(wh, ns, body, idempotencyOf(req));
    return sendJsonText(reply, 200, grant ? withTableAccess(created, grant) : created);
  });

  app.get('/namespaces/:namespace/tables/:table', async (req, reply) => {
    const wh = warehouseOf(deps, req);
    const id = tableId(req.params as Params);
    const loaded = await tables.load(wh.name, id, snapshotsMode(req.query as Query));
    const grant = await tableGrant(deps.delegation.providers, req, {
      warehouse: wh,
      namespace: id.namespace,
      table: id.name,
      location: () => loaded.location,
    });
    // No ETag with a grant: a 304 would leave the client holding credentials that expire.
    if (grant) return sendJsonText(reply, 200, withTableAccess(loaded.body, grant));
    reply.header('etag', loaded.etag);
    if (req.headers['if-none-match'] === loaded.etag) return reply.code(304).send();
    return sendJsonText(reply, 200, loaded.body);
  });

  app.head('/namespaces/:namespace/tables/:table', async (req, reply) => {
    const found = await tables.exists(warehouseOf(deps, req).name, tableId(req.params as Params));
    return reply.code(found ? 204 : 404).send();
  });

  app.post('/namespaces/:namespace/tables/:table', async (req, reply) => {
    const body = parseOrBadRequest(commitTableRequestSchema, req.body, 'commit table request');
    const id = tableId(req.params as Params);
    if (
      body.identifier &&
      (body.identifier.name !== id.name ||
        body.identifier.namespace.join('\u001f') !== id.namespace.join('\u001f'))
    ) {
      throw new BadRequestError(
        'Invalid commit request: identifier in the body does not match the URL',
      );
    }
    const result = await tables.commit(
      warehouseOf(deps, req).name,
      { identifier: id, requirements: body.requirements, updates: body.updates },
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });

  app.delete('/namespaces/:namespace/tables/:table', async (req, reply) => {
    const purge = booleanParam(req.query as Query, 'purgeRequested');
    await tables.drop(
      warehouseOf(deps, req).name,
      tableId(req.params as Params),
      purge,
      idempotencyOf(req),
    );
    return reply.code(204).send();
  });

  app.post('/namespaces/:namespace/tables/:table/unregister', async (req, reply) => {
    const result = await tables.unregister(
      warehouseOf(deps, req).name,
      tableId(req.params as Params),
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });

  app.post('/namespaces/:namespace/register', async (req, reply) => {
    const body = parseOrBadRequest(registerRequest, req.body, 'register table request');
    const ns = decodeNamespace((req.params as Params)['namespace']);
    const result = await tables.register(
      warehouseOf(deps, req).name,
      ns,
      body.name,
      body['metadata-location'],
      body.overwrite ?? false,
      idempotencyOf(req),
    );
    return sendJsonText(reply, 200, result);
  });

  app.post('/namespaces/:namespace/tables/:table/metrics', async (req, reply) => {
    const body = parseOrBadRequest(metricsReport, req.body, 'metrics report');
    const wh = warehouseOf(deps, req).name;
    if (!(await tables.exists(wh, tableId(req.params as Params)))) {
      // Loading reports the precise 404 (namespace or table).
      await tables.load(wh, tableId(req.params as Params), 'all');
    }
    deps.service.ctx.events.metricsReport(body['report-type']);
    return reply.code(204).send();
  });

  app.post('/tables/rename', async (req, reply) => {
    const body = parseOrBadRequest(renameRequest, req.body, 'rename table request');
    await tables.rename(
      warehouseOf(deps, req).name,
      body.source,
      body.destination,
      idempotencyOf(req),
    );
    return reply.code(204).send();
  });

  app.post('/transactions/commit', async (req, reply) => {
    const body = parseOrBadRequest(
      commitTransactionRequestSchema,
      req.body,
      'commit transaction request',
    );
    const changes = body['table-changes'].map((c, i) => {
      if (!c.identifier) {
        throw new BadRequestError(
          `Invalid commit transaction request: table-changes[${i}].identifier is required`,
        );
      }
      return { identifier: c.identifier, requirements: c.requirements, updates: c.updates };
    });
    await tables.commitTransaction(warehouseOf(deps, req).name, changes, idempotencyOf(req));
    return reply.code(204).send();
  });
}
