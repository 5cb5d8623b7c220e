import type { LakehouseValues } from '../../../platform/config/index.js';

export interface Endpoint {
  component: string;
  what: string;
  url: string;
}

/** The UI and API addresses `up` prints, for the enabled components. */
export function platformEndpoints(values: LakehouseValues): Endpoint[] {
  const out: Endpoint[] = [];
  const url = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;
  const obs = values.observability;
  if (obs.prometheus.enabled)
    out.push({ component: 'prometheus', what: 'Prometheus', url: url(obs.prometheus.port) });
  if (obs.alertmanager.enabled)
    out.push({ component: 'alertmanager', what: 'Alertmanager', url: url(obs.alertmanager.port) });
  if (values.minio.enabled) {
    out.push({ component: 'minio', what: 'MinIO S3 API', url: url(values.minio.ports.api) });
    out.push({ component: 'minio', what: 'MinIO console', url: url(values.minio.ports.console) });
  }
  if (values.icebergCatalog.enabled) {
    out.push({
      component: 'iceberg-catalog',
      what: 'Iceberg REST catalog',
      url: url(values.icebergCatalog.port),
    });
  }
  if (values.trino.enabled)
    out.push({
      component: 'trino',
      what: 'Trino (UI and API)',
      url: url(values.trino.coordinator.port),
    });
  if (values.airflow.enabled)
    out.push({ component: 'airflow', what: 'Airflow (UI and API)', url: url(values.airflow.port) });
  if (values.console.enabled)
    out.push({ component: 'console', what: 'Lakehouse console', url: consoleUrl(values) });
  return out;
}

/** The console's address as a browser opens it (the wildcard address: through loopback). */
export function consoleUrl(values: LakehouseValues): string {
  const { host, port } = values.console;
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}/`;
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect, so no token is needed. */
export function isLoopbackHost(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === 'localhost';
}
