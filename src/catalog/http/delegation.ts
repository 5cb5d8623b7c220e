/**
 * Access delegation at the HTTP edge: which of the server's providers answers a request's
 * `X-Iceberg-Access-Delegation`, and the grant it gives for one table.
 */
import type { FastifyRequest } from 'fastify';
import {
  parseAccessDelegation,
  type DelegationMechanism,
  type DelegationProvider,
  type TableAccessGrant,
} from '../delegation/index.js';
import { parseJson } from '../../lib/index.js';
import { schemeOf } from '../io/index.js';
import type { RemoteSigner } from '../delegation/signing.js';
import type { Warehouse } from '../service/index.js';

/** Access delegation as the server is configured: the mechanisms it offers and its signer. */
export interface DelegationSetup {
  providers: readonly DelegationProvider[];
  /** Present when remote signing is on: the sign route uses it. */
  signer?: RemoteSigner;
}

export const NO_DELEGATION: DelegationSetup = { providers: [] };

/** The first mechanism, in the client's order of preference, that the server has; else none. */
export function chooseProvider(
  providers: readonly DelegationProvider[],
  header: string | string[] | undefined,
): DelegationProvider | undefined {
  const wanted: DelegationMechanism[] = parseAccessDelegation(header);
  for (const mechanism of wanted) {
    const provider = providers.find((p) => p.mechanism === mechanism);
    if (provider) return provider;
  }
  return undefined;
}

/** A table on the local filesystem: clients read its files directly, nothing to delegate. */
export function isFileLocation(location: string): boolean {
  return schemeOf(location) === 'file';
}

/** The catalog's base URL as this client reached it. */
export function catalogUriOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export interface TableGrantTarget {
  warehouse: Warehouse;
  namespace: string[];
  table: string;
  /** The table's location; only looked up when a grant is due. */
  location: () => Promise<string> | string;
}

/**
 * The grant for a delegating client, or undefined when it asked for nothing the server has or
 * the table needs none. Access is read-write: the catalog authorises per catalog, not per table
 * (any client with a token may commit), and a client loads a table before appending to it.
 */
export async function tableGrant(
  providers: readonly DelegationProvider[],
  req: FastifyRequest,
  target: TableGrantTarget,
): Promise<TableAccessGrant | undefined> {
  const provider = chooseProvider(providers, req.headers['x-iceberg-access-delegation']);
  if (!provider) return undefined;
  const location = await target.location();
  if (isFileLocation(location)) return undefined;
  return provider.grant({ ...target, location, access: 'write', catalogUri: catalogUriOf(req) });
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
