/**
 * Prometheus and Alertmanager on the local target: installed from Debian packages, configured
 * from the environment's values (a scrape job per component with metrics, a route per alert
 * severity), launched bound to 127.0.0.1 under the state directory.
 */
export {
  ALERTMANAGER_BINARY,
  AMTOOL_BINARY,
  ensureAlertmanager,
  ensurePrometheus,
  parseVersionOutput,
  PROMETHEUS_BINARY,
  PROMTOOL_BINARY,
  type AlertmanagerInstall,
  type PrometheusInstall,
} from './install.js';
export {
  MINIO_METRICS_ENV,
  renderAlertmanagerConfig,
  renderPrometheusConfig,
  TRINO_METRICS_USER,
  type AlertmanagerConfigInput,
  type PrometheusConfigInput,
} from './config.js';
export {
  alertmanagerLaunch,
  observabilityPaths,
  prometheusLaunch,
  type AlertmanagerLaunchInput,
  type LaunchSpec,
  type ObservabilityPaths,
  type PrometheusLaunchInput,
} from './launch.js';
export {
  checkAlertmanagerConfig,
  checkPrometheusConfig,
  rulesDir,
  writeObservabilityConfig,
  type WriteConfigInput,
} from './files.js';
