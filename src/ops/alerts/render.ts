import type { AlertmanagerAlert } from './client.js';

/**
 * What `lakehouse alerts` shows: each alert firing now, most severe and oldest first, with the
 * summary and the action text (the rule's `description`, the runbook's Action column).
 */

export interface FiringAlert {
  severity: string;
  alertname: string;
  component: string;
  /** `active`, or why it is muted: `silenced`, `inhibited` (only listed with --all). */
  state: 'active' | 'silenced' | 'inhibited' | 'unprocessed';
  /** ISO time the alert started firing. */
  since: string;
  summary: string;
  action: string;
  labels: Record<string, string>;
  fingerprint: string;
}

const SEVERITY_ORDER = ['critical', 'warning', 'info'];

function rank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

function stateOf(a: AlertmanagerAlert): FiringAlert['state'] {
  if (a.status.silencedBy.length > 0) return 'silenced';
  if (a.status.inhibitedBy.length > 0) return 'inhibited';
  return a.status.state === 'unprocessed' ? 'unprocessed' : 'active';
}

/** Alertmanager's alerts as the CLI shows them, sorted: critical first, then oldest first. */
export function toFiringAlerts(alerts: AlertmanagerAlert[]): FiringAlert[] {
  return alerts
    .map((a) => ({
      severity: a.labels['severity'] ?? 'none',
      alertname: a.labels['alertname'] ?? '(unnamed)',
      component: a.labels['component'] ?? a.labels['job'] ?? '-',
      state: stateOf(a),
      since: a.startsAt,
      summary: a.annotations['summary'] ?? '',
      action: a.annotations['description'] ?? '',
      labels: a.labels,
      fingerprint: a.fingerprint,
    }))
    .sort(
      (x, y) =>
        rank(x.severity) - rank(y.severity) ||
        Date.parse(x.since) - Date.parse(y.since) ||
        x.alertname.localeCompare(y.alertname) ||
        x.fingerprint.localeCompare(y.fingerprint),
    );
}

/** `3m ago`, `2h5m ago`, `1d4h ago` from two instants. */
export function ago(sinceIso: string, now: Date): string {
  const since = Date.parse(sinceIso);
  if (Number.isNaN(since)) return '';
  const s = Math.max(0, Math.floor((now.getTime() - since) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${m % 60 ? `${m % 60}m` : ''} ago`;
  const d = Math.floor(h / 24);
  return `${d}d${h % 24 ? `${h % 24}h` : ''} ago`;
}

/** `2026-11-23 23:40:01 UTC`. */
export function utcTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(
    new Date(Date.parse(iso)).toISOString(),
  );
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** Breaks text into lines of at most `width` characters at spaces (longer words stay whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const ICON: Record<string, string> = { critical: '✗', warning: '⚠' };

/**
 * The text listing:
 *
 *     2 alerts firing: 1 critical, 1 warning
 *
 *     ✗ critical  PodDown  component minio  since 2026-11-23 23:40:01 UTC (3m ago)
 *       Process minio (minio) is down
 *       Action: minio has had no running process for 1 minute. Investigate its log with …
 */
export function renderAlerts(alerts: FiringAlert[], now: Date, width = 100): string {
  if (alerts.length === 0) return 'No alerts firing\n';
  const counts = new Map<string, number>();
  for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
  const bySeverity = [...counts.entries()]
    .sort((x, y) => rank(x[0]) - rank(y[0]))
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  const noun = alerts.length === 1 ? 'alert' : 'alerts';
  const out = [`${alerts.length} ${noun} firing: ${bySeverity}`];
  for (const a of alerts) {
    const muted = a.state === 'active' ? '' : `  [${a.state}]`;
    out.push(
      '',
      `${ICON[a.severity] ?? '•'} ${a.severity}  ${a.alertname}  component ${a.component}  since ${utcTime(a.since)} (${ago(a.since, now)})${muted}`,
    );
    if (a.summary) out.push(`  ${a.summary}`);
    if (a.action) {
      const lines = wrap(`Action: ${a.action}`, width - 2);
      out.push(...lines.map((l, i) => (i === 0 ? `  ${l}` : `    ${l}`)));
    }
  }
  return `${out.join('\n')}\n`;
}
