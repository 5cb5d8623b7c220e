import type { DiagnoseFinding, Read } from './assemble.js';

/** diagnose probes every component and reads logs: seconds of work, so at most once a minute. */
export const DIAGNOSE_INTERVAL_MS = 60_000;

/**
 * Runs diagnose in the background, one run at a time, and keeps the last result, so a page
 * refresh never waits for it. A failed run keeps the error as its result until the next one.
 */
export class DiagnoseLoop {
  private last: Read<DiagnoseFinding[]> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly run: () => Promise<DiagnoseFinding[]>,
    private readonly intervalMs = DIAGNOSE_INTERVAL_MS,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** The last finished run's findings; null before the first one finishes. */
  latest(): Read<DiagnoseFinding[]> | null {
    return this.last;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running = this.run()
      .then((findings): Read<DiagnoseFinding[]> => ({ ok: true, value: findings }))
      .catch((err: unknown): Read<DiagnoseFinding[]> => ({
        ok: false,
        error: `diagnose failed: ${err instanceof Error ? err.message : String(err)}`,
      }))
      .then((result) => {
        this.last = result;
        if (this.stopped) return;
        // Measured from the end of a run, so a slow diagnose never overlaps the next.
        this.timer = setTimeout(() => this.tick(), this.intervalMs);
        this.timer.unref();
      });
  }
}
