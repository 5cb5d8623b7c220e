import type { FastifyInstance } from 'fastify';
import { parseOrBadRequest } from '../../metadata/index.js';
import { UnsupportedOperationError } from '../../errors.js';
import { remoteSignRequestSchema } from '../../delegation/signing.js';
import { decodeNamespace } from '../params.js';
import { warehouseOf, type Params, type RouteDeps } from '../context.js';
import { tableLocations } from '../delegation.js';
import { signingLocations } from '../../delegation/signing.js';

/** The spec's signRequest: signs one S3 request for a client of one table. */
export function signRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/namespaces/:namespace/tables/:table/sign', async (req) => {
    const signer = deps.delegation?.signer;
    if (!signer) {
      throw new UnsupportedOperationError(
        'This catalog does not sign requests: start it with S3 credentials and --remote-signing',
      );
    }
    const body = parseOrBadRequest(remoteSignRequestSchema, req.body, 'remote sign request');
    const params = req.params as Params;
    const id = { namespace: decodeNamespace(params['namespace']), name: params['table'] ?? '' };
    // Loading answers the precise 404 (namespace or table) and gives the current location.
    const loaded = await deps.service.tables.load(warehouseOf(deps, req).name, id, 'refs');
    const locations = signingLocations(tableLocations(loaded.body));
    return signer.sign(body, { locations, access: 'write' });
  });
}
