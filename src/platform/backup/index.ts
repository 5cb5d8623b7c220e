/**
 * What a backup and a restore do the same way on every target: the warehouse bucket copied
 * object by object through S3, a catalog snapshot's tables and the files they need, and the
 * live catalog's tables read through its REST API.
 */
export {
  emptyBucket,
  exportBucket,
  importBucket,
  listObjects,
  measureBucket,
  objectExists,
  s3LocationExists,
} from './objects.js';
export { countTableRows } from './table-rows.js';
export { tablesInSnapshot } from './catalog-refs.js';
export { loadAllTables } from './catalog-api.js';
export { platformIdentity } from './identity.js';
