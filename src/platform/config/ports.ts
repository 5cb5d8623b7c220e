import type { LakehouseValues } from './schema.js';

/** One port a component of the platform listens on. */
export interface PortUse {
  /** The values key that sets it: `trino.workers.basePort`. */
  key: string;
  port: number;
  /** Who listens: `minio`, `trino worker 2`. */
  owner: string;
  /** `udp` for a datagram port (StatsD); TCP otherwise. */
  protocol?: 'udp';
}

/** node-exporter runs only for a Prometheus that scrapes it. */
export const nodeExporterRuns = (values: LakehouseValues): boolean =>
  values.observability.prometheus.enabled && values.observability.nodeExporter.enabled;

/** statsd_exporter (Airflow's metrics) runs when Airflow does and Prometheus scrapes it. */
export const statsdExporterRuns = (values: LakehouseValues): boolean =>
  values.observability.prometheus.enabled && values.airflow.enabled;

/**
 * Every port the enabled components listen on when the platform runs locally, in the runbook's
 * component order. Trino workers take consecutive ports from `trino.workers.basePort`.
 */
export function configuredPorts(values: LakehouseValues): PortUse[] {
  const out: PortUse[] = [];
  const { observability: obs, minio, icebergCatalog, trino, airflow } = values;
  if (obs.prometheus.enabled) {
    out.push({
      key: 'observability.prometheus.port',
      port: obs.prometheus.port,
      owner: 'prometheus',
    });
  }
  if (obs.alertmanager.enabled) {
    out.push({
      key: 'observability.alertmanager.port',
      port: obs.alertmanager.port,
      owner: 'alertmanager',
    });
  }
  if (obs.prometheus.enabled || obs.alertmanager.enabled) {
    // The supervisor serves its process metrics and the local alert receiver here.
    out.push({
      key: 'observability.supervisorMetrics.port',
      port: obs.supervisorMetrics.port,
      owner: 'supervisor metrics',
    });
  }
  if (nodeExporterRuns(values)) {
    out.push({
      key: 'observability.nodeExporter.port',
      port: obs.nodeExporter.port,
      owner: 'node-exporter',
    });
  }
  if (statsdExporterRuns(values)) {
    out.push({
      key: 'observability.statsdExporter.port',
      port: obs.statsdExporter.port,
      owner: 'statsd-exporter',
    });
    out.push({
      key: 'observability.statsdExporter.statsdPort',
      port: obs.statsdExporter.statsdPort,
      owner: 'statsd-exporter (StatsD, UDP)',
      protocol: 'udp',
    });
  }
  if (minio.enabled) {
    out.push({ key: 'minio.ports.api', port: minio.ports.api, owner: 'minio' });
    out.push({ key: 'minio.ports.console', port: minio.ports.console, owner: 'minio console' });
  }
  if (icebergCatalog.enabled) {
    out.push({ key: 'icebergCatalog.port', port: icebergCatalog.port, owner: 'iceberg catalog' });
  }
  if (trino.enabled) {
    out.push({
      key: 'trino.coordinator.port',
      port: trino.coordinator.port,
      owner: 'trino coordinator',
    });
    for (let i = 0; i < trino.workers.count; i++) {
      out.push({
        key: 'trino.workers.basePort',
        port: trino.workers.basePort + i,
        owner: `trino worker ${i + 1}`,
      });
    }
  }
  if (airflow.enabled) {
    out.push({ key: 'airflow.port', port: airflow.port, owner: 'airflow' });
    out.push({
      key: 'airflow.schedulerHealthPort',
      port: airflow.schedulerHealthPort,
      owner: 'airflow scheduler health',
    });
    out.push({
      key: 'airflow.workerLogServerPort',
      port: airflow.workerLogServerPort,
      owner: 'airflow worker log server',
    });
    out.push({
      key: 'airflow.triggererLogServerPort',
      port: airflow.triggererLogServerPort,
      owner: 'airflow triggerer log server',
    });
  }
  if (values.console.enabled) {
    out.push({ key: 'console.port', port: values.console.port, owner: 'console' });
  }
  return out;
}
