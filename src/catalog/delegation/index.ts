/**
 * Access delegation: how a client that holds no object-store keys reaches a table's files.
 * The spec's `X-Iceberg-Access-Delegation` header asks for `vended-credentials` (short-lived keys
 * scoped to the table's location) and/or `remote-signing` (the catalog signs each S3 request).
 *
 * This file is the contract both mechanisms build on; `vended.ts` (STS) and `signing.ts`
 * (SigV4 remote signing) implement the providers.
 */
import type { Warehouse } from '../service/context.js';

export type DelegationMechanism = 'vended-credentials' | 'remote-signing';

/** The mechanisms a client accepts, in its order of preference; empty when it sent no header. */
export function parseAccessDelegation(raw: string | string[] | undefined): DelegationMechanism[] {
  if (raw === undefined) return [];
  const values = (Array.isArray(raw) ? raw.join(',') : raw)
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v.length > 0);
  const out: DelegationMechanism[] = [];
  for (const v of values) {
    // Unknown mechanisms are skipped, as the spec allows a server to choose among those it has.
    if ((v === 'vended-credentials' || v === 'remote-signing') && !out.includes(v)) out.push(v);
  }
  return out;
}

/** One entry of the spec's `storage-credentials`: config valid for locations under `prefix`. */
export interface StorageCredential {
  prefix: string;
  config: Record<string, string>;
}

/** What a table's load result carries for a delegating client. */
export interface TableAccessGrant {
  /** Merged into the load result's `config` (e.g. `s3.access-key-id`, `s3.signer.uri`). */
  config: Record<string, string>;
  /** The load result's `storage-credentials`; empty when the mechanism needs none. */
  storageCredentials: StorageCredential[];
}

/** Whom the grant is for: one table, its (confined) location, and read or read-write access. */
export interface TableAccessRequest {
  warehouse: Warehouse;
  namespace: string[];
  table: string;
  /** The table's `location` from its current metadata, e.g. `s3://bucket/wh/ns/t`. */
  location: string;
  access: 'read' | 'write';
  /** The catalog's own base URL as the client reached it, for endpoints advertised back to it. */
  catalogUri: string;
}

/** A mechanism the server is configured with. */
export interface DelegationProvider {
  readonly mechanism: DelegationMechanism;
  grant(request: TableAccessRequest): Promise<TableAccessGrant>;
}

/**
 * Adds a grant to a load-result body kept as JSON text (the service serialises it once and the
 * metadata may hold 64-bit ids JSON.parse would round): `config` is replaced, and
 * `storage-credentials` appended when there are any.
 */
export function withTableAccess(loadResultJson: string, grant: TableAccessGrant): string {
  const suffix = '"config":{}}';
  if (!loadResultJson.endsWith(suffix)) {
    throw new Error('load result does not end with an empty config object');
  }
  const head = loadResultJson.slice(0, -suffix.length);
  const credentials =
    grant.storageCredentials.length > 0
      ? `,"storage-credentials":${JSON.stringify(grant.storageCredentials)}`
      : '';
  return `${head}"config":${JSON.stringify(grant.config)}${credentials}}`;
}
