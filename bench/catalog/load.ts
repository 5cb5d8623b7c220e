// A closed-loop load generator, independent of what it is pointed at: C workers each issue a
// request, wait for its answer, and issue the next, back to back, for a warm-up and then a fixed
// measured window. Bounded in time: no worker starts a request after the window ends, and each
// request is expected to carry its own timeout.
import { performance } from 'node:perf_hooks';

/** What one request came to. `kind` decides how it is counted; `key` groups failures. */
export type Outcome =
  | { kind: 'ok' }
  | { kind: 'conflict'; key: string; detail?: string }
  | { kind: 'error'; key: string; detail?: string };

export interface RequestContext {
  /** 0-based worker index, stable for the worker's whole life. */
  worker: number;
  /** 0-based count of requests this worker has issued so far (warm-up included). */
  iteration: number;
}

export type RequestFn = (ctx: RequestContext) => Promise<Outcome>;

export interface ClosedLoopOptions {
  concurrency: number;
  /** Requests issued during the warm-up are not recorded. */
  warmupMs: number;
  durationMs: number;
  request: RequestFn;
}

export interface ClosedLoopResult {
  /** From the end of the warm-up to the last completion of a recorded request (≥ durationMs). */
  measuredMs: number;
  /** Requests that started inside the measured window. */
  requests: number;
  ok: number;
  conflicts: number;
  errors: number;
  /** Latencies (ms) of the successful recorded requests, in completion order. */
  latenciesMs: Float64Array;
  failureKinds: Record<string, number>;
  failureSamples: Record<string, string>;
}

/** A growable buffer of doubles, so long cells do not churn through boxed numbers. */
class Samples {
  private buf = new Float64Array(1 << 14);
  private n = 0;
  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }
  toArray(): Float64Array {
    return this.buf.slice(0, this.n);
  }
}

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { concurrency, warmupMs, durationMs, request } = opts;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const measureUntil = measureFrom + durationMs;

  const latencies = new Samples();
  let requests = 0;
  let ok = 0;
  let conflicts = 0;
  let errors = 0;
  let lastEnd = measureFrom;
  const failureKinds: Record<string, number> = {};
  const failureSamples: Record<string, string> = {};

  const worker = async (index: number): Promise<void> => {
    for (let iteration = 0; ; iteration++) {
      const t0 = performance.now();
      if (t0 >= measureUntil) return;
      let outcome: Outcome;
      try {
        outcome = await request({ worker: index, iteration });
      } catch (err) {
        // A request function should classify its own failures; anything thrown is an error too.
        const message = err instanceof Error ? err.message : String(err);
        outcome = { kind: 'error', key: 'thrown', detail: message };
      }
      const t1 = performance.now();
      if (t0 < measureFrom) continue;
      requests++;
      if (t1 > lastEnd) lastEnd = t1;
      if (outcome.kind === 'ok') {
        ok++;
        latencies.push(t1 - t0);
        continue;
      }
      if (outcome.kind === 'conflict') conflicts++;
      else errors++;
      failureKinds[outcome.key] = (failureKinds[outcome.key] ?? 0) + 1;
      if (outcome.detail && !(outcome.key in failureSamples)) {
        failureSamples[outcome.key] = outcome.detail;
      }
    }
  };

  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
  return {
    measuredMs: Math.max(lastEnd - measureFrom, durationMs),
    requests,
    ok,
    conflicts,
    errors,
    latenciesMs: latencies.toArray(),
    failureKinds,
    failureSamples,
  };
}
