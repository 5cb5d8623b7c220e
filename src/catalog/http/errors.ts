import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CatalogError } from '../errors.js';
import { IdempotencyKeyReplay } from '../store/index.js';
import { bodyTooLarge, type CatalogLimits } from './limits.js';

/** The error a request ended with, for its log line: operators see why a client got a 4xx. */
export const requestErrors = new WeakMap<FastifyRequest, { type: string; message: string }>();

/** The spec's ErrorModel, wrapped as IcebergErrorResponse. */
export function errorBody(status: number, type: string, message: string) {
  return { error: { message, type, code: status } };
}

/** Turns every thrown error into the spec's error shape; the one place errors become responses. */
export function registerErrorHandling(
  app: FastifyInstance,
  onFinalError: (req: FastifyRequest, status: number, body: unknown) => Promise<void>,
  replay: (req: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>,
  onServerError: (err: Error) => void,
  limits: Pick<CatalogLimits, 'bodyLimitBytes'>,
): void {
  app.setErrorHandler(async (thrown: FastifyError | Error, req, reply) => {
    if (thrown instanceof IdempotencyKeyReplay) return replay(req, reply, thrown.key);
    // fastify's own message names neither the limit nor how to raise it.
    const err =
      'code' in thrown && thrown.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? bodyTooLarge(limits.bodyLimitBytes)
        : thrown;
    let status: number;
    let body: ReturnType<typeof errorBody>;
    if (err instanceof CatalogError) {
      status = err.status;
      body = errorBody(status, err.type, err.message);
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode < 500) {
      // fastify's own client errors: malformed JSON, body too large, unsupported media type.
      status = err.statusCode === 413 || err.statusCode === 415 ? err.statusCode : 400;
      body = errorBody(status, 'BadRequestException', `Malformed request: ${err.message}`);
    } else {
      const errorId = randomUUID();
      req.log.error({ err, errorId }, 'internal error');
      status = 500;
      body = errorBody(
        500,
        'InternalServerError',
        `Internal server error; the server log has the details under error id ${errorId}`,
      );
    }
    requestErrors.set(req, { type: body.error.type, message: body.error.message });
    if (status < 500) await onFinalError(req, status, body);
    else onServerError(err);
    return reply.code(status).type('application/json').send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send(
        errorBody(
          404,
          'NoSuchEndpointException',
          `No such endpoint: ${req.method} ${req.url.split('?')[0]}`,
        ),
      );
  });
}
