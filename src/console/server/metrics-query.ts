import { z } from 'zod';

/** Prometheus' own default limit on the points of one range query's series. */
export const MAX_POINTS = 11_000;
/** The longest dashboard query is a few hundred characters; anything near this is not a chart. */
export const MAX_QUERY_LENGTH = 4_096;

const seconds = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(
      /^\d{1,12}(\.\d{1,6})?$/,
      `${what} must be a number of seconds (like 1700000000 or 15.5)`,
    )
    .transform(Number);

/**
 * The page's `query_range` parameters: seconds since the epoch and a step in seconds, as
 * Prometheus takes them, checked here so a malformed or huge request never reaches Prometheus.
 */
export const rangeQuerySchema = z
  .strictObject(
    {
      query: z
        .string({ error: 'query is required' })
        .trim()
        .min(1, 'query must not be empty')
        .max(MAX_QUERY_LENGTH, `query must be at most ${MAX_QUERY_LENGTH} characters`),
      start: seconds('start'),
      end: seconds('end'),
      step: seconds('step').refine((s) => s > 0, 'step must be more than 0'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown parameter ${issue.keys.join(', ')}`
          : undefined,
    },
  )
  .refine((q) => q.start < q.end, { error: 'start must be before end' })
  .refine((q) => (q.end - q.start) / q.step + 1 <= MAX_POINTS, {
    error: `the range has more than ${MAX_POINTS} points: raise step or shorten the range`,
  });

export type RangeQuery = z.output<typeof rangeQuerySchema>;

/** The first problem of an invalid query string, as one sentence; the query when valid. */
export function parseRangeQuery(
  raw: unknown,
): { ok: true; query: RangeQuery } | { ok: false; error: string } {
  const parsed = rangeQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
}

/**
 * Grafana's interval variables replaced as Grafana computes them, so a dashboard's PromQL runs
 * as is: `$__interval` is the step, `$__rate_interval` is max(step + scrape, 4 × scrape) (a rate
 * window always holds at least 4 samples), `$__range` is the whole range.
 */
export function expandGrafanaVariables(
  query: string,
  q: Omit<RangeQuery, 'query'>,
  scrapeSeconds: number,
): string {
  const step = Math.max(1, Math.round(q.step));
  const vars: Record<string, string> = {
    $__rate_interval: `${Math.max(step + scrapeSeconds, 4 * scrapeSeconds)}s`,
    $__interval_ms: `${step * 1000}`,
    $__interval: `${step}s`,
    $__range: `${Math.max(1, Math.round(q.end - q.start))}s`,
  };
  // Longest names first: $__interval is a prefix of $__interval_ms.
  let out = query;
  for (const name of Object.keys(vars).sort((a, b) => b.length - a.length)) {
    out = out.split(name).join(vars[name] as string);
  }
  return out;
}
