/**
 * Values as Grafana shows them for the units our dashboards use (platform/observability/
 * dashboards): short, bytes, decbytes, Bps, s, ms, percentunit, percent, reqps, ops, none.
 * No DOM here: the unit tests import it under Node.
 */

const SI = ['', ' K', ' M', ' B', ' T'];
const IEC = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'];
const SI_BYTES = [' B', ' kB', ' MB', ' GB', ' TB', ' PB'];

/** Three significant digits, without a trailing ".0". */
function num(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return trim(v.toFixed(1));
  if (abs >= 1) return trim(v.toFixed(2));
  if (abs >= 0.001) return trim(v.toPrecision(2));
  return v.toExponential(1);
}

const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

function scaled(v: number, base: number, suffixes: string[]): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${num(x)}${suffixes[i] ?? ''}`;
}

/** A duration in seconds, in the largest unit that keeps it readable ("1.5 min", "320 ms"). */
export function formatSeconds(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${num(v * 1e6)} µs`;
  if (abs < 1) return `${num(v * 1e3)} ms`;
  if (abs < 60) return `${num(v)} s`;
  if (abs < 3600) return `${num(v / 60)} min`;
  if (abs < 86400) return `${num(v / 3600)} hour`;
  return `${num(v / 86400)} day`;
}

export function formatValue(v: number | null | undefined, unit: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'no value';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return scaled(v, 1024, IEC);
    case 'decbytes':
      return scaled(v, 1000, SI_BYTES);
    case 'Bps':
      return `${scaled(v, 1000, SI_BYTES)}/s`;
    case 's':
      return formatSeconds(v);
    case 'ms':
      return formatSeconds(v / 1000);
    case 'percentunit':
      return `${num(v * 100)}%`;
    case 'percent':
      return `${num(v)}%`;
    case 'reqps':
      return `${scaled(v, 1000, SI)} req/s`;
    case 'ops':
      return `${scaled(v, 1000, SI)} ops/s`;
    case 'none':
      return num(v);
    case 'short':
    default:
      return scaled(v, 1000, SI);
  }
}

/** An uptime ("3d 4h", "2h 5m", "42s"): the two largest parts are enough to read at a glance. */
export function formatUptime(seconds: number | null): string {
  if (seconds === null || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const parts: [number, string][] = [
    [Math.floor(s / 86400), 'd'],
    [Math.floor((s % 86400) / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}

export const formatTime = (d: Date): string =>
  d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
