/**
 * Values as Grafana shows them for the units our dashboards use (platform/observability/
 * dashboards): short, bytes, decbytes, Bps, s, ms, percentunit, percent, reqps, ops, none.
 * No DOM here: the unit tests import it under Node.
 */

const SI = ['', ' K', ' M', ' B', ' T'];
const IEC = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB'];
const SI_BYTES = [' B', ' kB', ' MB', ' GB', ' TB', ' PB'];

/** `sig` significant digits (3 unless an axis needs more to tell its ticks apart), no trailing 0s. */
function num(v: number, sig = 3): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs < 1e-3) return v.toExponential(1);
  if (abs >= 10 ** (sig - 1)) return v.toFixed(0);
  return trim(v.toPrecision(sig));
}

const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);

function scaled(v: number, base: number, suffixes: string[], sig: number): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${num(x, sig)}${suffixes[i] ?? ''}`;
}

/** A duration in seconds, in the largest unit that keeps it readable ("1.5 min", "320 ms"). */
export function formatSeconds(v: number, sig = 3): string {
  const abs = Math.abs(v);
  if (abs === 0) return '0 s';
  if (abs < 1e-3) return `${num(v * 1e6, sig)} µs`;
  if (abs < 1) return `${num(v * 1e3, sig)} ms`;
  if (abs < 60) return `${num(v, sig)} s`;
  if (abs < 3600) return `${num(v / 60, sig)} min`;
  if (abs < 86400) return `${num(v / 3600, sig)} hour`;
  return `${num(v / 86400, sig)} day`;
}

export function formatValue(v: number | null | undefined, unit: string, sig = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'no value';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return scaled(v, 1024, IEC, sig);
    case 'decbytes':
      return scaled(v, 1000, SI_BYTES, sig);
    case 'Bps':
      return `${scaled(v, 1000, SI_BYTES, sig)}/s`;
    case 's':
      return formatSeconds(v, sig);
    case 'ms':
      return formatSeconds(v / 1000, sig);
    case 'percentunit':
      return `${num(v * 100, sig)}%`;
    case 'percent':
      return `${num(v, sig)}%`;
    case 'reqps':
      return `${scaled(v, 1000, SI, sig)} req/s`;
    case 'ops':
      return `${scaled(v, 1000, SI, sig)} ops/s`;
    case 'none':
      return num(v, sig);
    case 'short':
    default:
      return scaled(v, 1000, SI, sig);
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
