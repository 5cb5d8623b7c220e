/**
 * Which key of `env/<env>/helm-values.yaml` sets what a pod runs with: the charts' knowledge of
 * their own values, so a finding can name the key to change.
 */
import type { LakehouseValues } from '../../../platform/config/index.js';

/**
 * The values key of a pod's `resources`, from its release (`app.kubernetes.io/instance`) and its
 * part in it (`app.kubernetes.io/component`), as platform/<component>/templates use them.
 * Undefined where the values set no resources (node-exporter, statsd-exporter, jobs of other
 * charts).
 */
export function resourcesKeyOf(component: string, role: string | undefined): string | undefined {
  switch (component) {
    case 'minio':
      return role === 'setup' ? undefined : 'minio.resources';
    case 'iceberg-catalog':
      if (role === 'database') return 'postgresql.resources';
      return role === 'catalog' ? 'icebergCatalog.resources' : undefined;
    case 'trino':
      if (role === 'worker') return 'trino.workers.resources';
      return role === 'coordinator' ? 'trino.coordinator.resources' : undefined;
    case 'observability':
      return role === 'prometheus' || role === 'alertmanager' || role === 'grafana'
        ? `observability.${role}.resources`
        : undefined;
    case 'airflow':
      return 'airflow.resources';
    default:
      return undefined;
  }
}

interface ImageSetting {
  repository: string;
  /** The key whose value is the tag the chart renders. */
  tagKey: string;
}

/** Every image the values configure, with the key of its tag. */
function imageSettings(v: LakehouseValues): ImageSetting[] {
  const obs = v.observability;
  const entries: [string, { repository: string; tag: string }, string?][] = [
    ['minio.image', v.minio.image],
    ['icebergCatalog.image', v.icebergCatalog.image],
    ['postgresql.image', v.postgresql.image],
    ['trino.image', v.trino.image, 'trino.version'],
    ['observability.prometheus.image', obs.prometheus.image],
    ['observability.alertmanager.image', obs.alertmanager.image],
    ['observability.nodeExporter.image', obs.nodeExporter.image],
    ['observability.statsdExporter.image', obs.statsdExporter.image],
    ['observability.grafana.image', obs.grafana.image],
    ['airflow.image', v.airflow.image, 'airflow.version'],
    ['airflow.gitSync.image', v.airflow.gitSync.image],
  ];
  return entries.map(([key, image, versionKey]) => ({
    repository: image.repository,
    // An empty tag renders the component's version (trino.version, airflow.version).
    tagKey: image.tag === '' && versionKey ? versionKey : `${key}.tag`,
  }));
}

/** `registry:5000/a/b:1.2@sha256:…` → `registry:5000/a/b`. */
function imagePath(image: string): string {
  const ref = image.split('@')[0] ?? image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

/**
 * The values key of the tag of a container's image: the configured image whose repository the
 * reference ends with (any registry prefix: global.imageRegistry, image.registry or a mirror).
 */
export function imageTagKeyOf(values: LakehouseValues, image: string): string | undefined {
  const path = imagePath(image);
  return imageSettings(values).find(
    (s) => path === s.repository || path.endsWith(`/${s.repository}`),
  )?.tagKey;
}
