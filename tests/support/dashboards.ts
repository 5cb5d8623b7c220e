/**
 * Every Grafana panel query in platform/observability/dashboards, for tests that run them
 * against a live Prometheus: `{dashboard, panel, refId, expr}` with Grafana's interval variables
 * (`$__rate_interval`) already replaced so Prometheus can parse `expr` as is.
 */
export { dashboardQueries, type DashboardQuery } from '../../src/platform/observability/index.js';
