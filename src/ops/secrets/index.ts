/** `lakehouse secrets rotate`: the runbook's "Update Secrets" as a verified workflow. */
export {
  CREDENTIAL_SET_LABEL,
  CREDENTIAL_SETS,
  isCredentialSet,
  notRestarted,
  ownerOf,
  rotationOrder,
  type CredentialSet,
  type ObservedRotation,
  type RotationJournal,
} from './model.js';
export { rotateCredentials, type RotationFailure, type RotationResult } from './rotate.js';
export type { RotatedCredentials, SecretsTarget } from './target.js';
