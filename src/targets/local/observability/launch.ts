import { join } from 'node:path';

/** How to start one observability process; the supervisor adds names, logs and restarts. */
export interface LaunchSpec {
  command: string;
  args: string[];
  /** The process's whole environment: both are Go binaries configured by flags alone. */
  env: Record<string, string>;
  /** GET this until it answers 200 to know the process is ready. */
  healthUrl: string;
}

/** Where Prometheus and Alertmanager keep their configuration and data under the state dir. */
export interface ObservabilityPaths {
  prometheusConfig: string;
  prometheusData: string;
  alertmanagerConfig: string;
  alertmanagerData: string;
  /** The local alert receiver's file: one JSON line per Alertmanager notification. */
  alertsLog: string;
  /** MinIO's Prometheus bearer token (mode 0600), read by Prometheus (`bearer_token_file`). */
  minioToken: string;
}

export function observabilityPaths(stateDir: string): ObservabilityPaths {
  const root = join(stateDir, 'observability');
  return {
    prometheusConfig: join(root, 'prometheus', 'prometheus.yml'),
    prometheusData: join(root, 'prometheus', 'data'),
    alertmanagerConfig: join(root, 'alertmanager', 'alertmanager.yml'),
    alertmanagerData: join(root, 'alertmanager', 'data'),
    alertsLog: join(root, 'alerts.log'),
    minioToken: join(stateDir, 'secrets', 'minio-prometheus.token'),
  };
}

export interface PrometheusLaunchInput {
  binary: string;
  configFile: string;
  dataDir: string;
  port: number;
  /** `observability.prometheus.retention`, e.g. `15d`. */
  retention: string;
}

export function prometheusLaunch(input: PrometheusLaunchInput): LaunchSpec {
  return {
    command: input.binary,
    args: [
      `--config.file=${input.configFile}`,
      `--storage.tsdb.path=${input.dataDir}`,
      `--storage.tsdb.retention.time=${input.retention}`,
      `--web.listen-address=127.0.0.1:${input.port}`,
      // POST /-/reload applies a re-rendered prometheus.yml without a restart (and without
      // losing the in-memory head block); /-/quit is the graceful stop.
      '--web.enable-lifecycle',
    ],
    env: {},
    healthUrl: `http://127.0.0.1:${input.port}/-/ready`,
  };
}

export interface AlertmanagerLaunchInput {
  binary: string;
  configFile: string;
  dataDir: string;
  port: number;
}

export function alertmanagerLaunch(input: AlertmanagerLaunchInput): LaunchSpec {
  return {
    command: input.binary,
    args: [
      `--config.file=${input.configFile}`,
      `--storage.path=${input.dataDir}`,
      `--web.listen-address=127.0.0.1:${input.port}`,
      // One instance: an empty address turns the gossip cluster off, which would otherwise
      // listen on 0.0.0.0:9094 and break the loopback-only rule (and collide between instances).
      '--cluster.listen-address=',
    ],
    env: {},
    healthUrl: `http://127.0.0.1:${input.port}/-/ready`,
  };
}

export interface NodeExporterLaunchInput {
  binary: string;
  port: number;
}

/**
 * Debian's node-exporter with the collectors that fail without an init system or belong to the
 * machine switched off: `systemd` (no D-Bus here; it would log an error every scrape) and
 * `textfile` (Debian points it at a system directory other exporters write to).
 */
export function nodeExporterLaunch(input: NodeExporterLaunchInput): LaunchSpec {
  return {
    command: input.binary,
    args: [
      `--web.listen-address=127.0.0.1:${input.port}`,
      '--no-collector.systemd',
      '--no-collector.textfile',
    ],
    env: {},
    healthUrl: `http://127.0.0.1:${input.port}/`,
  };
}

export interface StatsdExporterLaunchInput {
  binary: string;
  /** Prometheus scrapes this TCP port. */
  port: number;
  /** Airflow sends StatsD datagrams to this UDP port. */
  statsdPort: number;
  mappingFile: string;
}

/** statsd_exporter: StatsD over UDP on loopback in, Prometheus metrics out; no TCP listener. */
export function statsdExporterLaunch(input: StatsdExporterLaunchInput): LaunchSpec {
  return {
    command: input.binary,
    args: [
      `--statsd.listen-udp=127.0.0.1:${input.statsdPort}`,
      // Its default also listens for StatsD over TCP on every interface: off.
      '--statsd.listen-tcp=',
      `--web.listen-address=127.0.0.1:${input.port}`,
      `--statsd.mapping-config=${input.mappingFile}`,
    ],
    env: {},
    healthUrl: `http://127.0.0.1:${input.port}/-/healthy`,
  };
}
