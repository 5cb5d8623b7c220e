import { configuredPorts, type LakehouseValues } from '../../platform/config/index.js';
import type { ConsolePort } from '../api.js';

/**
 * What each configured port is, by the values key that sets it; `path` when a person opens it in
 * a browser (a UI, or the catalog's /v1/config as its "is it up" page).
 */
const PORT_KINDS: Readonly<Record<string, { name: string; path?: string }>> = {
  'observability.prometheus.port': { name: 'web UI', path: '/' },
  'observability.alertmanager.port': { name: 'web UI', path: '/' },
  'observability.supervisorMetrics.port': { name: 'metrics' },
  'observability.nodeExporter.port': { name: 'metrics' },
  'observability.statsdExporter.port': { name: 'metrics' },
  'observability.statsdExporter.statsdPort': { name: 'StatsD (UDP)' },
  'minio.ports.api': { name: 'S3 API' },
  'minio.ports.console': { name: 'console', path: '/' },
  'icebergCatalog.port': { name: 'REST API', path: '/v1/config' },
  'trino.coordinator.port': { name: 'web UI', path: '/ui/' },
  'trino.workers.basePort': { name: 'HTTP' },
  'airflow.port': { name: 'web UI', path: '/' },
  'airflow.schedulerHealthPort': { name: 'health' },
  'airflow.workerLogServerPort': { name: 'log server' },
  'airflow.triggererLogServerPort': { name: 'log server' },
  'console.port': { name: 'web UI', path: '/' },
};

/**
 * A process's ports, named, with a link for those a person opens. Every local service binds
 * loopback, so links name 127.0.0.1 (the console itself may bind another address).
 */
export function describePorts(
  ports: readonly number[],
  values: LakehouseValues,
  consoleHost = '127.0.0.1',
): ConsolePort[] {
  const uses = configuredPorts(values);
  return ports.map((port) => {
    const use = uses.find((u) => u.port === port && u.protocol !== 'udp');
    const kind = use ? PORT_KINDS[use.key] : undefined;
    if (!kind) return { name: use?.key.split('.').pop() ?? 'port', port };
    if (kind.path === undefined) return { name: kind.name, port };
    const host = use?.key === 'console.port' ? urlHost(consoleHost) : '127.0.0.1';
    return { name: kind.name, port, url: `http://${host}:${port}${kind.path}` };
  });
}

/** An address a browser can use: IPv6 in brackets, the wildcard as loopback. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
