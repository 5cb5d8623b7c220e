import { join } from 'node:path';
import {
  cacheRoot,
  ensureGoBuild,
  type GoBuild,
  type InstallOptions,
} from '../../../platform/install/index.js';
import { versions } from '../../../platform/versions.js';

/** A Go program of the local target, built with `go install module@version`. */
interface GoComponent {
  /** Shown to users: "MinIO". */
  label: string;
  /** Cache sub-directory and binary name. */
  name: string;
  module: string;
  version: string;
  minGo: [number, number];
  coldEstimate: string;
}

const minio: GoComponent = {
  label: 'MinIO',
  name: 'minio',
  ...versions.minio,
  minGo: [1, 24],
  coldEstimate: '~3-6 min',
};

const mc: GoComponent = {
  label: 'MinIO client (mc)',
  name: 'mc',
  ...versions.mc,
  minGo: [1, 23],
  coldEstimate: '~2 min',
};

const statsdExporter: GoComponent = {
  label: 'statsd_exporter',
  name: 'statsd_exporter',
  ...versions.statsdExporter,
  minGo: [1, 22],
  coldEstimate: '~1-2 min',
};

const GO_COMPONENTS = { minio, mc, statsd_exporter: statsdExporter } as const;
export type GoComponentName = keyof typeof GO_COMPONENTS;

/** Builds (once) and returns the path of Prometheus' statsd_exporter (Airflow's metrics). */
export async function ensureStatsdExporter(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(statsdExporter, opts);
}

/** Builds (once) and returns the path of the MinIO server binary. */
export async function ensureMinio(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(minio, opts);
}

/** Builds (once) and returns the path of the MinIO client binary. */
export async function ensureMc(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBinary(mc, opts);
}

/** Where a component's binary lives in the cache: `<cache>/<name>/<version>/bin/<name>`. */
export function goBinaryPath(component: GoComponentName, cacheDir = cacheRoot()): string {
  const c = GO_COMPONENTS[component];
  return join(cacheDir, c.name, c.version, 'bin', c.name);
}

async function ensureGoBinary(c: GoComponent, opts: InstallOptions): Promise<string> {
  const target = `${c.module}@${c.version}`;
  const build: GoBuild = {
    label: c.label,
    name: c.name,
    version: c.version,
    binary: join(opts.cacheDir ?? cacheRoot(), c.name, c.version, 'bin', c.name),
    minGo: c.minGo,
    coldEstimate: c.coldEstimate,
    step: `go install ${target}`,
    goArgs: () => ['install', target],
  };
  return ensureGoBuild(build, opts);
}
