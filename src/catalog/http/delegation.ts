import type { FastifyRequest } from 'fastify';
import { parseJson } from '../../lib/index.js';
import type { DelegationProvider, TableAccessRequest } from '../delegation/index.js';
import type { RemoteSigner } from '../delegation/signing.js';
import type { Warehouse } from '../service/index.js';

/** Access delegation as the server is configured: the mechanisms it offers and its signer. */
export interface DelegationSetup {
  providers: DelegationProvider[];
  /** Present when remote signing is on: the sign route uses it. */
  signer?: RemoteSigner;
}

/** The catalog's base URL as this client reached it, for endpoints advertised back to it. */
export function catalogUriOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

interface LoadResultShape {
  metadata?: { location?: unknown; properties?: Record<string, unknown> };
}

/** The table's location and its data and metadata paths when set apart from it. */
export function tableLocations(loadResultJson: string): string[] {
  const { metadata } = parseJson(loadResultJson) as LoadResultShape;
  const props = metadata?.properties ?? {};
  return [metadata?.location, props['write.data.path'], props['write.metadata.path']].filter(
    (l): l is string => typeof l === 'string' && l.length > 0,
  );
}

/**
 * Whom a grant is for. Every caller the catalog admits may commit to its tables (there are no
 * read-only principals yet), so access is `write`.
 */
export function accessRequestFor(
  req: FastifyRequest,
  warehouse: Warehouse,
  namespace: string[],
  table: string,
  loadResultJson: string,
): TableAccessRequest {
  const [location = ''] = tableLocations(loadResultJson);
  return {
    warehouse,
    namespace,
    table,
    location,
    access: 'write',
    catalogUri: catalogUriOf(req),
  };
}
