import { stringify } from 'yaml';
import type { LakehouseValues } from '../../../platform/config/index.js';

/**
 * The user name Prometheus presents to Trino. Trino's `/metrics` sits behind the same
 * authentication as its UI; without a password authenticator any user name is accepted, given
 * as HTTP basic auth without a password (the setup Trino's OpenMetrics docs show).
 */
export const TRINO_METRICS_USER = 'prometheus';

export interface PrometheusConfigInput {
  values: LakehouseValues;
  /** Environment name, added to every series as the `lakehouse_env` label. */
  env: string;
  /**
   * Glob of alert rule files (`<repo>/platform/observability/rules/*.yml`), when that directory
   * exists; the rules themselves arrive in a later change.
   */
  ruleFilesGlob?: string;
  /**
   * File holding MinIO's Prometheus bearer token (a JWT signed with the root credentials, see
   * minio-token.ts). MinIO requires it on `/minio/v2/metrics/cluster` unless started with
   * MINIO_PROMETHEUS_AUTH_TYPE=public; without the file the minio job is not rendered.
   */
  minioTokenFile?: string;
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  basic_auth?: { username: string };
  bearer_token_file?: string;
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

const loopback = (port: number): string => `127.0.0.1:${port}`;

/**
 * prometheus.yml for the local target: one scrape job per component (the issue 6 contract's job
 * names): prometheus, alertmanager, supervisor (the supervisor's process metrics), node
 * (node-exporter), minio, iceberg-catalog, trino (the coordinator and every worker, each node
 * serves `/metrics`; `role` tells them apart) and airflow (statsd_exporter). Every series
 * carries `lakehouse_env` (a target label, and an external label for alerts).
 */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const { values, env } = input;
  const obs = values.observability;
  const { prometheus, alertmanager } = obs;
  const job = (name: string, port: number, extra: Partial<ScrapeConfig> = {}): ScrapeConfig => ({
    job_name: name,
    ...extra,
    static_configs: extra.static_configs ?? [{ targets: [loopback(port)] }],
  });
  const scrape: ScrapeConfig[] = [job('prometheus', prometheus.port)];
  if (alertmanager.enabled) scrape.push(job('alertmanager', alertmanager.port));
  scrape.push(job('supervisor', obs.supervisorMetrics.port));
  if (obs.nodeExporter.enabled) scrape.push(job('node', obs.nodeExporter.port));
  if (values.minio.enabled && input.minioTokenFile) {
    scrape.push(
      job('minio', values.minio.ports.api, {
        metrics_path: '/minio/v2/metrics/cluster',
        bearer_token_file: input.minioTokenFile,
      }),
    );
  }
  if (values.icebergCatalog.enabled) {
    scrape.push(job('iceberg-catalog', values.icebergCatalog.port, { metrics_path: '/metrics' }));
  }
  if (values.trino.enabled) {
    const { coordinator, workers } = values.trino;
    const workerTargets = Array.from({ length: workers.count }, (_, i) =>
      loopback(workers.basePort + i),
    );
    scrape.push(
      job('trino', coordinator.port, {
        metrics_path: '/metrics',
        basic_auth: { username: TRINO_METRICS_USER },
        static_configs: [
          { targets: [loopback(coordinator.port)], labels: { role: 'coordinator' } },
          ...(workerTargets.length > 0
            ? [{ targets: workerTargets, labels: { role: 'worker' } }]
            : []),
        ],
      }),
    );
  }
  if (values.airflow.enabled) scrape.push(job('airflow', obs.statsdExporter.port));
  // External labels reach only alerts and federation; as a target label `lakehouse_env` is
  // stored with every series, so queries and dashboards can select by it.
  for (const sc of scrape) {
    for (const group of sc.static_configs) group.labels = { lakehouse_env: env, ...group.labels };
  }

  const config = {
    global: {
      scrape_interval: prometheus.scrapeInterval,
      evaluation_interval: prometheus.scrapeInterval,
      external_labels: { lakehouse_env: env },
    },
    ...(alertmanager.enabled
      ? {
          alerting: {
            alertmanagers: [{ static_configs: [{ targets: [loopback(alertmanager.port)] }] }],
          },
        }
      : {}),
    ...(input.ruleFilesGlob ? { rule_files: [input.ruleFilesGlob] } : {}),
    scrape_configs: scrape,
  };
  return header(env) + stringify(config, { lineWidth: 0 });
}

export interface AlertmanagerConfigInput {
  values: LakehouseValues;
  env: string;
  /**
   * The local receiver: a webhook that appends every notification to a file (served by the
   * supervisor, `POST /alerts`). Used for a severity without a webhook URL in the values.
   */
  localReceiverUrl?: string;
}

/**
 * alertmanager.yml: one route per severity. Each severity's receiver posts to the webhook set
 * in `observability.alertmanager.webhooks.<severity>`, or without one to the local receiver
 * (alerts.log under the state directory), firing and resolved alike. A firing critical alert
 * silences the warning of the same name, so one problem pages once.
 */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput): string {
  const { webhooks } = input.values.observability.alertmanager;
  const local = input.localReceiverUrl ?? '';
  const receiver = (name: string, url: string): Record<string, unknown> =>
    url ? { name, webhook_configs: [{ url, send_resolved: true }] } : { name };
  const config = {
    route: {
      receiver: 'default',
      group_by: ['alertname', 'job'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        {
          receiver: 'critical',
          matchers: ['severity="critical"'],
          group_wait: '10s',
          // A change in a critical group (another alert firing, or resolved) is sent within a
          // minute, not the default five.
          group_interval: '1m',
          repeat_interval: '1h',
        },
        { receiver: 'warning', matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['alertname', 'job'],
      },
    ],
    receivers: [
      receiver('default', local),
      receiver('critical', webhooks.critical || local),
      receiver('warning', webhooks.warning || local),
    ],
  };
  return header(input.env) + stringify(config, { lineWidth: 0 });
}

function header(env: string): string {
  return `# Generated by lakehouse from env/${env}/helm-values.yaml; edit that file, not this one.\n`;
}
