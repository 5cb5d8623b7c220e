/**
 * Prometheus and Alertmanager on the local target: installed from Debian packages, configured
 * from the environment's values (a scrape job per component with metrics, a route per alert
 * severity), launched bound to 127.0.0.1 under the state directory.
 */
export {
  ALERTMANAGER_BINARY,
  AMTOOL_BINARY,
  ensureAlertmanager,
  ensureNodeExporter,
  ensurePrometheus,
  NODE_EXPORTER_BINARY,
  parseVersionOutput,
  PROMETHEUS_BINARY,
  PROMTOOL_BINARY,
  type AlertmanagerInstall,
  type NodeExporterInstall,
  type PrometheusInstall,
} from './install.js';
export {
  renderAlertmanagerConfig,
  renderPrometheusConfig,
  TRINO_METRICS_USER,
  type AlertmanagerConfigInput,
  type PrometheusConfigInput,
} from './config.js';
export {
  alertmanagerLaunch,
  nodeExporterLaunch,
  observabilityPaths,
  prometheusLaunch,
  statsdExporterLaunch,
  type NodeExporterLaunchInput,
  type StatsdExporterLaunchInput,
  type AlertmanagerLaunchInput,
  type LaunchSpec,
  type ObservabilityPaths,
  type PrometheusLaunchInput,
} from './launch.js';
export {
  checkAlertmanagerConfig,
  checkPrometheusConfig,
  rulesDir,
  statsdMappingFile,
  writeObservabilityConfig,
  type WriteConfigInput,
} from './files.js';
export { minioPrometheusToken, minioTokenValid } from './minio-token.js';
export { fetchScrapeTargets, parseScrapeTargets, type ScrapeTarget } from './targets.js';
export { reloadConfig, type ReloadResult } from './reload.js';
