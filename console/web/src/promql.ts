/**
 * Grafana's interval variables, replaced on the page: the page picks the time range and step,
 * so it knows every value they stand for. No DOM here: the unit tests import it under Node.
 */

export const RANGES = { '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400 } as const;
export type RangeKey = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as RangeKey[];

/**
 * Prometheus' scrape interval, as Grafana's data source setting would hold it: the local
 * platform's default (observability.prometheus.scrapeInterval). The API does not carry it yet; a
 * shorter one only makes $__rate_interval a little wider than needed, never empty.
 */
export const SCRAPE_INTERVAL_SECONDS = 15;

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

/** The step of a range query: Grafana's $__interval, never below one scrape. */
export function stepFor(rangeSeconds: number): number {
  return Math.max(SCRAPE_INTERVAL_SECONDS, Math.ceil(rangeSeconds / MAX_POINTS));
}

/**
 * $__rate_interval as Grafana defines it: max($__interval + scrape interval, 4 × scrape
 * interval), so a rate() always spans enough samples; $__interval is the step; $__range the
 * whole range.
 */
export function expandVariables(expr: string, rangeSeconds: number, stepSeconds: number): string {
  const rate = Math.max(stepSeconds + SCRAPE_INTERVAL_SECONDS, 4 * SCRAPE_INTERVAL_SECONDS);
  const vars: Record<string, string> = {
    __rate_interval: `${rate}s`,
    __interval_ms: `${stepSeconds * 1000}`,
    __interval: `${stepSeconds}s`,
    __range_ms: `${rangeSeconds * 1000}`,
    __range_s: `${rangeSeconds}`,
    __range: `${rangeSeconds}s`,
  };
  return expr.replace(/\$\{(__\w+)\}|\$(__\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return vars[name] ?? whole;
  });
}

/** The refresh interval in ms of a Grafana "30s" / "1m"; "" or unknown = off (0). */
export function refreshMs(refresh: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(refresh.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  return n * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
}
