import type { FastifyInstance } from 'fastify';
import { UnsupportedOperationError } from '../../errors.js';

/**
 * Spec operations this server does not implement yet. They answer 406 UnsupportedOperationException
 * (not 404), and `/v1/config` leaves them out of `endpoints`, so clients fall back cleanly.
 */
const UNSUPPORTED: Array<[method: 'GET' | 'POST' | 'DELETE', url: string, what: string]> = [];

export function unsupportedRoutes(app: FastifyInstance): void {
  for (const [method, url, what] of UNSUPPORTED) {
    app.route({
      method,
      url,
      handler: async () => {
        throw new UnsupportedOperationError(`This catalog does not support ${what} yet`);
      },
    });
  }
}
