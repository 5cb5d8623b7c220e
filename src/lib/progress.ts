/**
 * How long-running work reports its steps, without knowing where they are shown: the CLI renders
 * them on a terminal (src/cli/progress.ts); tests may collect them.
 */
export interface Step {
  /** Replaces the live line's detail, e.g. "still building… (1m30s)". */
  update(detail: string): void;
  done(message?: string): void;
  info(message: string): void;
  warn(message: string): void;
  fail(message: string): void;
}

export interface Progress {
  step(label: string): Step;
  line(text: string): void;
}
