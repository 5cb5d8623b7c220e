/**
 * The `tofu` commands behind `lakehouse infra`, and how their machine-readable output is read:
 * the argument lists (the runbook's `cd infra; terraform plan -var-file=../env/<env>/...`, as
 * `-chdir=infra`), tofu's JSON diagnostics (`-json` / `-json-into`, OpenTofu 1.12+), the plan's
 * change summary and the version check. Pure.
 */
import type { ConfigProblem } from '../config/index.js';
import { tfvarsFile } from './env.js';

/** The root module that provisions the cluster, relative to the repository. */
export const INFRA_DIR = 'infra';
/** The offline root that checks an environment's tfvars (no provider to download). */
export const CHECKS_DIR = 'infra/checks';

/** OpenTofu's `-json-into` (human output on the terminal, JSON into a file) arrived in 1.12. */
export const MIN_TOFU: [number, number] = [1, 12];

/**
 * Argument lists, run with the repository as the working directory. `-chdir` applies before
 * anything else, so the var file is relative to the root module, exactly as in the runbook.
 */
export const tofuArgs = {
  checksInit: (): string[] => [`-chdir=${CHECKS_DIR}`, 'init', '-input=false', '-no-color'],
  /** JSON on stdout: every diagnostic with its file, line and the offending value. */
  checksPlan: (env: string): string[] => [
    `-chdir=${CHECKS_DIR}`,
    'plan',
    '-input=false',
    '-lock=false',
    '-json',
    `-var-file=../../${tfvarsFile(env)}`,
    `-var=expected_environment=${env}`,
  ],
  init: (o: Output): string[] => [`-chdir=${INFRA_DIR}`, 'init', '-input=false', ...outputFlags(o)],
  /** State is kept per environment: one workspace each, named after it. */
  workspace: (env: string): string[] => [
    `-chdir=${INFRA_DIR}`,
    'workspace',
    'select',
    '-or-create=true',
    '-no-color',
    env,
  ],
  plan: (env: string, o: Output & { out?: string }): string[] => [
    `-chdir=${INFRA_DIR}`,
    'plan',
    '-input=false',
    `-var-file=../${tfvarsFile(env)}`,
    ...(o.out ? [`-out=${o.out}`] : []),
    ...outputFlags(o),
  ],
  /** Applies exactly the saved plan the user confirmed, nothing re-planned. */
  apply: (planFile: string, o: Output): string[] => [
    `-chdir=${INFRA_DIR}`,
    'apply',
    '-input=false',
    ...outputFlags(o),
    planFile,
  ],
};

/** Where a command's JSON goes beside its human output, and whether that output has colour. */
export interface Output {
  jsonInto: string;
  color: boolean;
}

const outputFlags = (o: Output): string[] => [
  `-json-into=${o.jsonInto}`,
  ...(o.color ? [] : ['-no-color']),
];

/** One of tofu's diagnostics, as its JSON output reports it. */
export interface TofuDiagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail: string;
  /** The file as tofu names it (relative to the root module it ran in) and the line. */
  file?: string;
  line?: number;
  /** The source line the diagnostic points at. */
  code?: string;
  /** What the expression's variables held: `var.node_count` → `is 0`. */
  values: { traversal: string; statement: string }[];
}

interface JsonDiagnostic {
  severity?: unknown;
  summary?: unknown;
  detail?: unknown;
  range?: { filename?: unknown; start?: { line?: unknown } };
  snippet?: { code?: unknown; values?: { traversal?: unknown; statement?: unknown }[] };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The diagnostics in tofu's JSON lines output; other messages and non-JSON lines are skipped. */
export function parseDiagnostics(jsonLines: string): TofuDiagnostic[] {
  const out: TofuDiagnostic[] = [];
  for (const msg of jsonMessages(jsonLines)) {
    if (msg['type'] !== 'diagnostic') continue;
    const d = msg['diagnostic'] as JsonDiagnostic | undefined;
    if (!d || (d.severity !== 'error' && d.severity !== 'warning')) continue;
    const line = d.range?.start?.line;
    out.push({
      severity: d.severity,
      summary: str(d.summary),
      detail: str(d.detail),
      ...(typeof d.range?.filename === 'string' ? { file: d.range.filename } : {}),
      ...(typeof line === 'number' ? { line } : {}),
      ...(typeof d.snippet?.code === 'string' ? { code: d.snippet.code } : {}),
      values: (d.snippet?.values ?? []).map((v) => ({
        traversal: str(v.traversal),
        statement: str(v.statement),
      })),
    });
  }
  return out;
}

function* jsonMessages(jsonLines: string): Generator<Record<string, unknown>> {
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed && typeof parsed === 'object') yield parsed as Record<string, unknown>;
    } catch {
      // A line cut short (tofu killed mid-write): nothing to read from it.
    }
  }
}

/** The names `variable "<name>"` declares in infra/variables.tf. */
export function declaredVariables(variablesTf: string): string[] {
  return [...variablesTf.matchAll(/^variable\s+"([A-Za-z0-9_-]+)"/gm)].map((m) => m[1] as string);
}

/**
 * The problems of an environment's tfvars, from the diagnostics of the offline check's plan, in
 * the terms of `lakehouse check`: file, key, what is wrong, what is allowed, the fix. tofu only
 * warns about a value for an undeclared variable; here that is a problem, since it is a typo
 * or a setting infra/ would silently ignore.
 */
export function tfvarsProblems(
  env: string,
  diagnostics: readonly TofuDiagnostic[],
  declared: readonly string[],
): ConfigProblem[] {
  const file = tfvarsFile(env);
  const problems: ConfigProblem[] = [];
  for (const d of diagnostics) {
    // Summaries are tofu's fixed diagnostic titles; the variable a diagnostic is about is in its
    // snippet, or (for the two without one) named in quotes in its detail.
    if (d.summary === 'Value for undeclared variable') {
      const key = /variable named "([^"]+)"/.exec(d.detail)?.[1] ?? '';
      problems.push({
        file,
        key,
        problem: 'is not a variable of infra/, so it would be ignored',
        allowed: `one of ${declared.join(', ')}`,
        fix: 'correct the name (a typo?), or remove it',
      });
      continue;
    }
    if (d.severity !== 'error') continue;
    if (d.summary === 'Invalid value for variable') {
      const key = variableOf(d);
      const value = d.values.find((v) => v.traversal === `var.${key}`)?.statement;
      problems.push({
        file,
        key,
        problem: value ?? 'has an invalid value',
        allowed: firstParagraph(d.detail),
        fix: `change ${key} in ${file} (the rule is in infra/variables.tf)`,
      });
    } else if (d.summary === 'No value for required variable') {
      const key = variableOf(d) || (/variable "([^"]+)" is not set/.exec(d.detail)?.[1] ?? '');
      problems.push({
        file,
        key,
        problem: 'is missing',
        allowed: 'a value: infra/variables.tf declares it with no default',
        fix: `add ${key} = <value> to ${file} (its description is in infra/variables.tf)`,
      });
    } else if (d.summary === 'Resource precondition failed') {
      // infra/checks' only precondition: environment names the folder the file is in.
      const value = d.values.find((v) => v.traversal === 'var.environment')?.statement;
      problems.push({
        file,
        key: 'environment',
        problem: value ?? 'does not name this environment',
        allowed: `"${env}" in ${file}`,
        fix: `set environment = "${env}"`,
      });
    } else if (d.file?.endsWith(file)) {
      problems.push({
        file,
        key: '',
        problem: `${d.summary} at line ${d.line ?? '?'}${d.code ? ` (${d.code.trim()})` : ''}: ${firstParagraph(d.detail)}`,
        allowed: 'one `name = value` per line (HCL)',
        fix: `correct line ${d.line ?? '?'} of ${file}`,
      });
    } else {
      problems.push({
        file: d.file ? `${CHECKS_DIR}/${d.file}` : file,
        key: '',
        problem: `${d.summary}${d.line ? ` at line ${d.line}` : ''}: ${firstParagraph(d.detail)}`,
        allowed: 'a configuration tofu accepts',
        fix: 'fix the error above (run `tofu -chdir=infra/checks plan` for its full output)',
      });
    }
  }
  return problems;
}

function variableOf(d: TofuDiagnostic): string {
  return /variable\s+"([^"]+)"/.exec(d.code ?? '')?.[1] ?? '';
}

function firstParagraph(text: string): string {
  return (text.split('\n\n')[0] ?? '').replace(/\s+/g, ' ').trim();
}

/** Why `tofu init` failed, when the JSON says it could not get a provider. */
export function providerInstallFailure(diagnostics: readonly TofuDiagnostic[]): string | undefined {
  // init reports each provider it cannot query, resolve or install under a fixed summary that
  // names providers ("Failed to query available provider packages", "Failed to install
  // provider", ...); there is no other typed signal for it.
  const d = diagnostics.find((x) => x.severity === 'error' && /provider/i.test(x.summary));
  return d ? `${d.summary}: ${firstParagraph(d.detail)}` : undefined;
}

/** What to do when init cannot download providers: give tofu a local copy of them. */
export const PROVIDER_MIRROR_HELP = [
  'this machine cannot download the providers infra/ needs (hashicorp/aws); give tofu a local copy:',
  '    1. on a machine with internet access: tofu -chdir=infra providers mirror /path/to/mirror',
  '    2. copy /path/to/mirror here, and write a CLI config file (e.g. ~/.tofurc-mirror) holding',
  '         provider_installation { filesystem_mirror { path = "/path/to/mirror" } }',
  '    3. run again with TF_CLI_CONFIG_FILE=~/.tofurc-mirror (see infra/README.md, "Offline")',
].join('\n');

export interface ChangeSummary {
  add: number;
  change: number;
  remove: number;
}

/** The plan's `change_summary` message: how many resources it adds, changes and destroys. */
export function planChangeSummary(jsonLines: string): ChangeSummary | undefined {
  let summary: ChangeSummary | undefined;
  for (const msg of jsonMessages(jsonLines)) {
    if (msg['type'] !== 'change_summary') continue;
    const c = msg['changes'] as Partial<Record<keyof ChangeSummary, unknown>> | undefined;
    const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
    summary = { add: n(c?.add), change: n(c?.change), remove: n(c?.remove) };
  }
  return summary;
}

export const hasChanges = (s: ChangeSummary): boolean => s.add + s.change + s.remove > 0;

export const describeChanges = (s: ChangeSummary): string =>
  `${s.add} to add, ${s.change} to change, ${s.remove} to destroy`;

/**
 * `major.minor` from `tofu version -json`. Its stdout can start with warnings (a missing
 * TF_CLI_CONFIG_FILE is reported there), so the JSON object is read from its first brace.
 */
export function tofuVersion(versionJson: string): [number, number] | undefined {
  try {
    const json = versionJson.slice(versionJson.indexOf('{'), versionJson.lastIndexOf('}') + 1);
    const v = (JSON.parse(json) as { terraform_version?: unknown }).terraform_version;
    const m = /^(\d+)\.(\d+)\./.exec(typeof v === 'string' ? v : '');
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  } catch {
    return undefined;
  }
}

export const tofuNewEnough = (v: [number, number]): boolean =>
  v[0] > MIN_TOFU[0] || (v[0] === MIN_TOFU[0] && v[1] >= MIN_TOFU[1]);
