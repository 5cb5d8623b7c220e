import {
  ensureDebianPackages,
  InstallError,
  run,
  type AptOptions,
} from '../../../platform/install/index.js';

/** What an installed observability component is: where its programs are and which version. */
export interface PrometheusInstall {
  binary: string;
  promtool: string;
  /** As the binary reports it: `2.42.0+ds`. */
  version: string;
}

export interface AlertmanagerInstall {
  binary: string;
  /** Debian ships amtool in the same package; used to check rendered configs. */
  amtool: string;
  version: string;
}

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
export const PROMTOOL_BINARY = '/usr/bin/promtool';
export const ALERTMANAGER_BINARY = '/usr/bin/prometheus-alertmanager';
export const AMTOOL_BINARY = '/usr/bin/amtool';
export const NODE_EXPORTER_BINARY = '/usr/bin/prometheus-node-exporter';

const SUDO_HINT = 'sudo apt-get install -y prometheus prometheus-alertmanager';

/** Installs Debian's `prometheus` package on first use; returns its binaries and version. */
export async function ensurePrometheus(opts: AptOptions = {}): Promise<PrometheusInstall> {
  const label = 'Prometheus';
  await ensureDebianPackages(
    {
      label,
      packages: ['prometheus'],
      binaries: [PROMETHEUS_BINARY, PROMTOOL_BINARY],
      sudoHint: SUDO_HINT,
    },
    opts,
  );
  const version = await binaryVersion(label, PROMETHEUS_BINARY);
  opts.onProgress?.(`${label} ${version} (${PROMETHEUS_BINARY})`);
  return { binary: PROMETHEUS_BINARY, promtool: PROMTOOL_BINARY, version };
}

/** Installs Debian's `prometheus-alertmanager` package on first use. */
export async function ensureAlertmanager(opts: AptOptions = {}): Promise<AlertmanagerInstall> {
  const label = 'Alertmanager';
  await ensureDebianPackages(
    {
      label,
      packages: ['prometheus-alertmanager'],
      binaries: [ALERTMANAGER_BINARY, AMTOOL_BINARY],
      sudoHint: SUDO_HINT,
    },
    opts,
  );
  const version = await binaryVersion(label, ALERTMANAGER_BINARY);
  opts.onProgress?.(`${label} ${version} (${ALERTMANAGER_BINARY})`);
  return { binary: ALERTMANAGER_BINARY, amtool: AMTOOL_BINARY, version };
}

export interface NodeExporterInstall {
  binary: string;
  version: string;
}

/** Installs Debian's `prometheus-node-exporter` package (host CPU, memory, disk) on first use. */
export async function ensureNodeExporter(opts: AptOptions = {}): Promise<NodeExporterInstall> {
  const label = 'node-exporter';
  await ensureDebianPackages(
    {
      label,
      packages: ['prometheus-node-exporter'],
      binaries: [NODE_EXPORTER_BINARY],
      sudoHint: 'sudo apt-get install -y prometheus-node-exporter',
    },
    opts,
  );
  const version = await binaryVersion(label, NODE_EXPORTER_BINARY);
  opts.onProgress?.(`${label} ${version} (${NODE_EXPORTER_BINARY})`);
  return { binary: NODE_EXPORTER_BINARY, version };
}

/** Reads "prometheus, version 2.42.0+ds (branch: …)" or "alertmanager, version 0.25.0 (…)". */
export function parseVersionOutput(output: string): string | undefined {
  return /\bversion (\S+)/.exec(output)?.[1];
}

async function binaryVersion(label: string, binary: string): Promise<string> {
  const r = await run(binary, ['--version'], { timeoutMs: 15_000 });
  const version = r.code === 0 ? parseVersionOutput(r.tail) : undefined;
  if (!version) {
    throw new InstallError(
      label,
      `${binary} --version`,
      r.tail,
      'the package is installed but its binary does not run; reinstall it with `apt-get install --reinstall -y prometheus prometheus-alertmanager prometheus-node-exporter`',
    );
  }
  return version;
}
