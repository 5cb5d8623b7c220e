export {
  startCatalogServer,
  createLogger,
  CatalogStartupError,
  DEFAULT_CATALOG_LIMITS,
} from './server.js';
export type { CatalogLimits, CatalogServerOptions, RunningCatalog } from './server.js';
export { buildCatalogApp } from './http/app.js';
export { CatalogMetrics } from './http/metrics.js';
export { CatalogService, noEvents } from './service/index.js';
export type { Warehouse } from './service/index.js';
