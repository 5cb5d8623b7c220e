/** The console's HTTP server: its API, the Prometheus proxy, the catalog browser and the built page. */
export { buildConsoleApp, type ConsoleDeps } from './app.js';
export { cookieValue, hostName, SESSION_COOKIE, sessionValue, withoutToken } from './auth.js';
export {
  expandGrafanaVariables,
  MAX_POINTS,
  MAX_QUERY_LENGTH,
  parseRangeQuery,
  rangeQuerySchema,
  type RangeQuery,
} from './metrics-query.js';
export { queryRange, QUERY_TIMEOUT_MS, type PrometheusSettings } from './prometheus.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_NAME_LENGTH,
  MAX_NAMESPACE_LEVELS,
  MAX_PAGE_SIZE,
} from './catalog-params.js';
