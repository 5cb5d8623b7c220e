const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/**
 * Seconds in a Prometheus-style duration (`30s`, `7d`, `1h30m`), the format of every duration in
 * the values files. Components with a narrower syntax (Trino takes one unit, no weeks) get
 * `${seconds}s`.
 */
export function durationSeconds(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: "${text}" (use e.g. 30s, 15m, 12h, 7d or 2w)`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] as string] ?? 0), 0);
}
