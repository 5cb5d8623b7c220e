import { stringify } from 'yaml';
import type { LakehouseValues } from '../../../platform/config/index.js';

/**
 * MinIO serves `/minio/v2/metrics/cluster` without a token when started with this environment.
 * Locally MinIO binds 127.0.0.1 only, so anyone who can reach the endpoint can already read the
 * state directory; a bearer token (`mc admin prometheus generate`) would add a secret to render
 * into prometheus.yml and rotate, for no protection. The Kubernetes chart uses a token instead.
 * The MinIO launch spec must merge this into the process environment.
 */
export const MINIO_METRICS_ENV: Readonly<Record<string, string>> = {
  MINIO_PROMETHEUS_AUTH_TYPE: 'public',
};

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
}

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  basic_auth?: { username: string };
  static_configs: { targets: string[]; labels?: Record<string, string> }[];
}

const loopback = (port: number): string => `127.0.0.1:${port}`;

/**
 * prometheus.yml for the local target: one scrape job per enabled component that exposes
 * metrics. Trino workers are not scraped: Trino documents `/metrics` on the coordinator, which
 * reports the cluster's query and memory figures; per-worker JVM metrics can come later.
 */
export function renderPrometheusConfig(input: PrometheusConfigInput): string {
  const { values, env } = input;
  const { prometheus, alertmanager } = values.observability;
  const scrape: ScrapeConfig[] = [
    { job_name: 'prometheus', static_configs: [{ targets: [loopback(prometheus.port)] }] },
  ];
  if (alertmanager.enabled) {
    scrape.push({
      job_name: 'alertmanager',
      static_configs: [{ targets: [loopback(alertmanager.port)] }],
    });
  }
  if (values.minio.enabled) {
    scrape.push({
      job_name: 'minio',
      metrics_path: '/minio/v2/metrics/cluster',
      static_configs: [{ targets: [loopback(values.minio.ports.api)] }],
    });
  }
  if (values.icebergCatalog.enabled) {
    scrape.push({
      job_name: 'iceberg-catalog',
      metrics_path: '/metrics',
      static_configs: [{ targets: [loopback(values.icebergCatalog.port)] }],
    });
  }
  if (values.trino.enabled) {
    scrape.push({
      job_name: 'trino',
      metrics_path: '/metrics',
      basic_auth: { username: TRINO_METRICS_USER },
      static_configs: [
        { targets: [loopback(values.trino.coordinator.port)], labels: { role: 'coordinator' } },
      ],
    });
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
}

/**
 * alertmanager.yml: one route per severity. Each severity's receiver posts to the webhook set
 * in `observability.alertmanager.webhooks.<severity>`; without one the receiver has no
 * integration, so alerts are kept in Alertmanager (its UI and `/api/v2/alerts`) only. A firing
 * critical alert silences the warning of the same name, so one problem pages once.
 */
export function renderAlertmanagerConfig(input: AlertmanagerConfigInput): string {
  const { webhooks } = input.values.observability.alertmanager;
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
      { name: 'default' },
      receiver('critical', webhooks.critical),
      receiver('warning', webhooks.warning),
    ],
  };
  return header(input.env) + stringify(config, { lineWidth: 0 });
}

function header(env: string): string {
  return `# Generated by lakehouse from env/${env}/helm-values.yaml; edit that file, not this one.\n`;
}
