/** The Grafana dashboards of platform/observability as the console's chart model. */
export { DashboardFormatError, panelKind, summarize, toChartDashboard } from './map.js';
export { loadChartDashboards } from './load.js';
