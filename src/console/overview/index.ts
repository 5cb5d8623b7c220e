/** GET /api/overview: the platform's state assembled from the supervisor, releases and observability. */
export {
  assembleOverview,
  firingAlerts,
  scrapeTargets,
  type AlertmanagerAlert,
  type DiagnoseFinding,
  type ExpectedComponent,
  type OverviewInputs,
  type PrometheusTarget,
  type Read,
} from './assemble.js';
export { describePorts, urlHost } from './ports.js';
export { DIAGNOSE_INTERVAL_MS, DiagnoseLoop } from './diagnose-loop.js';
export {
  expectedComponents,
  readAlerts,
  readProcesses,
  readRevisions,
  readTargets,
} from './readers.js';
export { localOverviewSource, type LocalOverviewOptions, type OverviewSource } from './source.js';
