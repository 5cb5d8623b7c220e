import type { Component } from '../../../ops/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { errorText, type ClusterConnection } from '../cluster/index.js';

/** The runbook's verification of a component: one HTTP request to its Service. */
export interface ServiceProbe {
  /** Service name and port, as the API server's proxy addresses it: `trino:8080`. */
  service: string;
  path: string;
  /** What the answer must contain. */
  expect: RegExp;
  what: string;
}

/** The runbook's checks per component (its `curl` lines), by Service (names fixed by the charts). */
export function serviceProbes(component: Component, values: LakehouseValues): ServiceProbe[] {
  switch (component) {
    case 'minio':
      return [
        {
          service: `minio:${values.minio.ports.api}`,
          path: 'minio/health/live',
          expect: /^/,
          what: 'MinIO is live',
        },
      ];
    case 'iceberg-catalog':
      return [
        {
          service: `iceberg-catalog:${values.icebergCatalog.port}`,
          path: 'v1/config',
          expect: /"defaults"|"overrides"/,
          what: 'the catalog answers GET /v1/config',
        },
      ];
    case 'trino':
      return [
        {
          service: `trino:${values.trino.coordinator.port}`,
          path: 'v1/info',
          expect: /"starting"\s*:\s*false/,
          what: 'the Trino coordinator has started',
        },
      ];
    case 'airflow':
      return [
        {
          // The chart's Service listens on 8080 whatever airflow.port says (the runbook's
          // airflow-webserver:8080).
          service: 'airflow-webserver:8080',
          path: 'api/v2/monitor/health',
          expect: /"metadatabase"/,
          what: "Airflow's API server reports its health",
        },
      ];
    case 'observability':
      return values.observability.prometheus.enabled
        ? [
            {
              service: `prometheus-operated:${values.observability.prometheus.port}`,
              path: '-/ready',
              expect: /Ready/i,
              what: 'Prometheus is ready',
            },
          ]
        : [];
  }
}

/** Sends a probe through the API server's service proxy (no port-forward, no cluster DNS needed). */
export async function probeService(
  c: ClusterConnection,
  namespace: string,
  probe: ServiceProbe,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const body = await c.core.connectGetNamespacedServiceProxyWithPath({
      name: probe.service,
      namespace,
      path: probe.path,
    });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return probe.expect.test(text)
      ? { ok: true, detail: probe.what }
      : { ok: false, detail: `${probe.service}/${probe.path} answered ${text.slice(0, 200)}` };
  } catch (err) {
    return { ok: false, detail: `${probe.service}/${probe.path}: ${errorText(err)}` };
  }
}
