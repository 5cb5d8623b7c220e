import type { LakehouseValues } from '../../platform/config/index.js';
import type { ProcessStateName, ProcessStatus } from '../../targets/local/process-spec.js';
import type {
  ConsoleAlert,
  ConsoleComponent,
  ConsoleFinding,
  ConsoleOverview,
  ConsoleProcess,
  ConsoleScrapeTarget,
  ProcessState,
} from '../api.js';
import { describePorts } from './ports.js';

/** What a reader got: the data, or why it could not be read. */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** One alert as Alertmanager's API v2 (`GET /api/v2/alerts`) returns it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  status: { state: string };
}

/** One of Prometheus' `GET /api/v1/targets` `activeTargets`. */
export interface PrometheusTarget {
  labels: Record<string, string>;
  health: string;
  lastError: string;
}

/** A diagnose finding (src/ops/diagnose), the fields the console shows. */
export interface DiagnoseFinding {
  severity: ConsoleFinding['severity'];
  component: string;
  title: string;
  evidence: string[];
  fix: string;
}

/** A component the values enable: its name and the version they ask for. */
export interface ExpectedComponent {
  name: string;
  version: string;
}

export interface OverviewInputs {
  env: string;
  now: Date;
  values: LakehouseValues;
  /** The console's own bind address, for its link. */
  consoleHost: string;
  /** Enabled components in the runbook's order, with their versions from the values. */
  expected: ExpectedComponent[];
  processes: Read<ProcessStatus[]>;
  /** Deployed revision per component (components without a release history are absent). */
  revisions: Read<Record<string, number>>;
  alerts: Read<AlertmanagerAlert[]>;
  /** null until the first diagnose run has finished. */
  findings: Read<DiagnoseFinding[]> | null;
  targets: Read<PrometheusTarget[]>;
}

const STATES: Readonly<Record<ProcessStateName, ProcessState>> = {
  starting: 'starting',
  running: 'running',
  // Both mean the process died and is waiting to be started again.
  backoff: 'failed',
  crashloop: 'failed',
  stopping: 'stopped',
  stopped: 'stopped',
};

function toProcess(p: ProcessStatus, inputs: OverviewInputs): ConsoleProcess {
  const running = p.state === 'running' && p.pid !== null;
  return {
    name: p.name,
    state: STATES[p.state] ?? 'unknown',
    healthy: running && p.healthy,
    pid: p.pid,
    uptimeSeconds:
      p.startedAt === null
        ? null
        : Math.max(0, Math.floor((inputs.now.getTime() - p.startedAt) / 1000)),
    restarts: p.restarts,
    ports: describePorts(p.ports, inputs.values, inputs.consoleHost),
  };
}

/**
 * Components in the runbook's order: those the values enable, then any the supervisor runs that
 * they no longer do (still running until the next `up`). Healthy = has processes, all healthy.
 */
function components(inputs: OverviewInputs): ConsoleComponent[] {
  const processes = inputs.processes.ok ? inputs.processes.value : [];
  const revisions = inputs.revisions.ok ? inputs.revisions.value : {};
  const names = [
    ...inputs.expected.map((c) => c.name),
    ...processes.map((p) => p.component).filter((c) => !inputs.expected.some((e) => e.name === c)),
  ];
  return [...new Set(names)].map((name) => {
    const own = processes.filter((p) => p.component === name).map((p) => toProcess(p, inputs));
    const version =
      inputs.expected.find((c) => c.name === name)?.version ??
      processes.find((p) => p.component === name)?.version ??
      '';
    return {
      name,
      healthy: own.length > 0 && own.every((p) => p.healthy),
      version,
      revision: revisions[name] ?? null,
      processes: own,
    };
  });
}

const SEVERITY_ORDER = ['critical', 'warning', 'info'];
const rank = (severity: string): number => {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
};

/**
 * Firing alerts (not silenced or inhibited), most severe first, then oldest. The action is the
 * `action` annotation, else a runbook link, else the description (the platform's rules write
 * what to do there).
 */
export function firingAlerts(alerts: readonly AlertmanagerAlert[]): ConsoleAlert[] {
  return alerts
    .filter((a) => a.status.state === 'active')
    .map((a) => ({
      name: a.labels['alertname'] ?? '',
      severity: a.labels['severity'] ?? 'none',
      summary: a.annotations['summary'] ?? '',
      action:
        a.annotations['action'] ??
        a.annotations['runbook'] ??
        a.annotations['runbook_url'] ??
        a.annotations['description'] ??
        '',
      activeSince: a.startsAt,
    }))
    .sort(
      (x, y) => rank(x.severity) - rank(y.severity) || x.activeSince.localeCompare(y.activeSince),
    );
}

export function scrapeTargets(targets: readonly PrometheusTarget[]): ConsoleScrapeTarget[] {
  return targets
    .map((t): ConsoleScrapeTarget => ({
      job: t.labels['job'] ?? '',
      instance: t.labels['instance'] ?? '',
      health: t.health === 'up' || t.health === 'down' ? t.health : 'unknown',
      lastError: t.lastError,
    }))
    .sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

/** The overview from what the readers got; a part that failed is an `errors` entry. Pure. */
export function assembleOverview(inputs: OverviewInputs): ConsoleOverview {
  const errors: ConsoleOverview['errors'] = [];
  if (!inputs.processes.ok) errors.push({ part: 'components', message: inputs.processes.error });
  if (!inputs.revisions.ok) {
    errors.push({ part: 'components', message: `release history: ${inputs.revisions.error}` });
  }
  if (!inputs.alerts.ok) errors.push({ part: 'alerts', message: inputs.alerts.error });
  if (inputs.findings === null) {
    errors.push({ part: 'findings', message: 'diagnose has not finished its first run yet' });
  } else if (!inputs.findings.ok) {
    errors.push({ part: 'findings', message: inputs.findings.error });
  }
  if (!inputs.targets.ok) errors.push({ part: 'targets', message: inputs.targets.error });

  return {
    env: inputs.env,
    generatedAt: inputs.now.toISOString(),
    components: components(inputs),
    alerts: inputs.alerts.ok ? firingAlerts(inputs.alerts.value) : [],
    findings:
      inputs.findings?.ok === true
        ? [...inputs.findings.value]
            .sort((a, b) => rank(a.severity) - rank(b.severity))
            .map((f) => ({
              severity: f.severity,
              title: f.title,
              evidence: f.evidence,
              fix: f.fix,
            }))
        : [],
    targets: inputs.targets.ok ? scrapeTargets(inputs.targets.value) : [],
    errors,
  };
}
