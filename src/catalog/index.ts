export { startCatalogServer, createLogger, CatalogStartupError } from './server.js';
export type { CatalogServerOptions, RunningCatalog } from './server.js';
export { buildCatalogApp } from './http/app.js';
export { CatalogMetrics } from './http/metrics.js';
export { CatalogService, noEvents } from './service/index.js';
export type { Warehouse } from './service/index.js';
