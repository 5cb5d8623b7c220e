/**
 * `<stateDir>/install-failures.json`: the install steps of `up` that failed last, so `diagnose`
 * can say why a component is not installed (the local ImagePullBackOff). A step's record is
 * removed when the step next succeeds.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstallFailureRecord {
  component: string;
  /** The step as `up` shows it, e.g. `Trino 999 server`. */
  step: string;
  /** The error's first lines (installer errors name the step and the fix). */
  error: string;
  /** ISO time. */
  at: string;
}

const MAX_ERROR_CHARS = 2_000;

export function installFailuresFile(stateDir: string): string {
  return join(stateDir, 'install-failures.json');
}

export function readInstallFailures(stateDir: string): InstallFailureRecord[] {
  try {
    const value = JSON.parse(readFileSync(installFailuresFile(stateDir), 'utf8')) as unknown;
    return Array.isArray(value) ? (value as InstallFailureRecord[]) : [];
  } catch {
    return [];
  }
}

function write(stateDir: string, records: InstallFailureRecord[]): void {
  mkdirSync(stateDir, { recursive: true });
  const file = installFailuresFile(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(records, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Records (replacing any earlier record of the same step) that an install step failed. */
export function recordInstallFailure(
  stateDir: string,
  component: string,
  step: string,
  error: unknown,
): void {
  const message = error instanceof Error ? error.message : String(error);
  const records = readInstallFailures(stateDir).filter((r) => r.step !== step);
  records.push({
    component,
    step,
    error: message.slice(0, MAX_ERROR_CHARS),
    at: new Date().toISOString(),
  });
  write(stateDir, records);
}

/** Forgets a step's failure after it succeeded (no write when there was none). */
export function clearInstallFailure(stateDir: string, step: string): void {
  const records = readInstallFailures(stateDir);
  const left = records.filter((r) => r.step !== step);
  if (left.length !== records.length) write(stateDir, left);
}

/** Forgets every failure: all install steps just succeeded. */
export function clearInstallFailures(stateDir: string): void {
  if (readInstallFailures(stateDir).length > 0) write(stateDir, []);
}

/** An install step as `installSteps` builds it (prepare.ts). */
interface RecordedStep {
  component: string;
  label: string;
  run(onProgress: (line: string) => void): Promise<void>;
}

/**
 * Runs one install step and keeps install-failures.json current: `up` and the release target's
 * deploys (upgrade, rollback, scale) both install through here, so `diagnose` sees either's
 * failure.
 */
export async function runInstallStep(
  stateDir: string,
  step: RecordedStep,
  onProgress: (line: string) => void,
): Promise<void> {
  try {
    await step.run(onProgress);
  } catch (err) {
    recordInstallFailure(stateDir, step.component, step.label, err);
    throw err;
  }
  clearInstallFailure(stateDir, step.label);
}
