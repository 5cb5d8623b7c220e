import type { Evidence } from './evidence.js';
import { diagnoseExitCode, evaluateRules, type Finding } from './rules.js';
import type { DiagnoseTarget } from './target.js';

export interface DiagnoseResult {
  findings: Finding[];
  evidence: Evidence;
  /** 0 when nothing is critical, 1 otherwise. */
  exitCode: number;
}

/** The runbook's troubleshooting decision tree: gather the evidence, match the signatures. */
export async function runDiagnose(
  target: DiagnoseTarget,
  opts: { component?: string } = {},
): Promise<DiagnoseResult> {
  const evidence = await target.collectEvidence(opts.component);
  const findings = evaluateRules(
    opts.component ? { ...evidence, scope: opts.component } : evidence,
  );
  return { findings, evidence, exitCode: diagnoseExitCode(findings) };
}
