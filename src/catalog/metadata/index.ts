/**
 * Pure Iceberg table and view metadata: JSON schemas, creation, commit requirements and updates,
 * metadata-log maintenance. No I/O here; the service layer reads and writes the files.
 */
export * from './schemas.js';
export { parseOrBadRequest, formatPath } from './parse.js';
export {
  newTableMetadata,
  parseFormatVersion,
  noCurrentSnapshot,
  DEFAULT_FORMAT_VERSION,
  SUPPORTED_FORMAT_VERSION,
  FORMAT_VERSION_PROPERTY,
  PARTITION_DATA_ID_START,
  type NewTableContext,
} from './new-table.js';
export {
  applyTableUpdates,
  emptyTableMetadata,
  currentSnapshotId,
  MAIN_BRANCH,
  LAST_ADDED,
  type ApplyTableUpdatesContext,
} from './table-updates.js';
export { checkTableRequirements } from './table-requirements.js';
export {
  withMetadataLog,
  maxPreviousVersions,
  deleteAfterCommitEnabled,
  metadataFileName,
  parseMetadataVersion,
  PREVIOUS_VERSIONS_MAX_PROPERTY,
  PREVIOUS_VERSIONS_MAX_DEFAULT,
  DELETE_AFTER_COMMIT_PROPERTY,
  type PreviousMetadata,
} from './metadata-log.js';
export { newViewMetadata, type NewViewContext } from './new-view.js';
export {
  applyViewUpdates,
  VERSION_HISTORY_SIZE_PROPERTY,
  VERSION_HISTORY_SIZE_DEFAULT,
  type ApplyViewUpdatesContext,
} from './view-updates.js';
export { checkViewRequirements } from './view-requirements.js';
export {
  validateNamespace,
  currentSnapshot,
  snapshotById,
  metadataWithOnlyRefs,
  NAMESPACE_SEPARATOR,
} from './helpers.js';
export { highestFieldId, isValidTransform } from './validation.js';
export { sameId } from './util.js';
export {
  canonicalType,
  canonicalDefinitionId,
  primitiveTypeProblem,
  FunctionTypeError,
  MAX_DECIMAL_PRECISION,
} from './function-types.js';
export {
  checkFunctionMetadata,
  currentVersions,
  FUNCTION_FORMAT_VERSION,
  type FunctionMetadata,
  type FunctionDefinition,
  type FunctionDefinitionVersion,
  type FunctionParameter,
  type FunctionDataType,
} from './function-metadata.js';
export {
  applyFunctionUpdates,
  newFunctionMetadata,
  createFunctionRequestSchema,
  updateFunctionRequestSchema,
  type CreateFunctionRequest,
  type UpdateFunctionRequest,
  type FunctionUpdate,
} from './function-updates.js';
