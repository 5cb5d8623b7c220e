import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { CatalogWarehouse } from '../api.js';
import { CatalogClient, type CatalogAnswer, type CatalogSettings } from '../catalog/index.js';
import {
  emptyQuery,
  namespaceListQuery,
  namespaceParams,
  pageQuery,
  tableParams,
  validate,
  viewParams,
  warehouseParams,
} from './catalog-params.js';

export interface CatalogRouteDeps {
  /**
   * Where the catalog is now (the values in effect may change under a running console); null
   * when it is switched off.
   */
  catalog: () => Promise<CatalogSettings | null>;
}

const DISABLED =
  'the Iceberg catalog is switched off (icebergCatalog.enabled: false): enable it in the values and run `lakehouse up`';

/**
 * The catalog browser's API (GET /api/catalog/…, see src/console/api.ts): every parameter is
 * checked before the catalog is asked, and every answer is no-store (tables change under it).
 */
export async function registerCatalogRoutes(
  app: FastifyInstance,
  deps: CatalogRouteDeps,
): Promise<void> {
  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('cache-control', 'no-store');
      });

      /** The validated input, or undefined once a 400 (or 503/404) has been sent. */
      async function prepare<P extends z.ZodType, Q extends z.ZodType>(
        reply: FastifyReply,
        params: { schema: P; raw: unknown },
        query: { schema: Q; raw: unknown },
      ): Promise<{ client: CatalogClient; params: z.output<P>; query: z.output<Q> } | undefined> {
        const p = validate(params.schema, params.raw);
        if (!p.ok) {
          await reply.code(400).send({ error: p.error });
          return undefined;
        }
        const q = validate(query.schema, query.raw);
        if (!q.ok) {
          await reply.code(400).send({ error: q.error });
          return undefined;
        }
        const settings = await deps.catalog();
        if (settings === null) {
          await reply.code(503).send({ error: DISABLED });
          return undefined;
        }
        const { warehouse } = p.value as { warehouse?: string };
        if (warehouse !== undefined && !settings.warehouses.some((w) => w.name === warehouse)) {
          await reply.code(404).send({
            error: `no warehouse named "${warehouse}"; the platform's are ${settings.warehouses.map((w) => w.name).join(', ')} (GET /api/catalog/warehouses)`,
          });
          return undefined;
        }
        return { client: new CatalogClient(settings), params: p.value, query: q.value };
      }

      const send = <T>(reply: FastifyReply, answer: CatalogAnswer<T>) =>
        answer.ok
          ? reply.send(answer.value)
          : reply.code(answer.status).send({ error: answer.error });

      scope.get('/warehouses', async (request, reply) => {
        const settings = await deps.catalog();
        const query = validate(emptyQuery, request.query);
        if (!query.ok) return reply.code(400).send({ error: query.error });
        if (settings === null) return reply.code(503).send({ error: DISABLED });
        const warehouses: CatalogWarehouse[] = settings.warehouses;
        return warehouses;
      });

      scope.get('/:warehouse/namespaces', async (request, reply) => {
        const input = await prepare(
          reply,
          { schema: warehouseParams, raw: request.params },
          { schema: namespaceListQuery, raw: request.query },
        );
        if (!input) return reply;
        const { parent, ...page } = input.query;
        return send(reply, await input.client.listNamespaces(input.params.warehouse, parent, page));
      });

      scope.get('/:warehouse/namespaces/:namespace', async (request, reply) => {
        const input = await prepare(
          reply,
          { schema: namespaceParams, raw: request.params },
          { schema: emptyQuery, raw: request.query },
        );
        if (!input) return reply;
        const { warehouse, namespace } = input.params;
        return send(reply, await input.client.loadNamespace(warehouse, namespace));
      });

      for (const kind of ['tables', 'views'] as const) {
        scope.get(`/:warehouse/namespaces/:namespace/${kind}`, async (request, reply) => {
          const input = await prepare(
            reply,
            { schema: namespaceParams, raw: request.params },
            { schema: pageQuery, raw: request.query },
          );
          if (!input) return reply;
          const { warehouse, namespace } = input.params;
          return send(reply, await input.client.listNames(warehouse, kind, namespace, input.query));
        });
      }

      scope.get('/:warehouse/namespaces/:namespace/tables/:table', async (request, reply) => {
        const input = await prepare(
          reply,
          { schema: tableParams, raw: request.params },
          { schema: emptyQuery, raw: request.query },
        );
        if (!input) return reply;
        const { warehouse, namespace, table } = input.params;
        return send(reply, await input.client.loadTable(warehouse, namespace, table));
      });

      scope.get('/:warehouse/namespaces/:namespace/views/:view', async (request, reply) => {
        const input = await prepare(
          reply,
          { schema: viewParams, raw: request.params },
          { schema: emptyQuery, raw: request.query },
        );
        if (!input) return reply;
        const { warehouse, namespace, view } = input.params;
        return send(reply, await input.client.loadView(warehouse, namespace, view));
      });
    },
    { prefix: '/api/catalog' },
  );
}
