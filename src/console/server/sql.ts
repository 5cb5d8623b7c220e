import type { FastifyInstance } from 'fastify';
import type { SqlError } from '../api.js';
import { isClientQueryId, MAX_SQL_LENGTH, parseSqlRequest, SqlRunner } from '../sql/index.js';

/**
 * A statement of MAX_SQL_LENGTH characters, each up to 4 bytes in UTF-8, in a small JSON object:
 * the body limit lets the length check answer with a sentence rather than a bare 413.
 */
const SQL_BODY_LIMIT = MAX_SQL_LENGTH * 4 + 4_096;

/**
 * POST /api/sql and DELETE /api/sql/:clientQueryId (SqlRequest, SqlResult, SqlError in
 * ../api.ts). `trino` says where the coordinator is now, or null when it is switched off.
 */
export function registerSqlRoutes(
  app: FastifyInstance,
  trino: () => Promise<string | null>,
  runner = new SqlRunner(),
): void {
  app.addHook('onClose', async () => runner.cancelAll());

  app.post('/api/sql', { bodyLimit: SQL_BODY_LIMIT }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const parsed = parseSqlRequest(request.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error } satisfies SqlError);
    const url = await trino();
    if (url === null) {
      return reply.code(503).send({
        error: 'Trino is switched off (trino.enabled: false): there is nothing to run SQL on',
      } satisfies SqlError);
    }
    const id = parsed.query.clientQueryId;
    // The page closed or navigated away: nobody will read the result, so Trino stops working.
    const onClose = (): void => {
      if (!reply.raw.writableEnded) runner.cancel(id, 'disconnected');
    };
    reply.raw.on('close', onClose);
    try {
      const answer = await runner.run(parsed.query, url);
      return reply.code(answer.status).send(answer.body);
    } finally {
      reply.raw.off('close', onClose);
    }
  });

  app.delete<{ Params: { clientQueryId: string } }>(
    '/api/sql/:clientQueryId',
    async (request, reply) => {
      const { clientQueryId } = request.params;
      if (!isClientQueryId(clientQueryId)) {
        return reply.code(400).send({ error: 'clientQueryId must be a UUID' } satisfies SqlError);
      }
      if (!runner.cancel(clientQueryId)) {
        return reply.code(404).send({
          error: `no query with clientQueryId ${clientQueryId} is running (it may have finished)`,
        } satisfies SqlError);
      }
      return reply.code(202).send({ cancelled: true });
    },
  );
}
