import type { FastifyInstance } from 'fastify';
import { BadRequestError, UnsupportedOperationError } from '../../errors.js';
import { formatIdentifier } from '../../service/identifiers.js';
import { decodeNamespace } from '../params.js';
import { warehouseOf, type Params, type Query, type RouteDeps } from '../context.js';
import { catalogUriOf, isFileLocation } from '../delegation.js';

/**
 * `loadCredentials`: fresh vended credentials for a table, which clients call when the ones from
 * loadTable near their expiry. Read-write like loadTable's, except for a scan plan's files,
 * which are only read.
 */
export function credentialRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/namespaces/:namespace/tables/:table/credentials', async (req) => {
    const params = req.params as Params;
    const namespace = decodeNamespace(params['namespace']);
    const table = params['table'] ?? '';
    const planId = (req.query as Query)['planId'];
    if (planId !== undefined && (typeof planId !== 'string' || planId.length === 0)) {
      throw new BadRequestError('Invalid planId: give the id a scan plan returned, once');
    }
    const wh = warehouseOf(deps, req);
    const loaded = await deps.service.tables.load(wh.name, { namespace, name: table }, 'all');
    if (isFileLocation(loaded.location)) {
      throw new BadRequestError(
        `Table ${formatIdentifier(namespace, table)} is in a file:// warehouse: clients read its files directly, there are no credentials to vend`,
      );
    }
    const provider = deps.delegation.providers.find((p) => p.mechanism === 'vended-credentials');
    if (!provider) {
      throw new UnsupportedOperationError(
        'This catalog does not vend credentials: start it with --vended-credentials (the local platform does)',
      );
    }
    const grant = await provider.grant({
      warehouse: wh,
      namespace,
      table,
      location: loaded.location,
      access: planId === undefined ? 'write' : 'read',
      catalogUri: catalogUriOf(req),
    });
    return { 'storage-credentials': grant.storageCredentials };
  });
}
