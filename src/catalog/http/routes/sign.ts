import type { FastifyInstance } from 'fastify';
import { parseOrBadRequest } from '../../metadata/index.js';
import { UnsupportedOperationError } from '../../errors.js';
import { remoteSignRequestSchema, signingLocations } from '../../delegation/signing.js';
import { decodeNamespace } from '../params.js';
import { warehouseOf, type Params, type RouteDeps } from '../context.js';
import { tableLocations } from '../delegation.js';
import type { SigningScope } from '../../delegation/sign-policy.js';
import { LruCache } from '../../service/lru.js';

/** The spec's signRequest: signs one S3 request for a client of one table. */
export function signRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // A client signs every S3 request: the table's locations are parsed once per metadata version
  // (the ETag names the metadata file, which never changes).
  const scopes = new LruCache<string, SigningScope['locations']>(1000);
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
    const loaded = await deps.service.tables.load(warehouseOf(deps, req).name, id, 'all');
    let locations = scopes.get(loaded.etag);
    if (!locations) {
      locations = signingLocations(tableLocations(loaded.body));
      scopes.set(loaded.etag, locations);
    }
    // Every caller the catalog admits may commit to its tables, so signing allows writes.
    return signer.sign(body, { locations, access: 'write' });
  });
}
