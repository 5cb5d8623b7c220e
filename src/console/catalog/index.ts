/**
 * The console's catalog browser: a client of the platform's Iceberg REST catalog and the pure
 * mapping of its answers to the page's shapes (src/console/api.ts).
 */
export {
  CatalogClient,
  CATALOG_TIMEOUT_MS,
  type CatalogAnswer,
  type CatalogSettings,
  type PageRequest,
} from './client.js';
export { flattenFields, toCatalogSchema, typeText } from './schema.js';
export { ShapeError } from './shape.js';
export { toCatalogSnapshot, toCatalogTable } from './table.js';
export { toCatalogView } from './view.js';
