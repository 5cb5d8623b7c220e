/**
 * The platform's observability definitions in `platform/observability/`: alert rules and their
 * promtool tests, Grafana dashboards. Shared by every target; read here as data for checks.
 */
export { alertRulesDir, alertTestsDir, dashboardsDir, observabilityDir } from './paths.js';
export {
  coverageProblems,
  loadAlertRules,
  loadAlertTests,
  parseAlertRules,
  parseAlertTests,
  REQUIRED_ANNOTATIONS,
  REQUIRED_LABELS,
  ruleProblems,
  SEVERITIES,
  type AlertRule,
  type AlertTestCase,
} from './rules.js';
export {
  dashboardProblems,
  dashboardQueries,
  extractQueries,
  INTERVAL_VARIABLES,
  PANEL_TYPES,
  readDashboards,
  substituteIntervals,
  type DashboardQuery,
} from './dashboards.js';
