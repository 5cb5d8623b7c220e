import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * The alert rule files (Prometheus rule format) and their promtool unit tests, read as data so a
 * test can insist on what promtool does not: every alert carries `severity`, `component`,
 * `summary` and `description`, and has a promtool case where it fires and one where it does not.
 */

const ruleSchema = z.object({
  alert: z.string().optional(),
  record: z.string().optional(),
  expr: z.string(),
  for: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const ruleFileSchema = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(ruleSchema) })),
});

export interface AlertRule {
  /** File name within the rules directory, e.g. `platform.yml`. */
  file: string;
  group: string;
  alert: string;
  expr: string;
  /** `for:` as written; `0s` when absent. */
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const expAlertSchema = z.object({
  exp_labels: z.record(z.string(), z.unknown()).nullish(),
  exp_annotations: z.record(z.string(), z.unknown()).nullish(),
});

const testFileSchema = z.object({
  rule_files: z.array(z.string()),
  tests: z.array(
    z.object({
      alert_rule_test: z
        .array(
          z.object({
            eval_time: z.string(),
            alertname: z.string(),
            exp_alerts: z.array(expAlertSchema).nullish(),
          }),
        )
        .nullish(),
    }),
  ),
});

/** One `alert_rule_test` entry: at `evalTime`, `alertname` is expected firing `firing` times. */
export interface AlertTestCase {
  file: string;
  alertname: string;
  evalTime: string;
  /** How many firing alerts the case expects (0 = the alert must not fire). */
  firing: number;
}

async function yamlFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith('.yml') || n.endsWith('.yaml')).sort();
}

function describeIssues(file: string, error: z.ZodError): string {
  const issues = error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
  return `${file}: ${issues.join('; ')}`;
}

/** Parses one rule file's text into its alerting rules (recording rules are skipped). */
export function parseAlertRules(file: string, text: string): AlertRule[] {
  const parsed = ruleFileSchema.safeParse(parse(text));
  if (!parsed.success) throw new Error(describeIssues(file, parsed.error));
  return parsed.data.groups.flatMap((group) =>
    group.rules.flatMap((rule) =>
      rule.alert === undefined
        ? []
        : [
            {
              file,
              group: group.name,
              alert: rule.alert,
              expr: rule.expr.trim(),
              for: rule.for ?? '0s',
              labels: rule.labels ?? {},
              annotations: rule.annotations ?? {},
            },
          ],
    ),
  );
}

/** Parses one promtool test file's text into its alert test cases. */
export function parseAlertTests(file: string, text: string): AlertTestCase[] {
  const parsed = testFileSchema.safeParse(parse(text));
  if (!parsed.success) throw new Error(describeIssues(file, parsed.error));
  return parsed.data.tests.flatMap((t) =>
    (t.alert_rule_test ?? []).map((c) => ({
      file,
      alertname: c.alertname,
      evalTime: c.eval_time,
      firing: c.exp_alerts?.length ?? 0,
    })),
  );
}

/** Every alerting rule in every `*.yml` of `dir`, in file order. */
export async function loadAlertRules(dir: string): Promise<AlertRule[]> {
  const out: AlertRule[] = [];
  for (const name of await yamlFiles(dir)) {
    out.push(...parseAlertRules(name, await readFile(join(dir, name), 'utf8')));
  }
  return out;
}

/** Every alert test case in every `*.yml` of `dir`. */
export async function loadAlertTests(dir: string): Promise<AlertTestCase[]> {
  const out: AlertTestCase[] = [];
  for (const name of await yamlFiles(dir)) {
    out.push(...parseAlertTests(name, await readFile(join(dir, name), 'utf8')));
  }
  return out;
}

/** Labels and annotations every alert must carry (the issue 6 contract). */
export const REQUIRED_LABELS = ['severity', 'component'] as const;
export const REQUIRED_ANNOTATIONS = ['summary', 'description'] as const;
export const SEVERITIES = ['critical', 'warning'] as const;

/** What is wrong with the rules themselves: one line per problem, empty when all is well. */
export function ruleProblems(rules: AlertRule[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const r of rules) {
    const where = `${r.file}: ${r.alert}`;
    const first = seen.get(r.alert);
    if (first) problems.push(`${where}: alert name already used in ${first}`);
    seen.set(r.alert, r.file);
    for (const key of REQUIRED_LABELS) {
      if (!r.labels[key]?.trim()) problems.push(`${where}: no label ${key}`);
    }
    for (const key of REQUIRED_ANNOTATIONS) {
      if (!r.annotations[key]?.trim()) problems.push(`${where}: no annotation ${key}`);
    }
    const severity = r.labels['severity'];
    if (severity && !(SEVERITIES as readonly string[]).includes(severity)) {
      problems.push(`${where}: severity ${severity} is not one of ${SEVERITIES.join(', ')}`);
    }
    // The description is what an operator does next: it must name a lakehouse command.
    if (r.annotations['description'] && !r.annotations['description'].includes('`lakehouse ')) {
      problems.push(`${where}: the description names no \`lakehouse …\` command to run`);
    }
  }
  return problems;
}

/**
 * Alerts without a promtool case where they fire and one where they do not, and test cases
 * naming an alert no rule defines. One line per problem.
 */
export function coverageProblems(rules: AlertRule[], cases: AlertTestCase[]): string[] {
  const problems: string[] = [];
  const names = new Set(rules.map((r) => r.alert));
  for (const r of rules) {
    const mine = cases.filter((c) => c.alertname === r.alert);
    if (!mine.some((c) => c.firing > 0)) {
      problems.push(`${r.file}: ${r.alert} has no promtool case where it fires`);
    }
    if (!mine.some((c) => c.firing === 0)) {
      problems.push(`${r.file}: ${r.alert} has no promtool case where it does not fire`);
    }
  }
  for (const c of cases) {
    if (!names.has(c.alertname)) {
      problems.push(
        `${c.file}: a case at ${c.evalTime} tests ${c.alertname}, which no rule defines`,
      );
    }
  }
  return problems;
}
