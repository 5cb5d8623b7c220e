import { createHash } from 'node:crypto';
import type { LakehouseValues } from '../../platform/config/index.js';

/** The platform's components, in the runbook's upgrade order. */
export type Component = 'observability' | 'minio' | 'iceberg-catalog' | 'trino' | 'airflow';

export const COMPONENTS: readonly Component[] = [
  'observability',
  'minio',
  'iceberg-catalog',
  'trino',
  'airflow',
];

export const isComponent = (name: string): name is Component =>
  (COMPONENTS as readonly string[]).includes(name);

export type ReleaseAction = 'install' | 'upgrade' | 'rollback' | 'scale';
/**
 * `pending` while a command applies the revision (like Helm's pending-upgrade); one still pending
 * when the next command starts was interrupted, and is recorded failed then.
 */
export type ReleaseStatus = 'pending' | 'deployed' | 'superseded' | 'failed' | 'rolled-back';

/** A JSON object: one component's section of the values. */
export type Settings = Record<string, unknown>;

/**
 * One revision of a component, like a Helm release revision: what was deployed (settings,
 * version, replicas), how (action) and how it ended (status).
 */
export interface Release {
  component: Component;
  revision: number;
  version: string;
  /** sha256 of the canonical JSON of `settings`. */
  configDigest: string;
  settings: Settings;
  /** Trino workers; kept out of settings and digest, like `kubectl scale` beside Helm values. */
  replicas?: number;
  action: ReleaseAction;
  status: ReleaseStatus;
  startedAt: string;
  finishedAt: string;
  description: string;
}

/** JSON with object keys sorted at every level: equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function settingsDigest(settings: Settings): string {
  return `sha256:${createHash('sha256').update(canonicalJson(settings)).digest('hex')}`;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The values section that holds each component's settings. */
export const VALUES_SECTION = {
  observability: 'observability',
  minio: 'minio',
  'iceberg-catalog': 'icebergCatalog',
  trino: 'trino',
  airflow: 'airflow',
} as const satisfies Record<Component, keyof LakehouseValues>;

/**
 * A component's settings from the values: its own section, without the Trino worker count
 * (that is the release's `replicas`).
 */
export function settingsOf(component: Component, values: LakehouseValues): Settings {
  const settings = clone(values[VALUES_SECTION[component]]) as Settings;
  if (component === 'trino') delete (settings['workers'] as Record<string, unknown>)['count'];
  return settings;
}

/** Trino's worker count from the values; undefined for other components. */
export function replicasOf(component: Component, values: LakehouseValues): number | undefined {
  return component === 'trino' ? values.trino.workers.count : undefined;
}

/** Whether the values run the component at all (`enabled`, or any observability part). */
export function isEnabled(component: Component, values: LakehouseValues): boolean {
  switch (component) {
    case 'observability':
      return values.observability.prometheus.enabled || values.observability.alertmanager.enabled;
    case 'minio':
      return values.minio.enabled;
    case 'iceberg-catalog':
      return values.icebergCatalog.enabled;
    case 'trino':
      return values.trino.enabled;
    case 'airflow':
      return values.airflow.enabled;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The version a release names: the component's `version` setting(s). */
export function versionOf(component: Component, settings: Settings): string {
  switch (component) {
    case 'observability': {
      const p = settings['prometheus'] as Settings | undefined;
      const a = settings['alertmanager'] as Settings | undefined;
      return `prometheus ${str(p?.['version'])}, alertmanager ${str(a?.['version'])}`;
    }
    case 'iceberg-catalog':
      // Our own service: it ships with the CLI.
      return 'lakehouse';
    default:
      return str(settings['version']);
  }
}

/** What the environment's values ask of a component: its settings, version and replicas. */
export function desiredSpec(
  component: Component,
  values: LakehouseValues,
): { settings: Settings; version: string; replicas?: number } {
  const settings = settingsOf(component, values);
  const replicas = replicasOf(component, values);
  return {
    settings,
    version: versionOf(component, settings),
    ...(replicas !== undefined ? { replicas } : {}),
  };
}

/** A release's settings and replicas written back into the values (the inverse of settingsOf). */
export function withSettings(
  values: LakehouseValues,
  component: Component,
  settings: Settings,
  replicas: number | undefined,
): LakehouseValues {
  const out = clone(values);
  const s = clone(settings);
  if (component === 'trino') {
    const workers = s['workers'] as Record<string, unknown>;
    s['workers'] = { ...workers, count: replicas ?? values.trino.workers.count };
  }
  // The section's shape is the schema's: settings were taken from (or validated as) this section.
  (out as Record<string, unknown>)[VALUES_SECTION[component]] = s;
  return out;
}
