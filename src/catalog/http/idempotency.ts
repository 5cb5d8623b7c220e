/**
 * An Idempotency-Key answers only the request that first used it. The key is bound to that
 * request (method, path, body, query) before the handler runs; a retry is the same request, and
 * anything else reusing the key is refused instead of being answered with another operation's
 * stored response.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnprocessableEntityError } from '../errors.js';
import type { IdempotencyRequest } from '../store/index.js';

/** Each request's body text as received, kept by the content-type parsers for hashing. */
export const rawBodies = new WeakMap<FastifyRequest, string>();

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The matched route with its parameters filled in, each percent-encoded the same way: requests
 * that reach the same route with the same parameters have the same path, however the client
 * spelled the URL (encoding case, a trailing slash).
 */
function routePath(req: FastifyRequest): string {
  const pattern = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
  const params = (req.params ?? {}) as Record<string, string | undefined>;
  return pattern.replace(/:([A-Za-z0-9_]+)/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}

/** What makes a request the same request again; undefined when no route matched. */
export function requestOf(req: FastifyRequest): IdempotencyRequest | undefined {
  if (req.routeOptions.url === undefined) return undefined;
  const query = new URLSearchParams(req.url.split('?')[1] ?? '');
  query.sort();
  return {
    method: req.method,
    path: routePath(req),
    bodySha256: sha256(rawBodies.get(req) ?? ''),
    querySha256: sha256(query.toString()),
  };
}

/** Throws UnprocessableEntityError unless `request` is the one `key` is bound to. */
export function checkSameRequest(
  key: string,
  bound: IdempotencyRequest,
  request: IdempotencyRequest,
): void {
  const first = `${bound.method} ${bound.path}`;
  const sameBody = bound.bodySha256 === request.bodySha256;
  const sameQuery = bound.querySha256 === request.querySha256;
  let differs: string | undefined;
  if (bound.method !== request.method || bound.path !== request.path) {
    differs = `, not ${request.method} ${request.path}`;
  } else if (!sameBody && !sameQuery) differs = ' with another body and query string';
  else if (!sameBody) differs = ' with another body';
  else if (!sameQuery) differs = ' with another query string';
  if (differs === undefined) return;
  throw new UnprocessableEntityError(
    `Idempotency-Key ${key} was first used for ${first}${differs}; use a new key for a new request`,
  );
}
