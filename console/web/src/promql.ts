/**
 * The dashboards' time ranges and query steps. Grafana's interval variables ($__rate_interval,
 * $__interval, $__range) are left in the PromQL: the console server replaces them, knowing the
 * platform's scrape interval, which the page does not. No DOM here: unit tests can import it.
 */

export const RANGES = { '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400 } as const;
export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];

/** Grafana's default minimum interval, the local platform's default scrape interval. */
const MIN_STEP_SECONDS = 15;

/** At most ~300 points a series: plenty for a panel's width, cheap for Prometheus. */
const MAX_POINTS = 300;

export function isRangeKey(s: string | undefined): s is RangeKey {
  return s !== undefined && s in RANGES;
}

/** A Grafana "now-6h" as one of our ranges; anything else falls back to 1h. */
export function rangeFromGrafana(from: string): RangeKey {
  const key = from.replace(/^now-/, '');
  return isRangeKey(key) ? key : '1h';
}

/** The step of a range query (Grafana's $__interval): ~300 points, never below 15 s. */
export function stepFor(rangeSeconds: number): number {
  return Math.max(MIN_STEP_SECONDS, Math.ceil(rangeSeconds / MAX_POINTS));
}

/** The refresh interval in ms of a Grafana "30s" / "1m"; "" or unknown = off (0). */
export function refreshMs(refresh: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(refresh.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return n * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
}
