/** The SQL view's pure parts (console/web/src/sql.ts); the view itself runs in tests/e2e. */
import { describe, expect, it } from 'vitest';
import {
  cellText,
  formatElapsed,
  MAX_URL_QUERY,
  newQueryId,
  parseRowLimit,
  querySearch,
  restoreQuery,
  rowsLabel,
} from '../../../console/web/src/sql.js';

describe('the SQL view', () => {
  it('shows cells as `lakehouse sql` prints them', () => {
    expect(cellText(null)).toBe('NULL');
    expect(cellText('a b')).toBe('a b');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(false)).toBe('false');
    expect(cellText('9007199254740993')).toBe('9007199254740993');
    expect(cellText([1, 'x', null])).toBe('[1,"x",null]');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
  });

  it('counts rows and time in words', () => {
    expect(rowsLabel(1)).toBe('1 row');
    expect(rowsLabel(0)).toBe('0 rows');
    expect(formatElapsed(250)).toBe('250 ms');
    expect(formatElapsed(1_250)).toBe('1.3 s');
    expect(formatElapsed(125_000)).toBe('2 min 5 s');
  });

  it('takes a row limit from 1 to 10 000 only', () => {
    expect(parseRowLimit(' 500 ')).toEqual({ ok: true, value: 500 });
    for (const bad of ['0', '10001', '1.5', '', 'abc', '-3', '1e3']) {
      expect(parseRowLimit(bad).ok, bad).toBe(false);
    }
  });

  it('makes version 4 UUIDs without crypto.randomUUID', () => {
    const fixed = newQueryId((b) => b.fill(0xff));
    expect(fixed).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newQueryId()).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('keeps the last query in the URL when short, and brings it back on a reload', () => {
    const search = querySearch('SELECT 1 + 1 -- ü&q=x');
    expect(restoreQuery(search, null)).toBe('SELECT 1 + 1 -- ü&q=x');
    expect(restoreQuery(search, 'older')).toBe('SELECT 1 + 1 -- ü&q=x');
    expect(restoreQuery('', 'from this tab')).toBe('from this tab');
    expect(restoreQuery('', null)).toBe('');
    expect(querySearch('  ')).toBe('');
    expect(querySearch('x'.repeat(MAX_URL_QUERY + 1))).toBe('');
  });
});
