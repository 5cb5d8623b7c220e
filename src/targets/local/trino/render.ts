import { stringifyJson } from '../../../lib/index.js';
import type { TrinoColumn, TrinoResult } from '../../../platform/trino/index.js';

/**
 * Output of `lakehouse sql`: an aligned table for people, JSON and CSV for scripts. Pure
 * functions of a query result; each returns the whole text, ending in a newline.
 */

export type SqlOutputFormat = 'table' | 'json' | 'csv';

type Result = Pick<TrinoResult, 'columns' | 'rows'> & Partial<TrinoResult>;

export function renderResult(result: Result, format: SqlOutputFormat): string {
  switch (format) {
    case 'table':
      return renderTable(result);
    case 'json':
      return renderJson(result);
    case 'csv':
      return renderCsv(result);
  }
}

const NUMERIC = /^(tinyint|smallint|integer|bigint|real|double|decimal)\b/;

/**
 * psql / trino-cli style: centred headers, a `-+-` rule, numbers right-aligned, other values
 * left-aligned, NULL spelled out, and a row count. A statement without columns (DDL, INSERT)
 * prints what it did instead.
 */
export function renderTable(result: Result): string {
  const { columns, rows } = result;
  if (columns.length === 0) {
    if (result.updateType === undefined) return 'OK\n';
    return result.updateCount === undefined
      ? `${result.updateType}\n`
      : `${result.updateType}: ${plural(result.updateCount)}\n`;
  }
  const cells = rows.map((row) => columns.map((_, i) => tableCell(row[i])));
  const widths = columns.map((c, i) =>
    Math.max(c.name.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const right = columns.map((c) => NUMERIC.test(c.type));
  const line = (parts: string[]): string => ` ${parts.join(' | ')} `.trimEnd();
  const out = [
    line(columns.map((c, i) => centre(c.name, widths[i] ?? 0))),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.map((r) =>
      line(r.map((v, i) => (right[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))),
    ),
    `(${plural(rows.length)})`,
  ];
  return `${out.join('\n')}\n`;
}

/** An array of objects keyed by column name (a repeated name gets `_2`, `_3`...). */
export function renderJson(result: Result): string {
  const keys = uniqueNames(result.columns);
  const objects = result.rows.map((row) =>
    Object.fromEntries(keys.map((k, i) => [k, row[i] ?? null])),
  );
  // stringifyJson keeps 64-bit integers (bigint) digit for digit.
  if (objects.length === 0) return '[]\n';
  return `[\n${objects.map((o) => `  ${stringifyJson(o)}`).join(',\n')}\n]\n`;
}

/**
 * RFC 4180: a header record, CRLF line ends, a field quoted when it holds a comma, quote, CR or
 * LF (quotes doubled). NULL is an empty field; arrays, maps and rows are JSON text.
 */
export function renderCsv(result: Result): string {
  const records = [
    result.columns.map((c) => csvField(c.name)),
    ...result.rows.map((row) =>
      result.columns.map((_, i) => csvField(row[i] == null ? '' : text(row[i]))),
    ),
  ];
  return records.map((r) => `${r.join(',')}\r\n`).join('');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A value as text: strings as they are, numbers and booleans as literals, the rest as JSON. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return stringifyJson(value);
}

function tableCell(value: unknown): string {
  if (value == null) return 'NULL';
  // A line break would split the row; show it the way it would be typed.
  return text(value).replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

function centre(s: string, width: number): string {
  const left = Math.floor((width - s.length) / 2);
  return `${' '.repeat(left)}${s}`.padEnd(width);
}

function plural(n: number): string {
  return `${n} ${n === 1 ? 'row' : 'rows'}`;
}

function uniqueNames(columns: readonly TrinoColumn[]): string[] {
  const used = new Set<string>();
  return columns.map((c) => {
    let name = c.name;
    for (let n = 2; used.has(name); n++) name = `${c.name}_${n}`;
    used.add(name);
    return name;
  });
}
