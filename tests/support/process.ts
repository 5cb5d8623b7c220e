import type { ChildProcess } from 'node:child_process';

/** Keeps the last `maxChars` of a child's stdout and stderr for error messages and `logs()`. */
export class OutputBuffer {
  private text = '';
  constructor(
    private readonly secrets: string[] = [],
    private readonly maxChars = 200_000,
  ) {}

  attach(child: ChildProcess): void {
    const add = (chunk: Buffer): void => {
      this.text += chunk.toString('utf8');
      if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
  }

  /** The output with every secret replaced, so it can be printed in a failing test. */
  toString(): string {
    let out = this.text;
    for (const s of this.secrets) if (s) out = out.split(s).join('<redacted>');
    return out;
  }

  tail(lines = 40): string {
    return this.toString().split('\n').slice(-lines).join('\n');
  }
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<ExitStatus> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Sends `signal`, then SIGKILL if the child is still alive after `graceMs`. */
export async function terminate(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<ExitStatus> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills `child` if the test process exits without stopping it (a failed assertion, a crashed
 * worker), so no server outlives the test run.
 */
export function killOnExit(child: ChildProcess, cleanup?: () => void): () => void {
  const handler = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    cleanup?.();
  };
  process.once('exit', handler);
  return () => process.off('exit', handler);
}

/**
 * Waits until `probe` succeeds, failing fast (with the output tail) if the child exits first:
 * a server that crashed on start should not cost the whole timeout.
 */
export async function waitUntilReady(
  child: ChildProcess,
  probe: () => Promise<boolean>,
  opts: { what: string; timeoutMs: number; output: OutputBuffer },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let exit: ExitStatus | undefined;
  void exited(child).then((s) => (exit = s));
  for (;;) {
    if (exit) {
      throw new Error(
        `${opts.what} exited before it was ready (code ${exit.code}, signal ${exit.signal}):\n${opts.output.tail()}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${opts.what}:\n${opts.output.tail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
