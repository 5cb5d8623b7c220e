import { UserError } from '../../lib/index.js';
import type { Component } from '../releases/index.js';

/** The credential sets a platform has, each rotated as a whole. */
export type CredentialSet = 'minio' | 'airflow';

export const CREDENTIAL_SETS: readonly CredentialSet[] = ['minio', 'airflow'];

export const isCredentialSet = (name: string): name is CredentialSet =>
  (CREDENTIAL_SETS as readonly string[]).includes(name);

/**
 * Who holds a credential set, in the order a rotation restarts them: the owner first (it accepts
 * only the new credentials from then on), then every component that signs in with them.
 */
const HOLDERS: Record<CredentialSet, readonly Component[]> = {
  // The catalog reads and writes the warehouse and calls STS with the root key; Trino holds
  // vended keys that key signed, which a restart drops. Prometheus scrapes MinIO with a token
  // signed by the root credentials.
  minio: ['minio', 'iceberg-catalog', 'trino', 'observability'],
  // The admin password, the API's JWT and session secrets, and the fernet key of its database.
  airflow: ['airflow'],
};

/** What the set is, for messages. */
export const CREDENTIAL_SET_LABEL: Record<CredentialSet, string> = {
  minio: "MinIO's root credentials",
  airflow: "Airflow's admin password, API secrets and fernet key",
};

/** The component that owns (checks) the credentials. */
export const ownerOf = (set: CredentialSet): Component => HOLDERS[set][0] as Component;

/**
 * The components a rotation restarts, in order: the holders the environment enables. Refuses a
 * set whose owner is not enabled.
 */
export function rotationOrder(set: CredentialSet, enabled: readonly Component[]): Component[] {
  const owner = ownerOf(set);
  if (!enabled.includes(owner)) {
    throw new UserError(
      `${owner} is not enabled in this environment: there are no ${CREDENTIAL_SET_LABEL[set]} to rotate`,
      `enable it in env/<env>/helm-values.yaml and run \`lakehouse up\``,
    );
  }
  return HOLDERS[set].filter((c) => enabled.includes(c));
}

/**
 * A rotation that began and has not ended, as the target keeps it while the rotation runs. One
 * left behind belongs to a command that died (or could not put the previous credentials back):
 * the holders not yet restarted still use credentials the owner may no longer accept.
 */
export interface RotationJournal {
  set: CredentialSet;
  startedAt: string;
  /** Every holder the rotation restarts, in order. */
  holders: Component[];
  /** The holders restarted with the new credentials so far, in order. */
  restarted: Component[];
}

/** A journal as observed: `running` while its command is alive, otherwise interrupted. */
export type ObservedRotation = RotationJournal & { running: boolean };

/** The holders of an unfinished rotation that did not restart with the new credentials. */
export const notRestarted = (journal: RotationJournal): Component[] =>
  journal.holders.filter((c) => !journal.restarted.includes(c));
