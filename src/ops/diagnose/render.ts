import type { Finding, Severity } from './rules.js';

const MARK: Record<Severity, string> = { critical: '✗', warning: '!', info: 'i' };

/** Findings as the terminal shows them; "No problems found" when there are none. */
export function renderFindings(findings: Finding[], scope?: string): string {
  if (findings.length === 0) {
    return `✔ No problems found${scope ? ` in ${scope}` : ''}\n`;
  }
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${MARK[f.severity]} ${f.severity.toUpperCase()} [${f.component}] ${f.title}`);
    for (const line of f.evidence) out.push(`    evidence: ${line}`);
    out.push(`    cause:    ${f.cause}`);
    const [first, ...rest] = f.fix.split('\n');
    out.push(`    fix:      ${first ?? ''}`);
    for (const line of rest) out.push(`              ${line}`);
    out.push('');
  }
  const critical = findings.filter((f) => f.severity === 'critical').length;
  out.push(
    `${findings.length} ${findings.length === 1 ? 'finding' : 'findings'}, ${critical} critical`,
  );
  return `${out.join('\n')}\n`;
}
