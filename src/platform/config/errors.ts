/** One thing wrong with an environment's configuration, in the terms the user has to act on. */
export interface ConfigProblem {
  /** The file to edit (relative to the repository when inside it). */
  file: string;
  /** Dotted key path, `trino.workers.count`; empty for the file as a whole. */
  key: string;
  /** What is wrong: "is 40", "is not a known key", "YAML syntax error at line 3, column 5: …". */
  problem: string;
  /** What is allowed: "an integer from 0 to 64". */
  allowed: string;
  /** What to do about it. */
  fix: string;
}

/**
 * Every problem found in an environment's configuration, reported at once, before anything
 * starts or changes. The message is complete on its own: the CLI prints it as it is.
 */
export class ConfigError extends Error {
  constructor(
    readonly env: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatProblems(env, problems));
    this.name = 'ConfigError';
  }
}

export function formatProblems(env: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = [`invalid configuration for environment "${env}" (${count}):`];
  for (const p of problems) {
    const where = p.key ? `${p.file}: ${p.key}` : p.file;
    lines.push(`  ${where} ${p.problem}`, `    allowed: ${p.allowed}`, `    fix: ${p.fix}`);
  }
  return lines.join('\n');
}
