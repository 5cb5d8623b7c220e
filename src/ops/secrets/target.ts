import type { Verification } from '../release-target.js';
import type { CredentialSet, RotationJournal } from './model.js';

/**
 * Credentials replaced in the platform's secret store. Opaque to the workflow: the values never
 * leave the target.
 */
export interface RotatedCredentials {
  /** Puts the previous credentials back in the store (a failed rotation undoes itself). */
  restore(): Promise<void>;
  /** Checks that the owner now refuses the previous credentials. */
  previousRefused(): Promise<Verification>;
  /**
   * For sets whose owner keeps the previous credentials beside the new ones while it converts
   * its data (Airflow's fernet keys): drops them from the store once every holder restarted, and
   * says what it did. The owner restarts once more after it.
   */
  retirePrevious?(): Promise<string>;
}

/** What a credential rotation needs from a target, besides restarting components. */
export interface SecretsTarget {
  /** Generates new credentials for the set and stores them (nothing running changes yet). */
  rotateCredentials(set: CredentialSet): Promise<RotatedCredentials>;
  /** The rotation that began and has not ended; null when none. */
  unfinishedRotation(): Promise<RotationJournal | null>;
  /** Keeps a rotation's progress; null when it ended (with either set of credentials in force). */
  journalRotation(journal: RotationJournal | null): Promise<void>;
}
