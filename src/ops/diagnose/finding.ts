/** What a rule reports, and the helpers every rule file quotes evidence with. */

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  /** Stable id of the signature, e.g. `crashloop`, `port-held`, `trino-s3-access-denied`. */
  id: string;
  severity: Severity;
  component: string;
  /** The process (or pod) it is about, when it is about one. */
  process?: string;
  title: string;
  /** What was seen: states, log lines, probe answers. */
  evidence: string[];
  cause: string;
  /** A command (or commands, one a line) the user can run. */
  fix: string;
}

/** Log lines quoted as evidence. */
export const EVIDENCE_LOG_LINES = 5;

/** The last `n` non-empty lines, each prefixed `log: ` and cut at 300 characters. */
export function lastLines(lines: string[], n = EVIDENCE_LOG_LINES): string[] {
  return lines
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => `log: ${l.length > 300 ? `${l.slice(0, 299)}…` : l}`);
}
