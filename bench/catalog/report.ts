// Percentiles over recorded latency samples and the side-by-side table the benchmark prints.
// Percentiles are exact (nearest-rank over every sample of the cell), not estimated.

export interface LatencySummary {
  /** Number of successful requests the percentiles are computed over. */
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One measured cell: one operation at one concurrency against one server. */
export interface CellResult {
  server: string;
  op: string;
  concurrency: number;
  /** Measured window in ms (from the end of the warm-up to the last completion). */
  durationMs: number;
  /** Requests that started inside the measured window, whatever their outcome. */
  requests: number;
  ok: number;
  /** HTTP 409 answers (commit conflicts), counted apart from errors. */
  conflicts: number;
  /** Everything else that was not a 2xx: other HTTP statuses, timeouts, socket errors. */
  errors: number;
  /** Error kind (e.g. "HTTP 500 CommitFailedException") → count. */
  errorKinds: Record<string, number>;
  /** First message seen for each error kind, to tell what went wrong. */
  errorSamples: Record<string, string>;
  /** Successful requests per second over the measured window. */
  throughput: number;
  /** Latency of the successful requests, in ms. */
  latencyMs: LatencySummary;
  /** Cores' worth of CPU used over the measured window by the server and by the load generator. */
  cpuCores?: { server: number | undefined; client: number; other?: number | undefined };
}

/**
 * Nearest-rank percentile of an ascending-sorted array: the smallest sample such that at least
 * p% of the samples are ≤ it. NaN for an empty array.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0] as number;
  if (p >= 100) return sorted[n - 1] as number;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n, Math.max(1, rank)) - 1] as number;
}

/** Exact summary of latency samples (ms). The input is not modified. */
export function summarize(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const n = sorted.length;
  return {
    count: n,
    mean: n ? sum / n : NaN,
    min: n ? (sorted[0] as number) : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: n ? (sorted[n - 1] as number) : NaN,
  };
}

function fmtRate(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function fmtMs(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function fmtFailures(c: CellResult | undefined): string {
  if (!c) return '—';
  return c.conflicts ? `${c.errors}+${c.conflicts}c` : String(c.errors);
}

/** A column of a plain-text table. */
interface Column {
  header: string;
  align: 'left' | 'right';
}

function renderRows(columns: Column[], rows: string[][]): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const w = widths[i] ?? 0;
        const col = columns[i];
        if (cell === '|') return '|';
        return col?.align === 'left' ? cell.padEnd(w) : cell.padStart(w);
      })
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  const rule = '-'.repeat(header.length);
  return [header, rule, ...rows.map(line)].join('\n');
}

/**
 * The side-by-side table: one row per (op, concurrency), one group of columns per server, and the
 * req/s ratio of the first server over the second when both were measured.
 * "errs" is errors, with "+Nc" for 409 conflicts when there were any.
 */
export function renderTable(cells: CellResult[], servers: string[]): string {
  const columns: Column[] = [
    { header: 'op', align: 'left' },
    { header: 'conc', align: 'right' },
  ];
  servers.forEach((s, i) => {
    if (i > 0) columns.push({ header: '|', align: 'left' });
    columns.push(
      { header: `${s} req/s`, align: 'right' },
      { header: 'p50 ms', align: 'right' },
      { header: 'p99 ms', align: 'right' },
      { header: 'errs', align: 'right' },
    );
  });
  const withRatio = servers.length === 2;
  if (withRatio) {
    columns.push({ header: '|', align: 'left' });
    columns.push({ header: `ratio (req/s ${servers[0]}/${servers[1]})`, align: 'right' });
  }

  const keys: { op: string; concurrency: number }[] = [];
  for (const c of cells) {
    if (!keys.some((k) => k.op === c.op && k.concurrency === c.concurrency)) {
      keys.push({ op: c.op, concurrency: c.concurrency });
    }
  }
  const rows = keys.map(({ op, concurrency }) => {
    const row = [op, String(concurrency)];
    const found = servers.map((s) =>
      cells.find((c) => c.server === s && c.op === op && c.concurrency === concurrency),
    );
    found.forEach((c, i) => {
      if (i > 0) row.push('|');
      row.push(
        fmtRate(c?.throughput),
        fmtMs(c?.latencyMs.p50),
        fmtMs(c?.latencyMs.p99),
        fmtFailures(c),
      );
    });
    if (withRatio) {
      const [a, b] = found;
      row.push('|');
      row.push(a && b && b.throughput > 0 ? `${(a.throughput / b.throughput).toFixed(2)}x` : '—');
    }
    return row;
  });
  return renderRows(columns, rows);
}

/**
 * CPU used during each cell, in cores: "server/client/other", where client is the load generator
 * (this process) and other is the rest of the machine. On a machine with few cores they compete,
 * which bounds what the server can reach; a high "other" means the cell was disturbed.
 */
export function renderCpu(cells: CellResult[], servers: string[]): string {
  const columns: Column[] = [
    { header: 'op', align: 'left' },
    { header: 'conc', align: 'right' },
    ...servers.map((s) => ({ header: `${s} server/client/other`, align: 'right' as const })),
  ];
  const keys: { op: string; concurrency: number }[] = [];
  for (const c of cells) {
    if (!keys.some((k) => k.op === c.op && k.concurrency === c.concurrency)) {
      keys.push({ op: c.op, concurrency: c.concurrency });
    }
  }
  const rows = keys.map(({ op, concurrency }) => [
    op,
    String(concurrency),
    ...servers.map((s) => {
      const c = cells.find((x) => x.server === s && x.op === op && x.concurrency === concurrency);
      if (!c?.cpuCores) return '—';
      const f = (v: number | undefined) => (v === undefined ? '?' : v.toFixed(2));
      return `${f(c.cpuCores.server)}/${f(c.cpuCores.client)}/${f(c.cpuCores.other)}`;
    }),
  ]);
  return renderRows(columns, rows);
}

/** One line per error kind of every cell that had failures, so the table's counts are explained. */
export function renderFailures(cells: CellResult[]): string[] {
  const lines: string[] = [];
  for (const c of cells) {
    for (const [kind, count] of Object.entries(c.errorKinds)) {
      const sample = c.errorSamples[kind];
      lines.push(
        `${c.server} ${c.op} conc=${c.concurrency}: ${count}× ${kind}${sample ? ` — ${sample}` : ''}`,
      );
    }
  }
  return lines;
}
