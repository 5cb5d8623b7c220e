/**
 * The one write Trino's access control lets the console's read-only user do. Trino 476's
 * file-based access control (system and catalog level alike) does not check table procedures:
 * `ALTER TABLE t EXECUTE optimize | expire_snapshots | remove_orphan_files` runs for a user who is
 * read-only on t's catalog (tried on a real 476; CALL and table functions are refused). So the
 * console refuses that statement itself, before Trino sees it; every other write is Trino's to
 * refuse, with Trino's own "Access Denied" message.
 *
 * The check reads Trino's tokens, not text: comments, string literals and quoted identifiers
 * cannot hide the keywords or fake them, and EXPLAIN ANALYZE (which runs its statement) is seen
 * through.
 */

type Token =
  { kind: 'word'; upper: string } | { kind: 'quoted' } | { kind: 'symbol'; text: string };

/** Trino's lexical structure, only as far as telling keywords apart from everything else. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      // A quote inside is doubled ('it''s', "a""b"): skip pairs, stop at the lone closing one.
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf(c, j);
        if (end === -1) {
          j = sql.length;
          break;
        }
        if (sql.charAt(end + 1) === c) {
          j = end + 2;
          continue;
        }
        j = end + 1;
        break;
      }
      tokens.push(c === "'" ? { kind: 'symbol', text: 'string' } : { kind: 'quoted' });
      i = j;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_@:$]/.test(sql.charAt(j))) j++;
      tokens.push({ kind: 'word', upper: sql.slice(i, j).toUpperCase() });
      i = j;
    } else {
      tokens.push({ kind: 'symbol', text: c });
      i++;
    }
  }
  return tokens;
}

const isWord = (t: Token | undefined, upper: string): boolean =>
  t?.kind === 'word' && t.upper === upper;

/** True when `sql` holds `ALTER TABLE [IF EXISTS] <name> EXECUTE` outside comments and strings. */
export function isTableProcedure(sql: string): boolean {
  const tokens = tokenize(sql);
  for (let i = 0; i < tokens.length; i++) {
    if (!isWord(tokens[i], 'ALTER') || !isWord(tokens[i + 1], 'TABLE')) continue;
    let j = i + 2;
    if (isWord(tokens[j], 'IF') && isWord(tokens[j + 1], 'EXISTS')) j += 2;
    // A qualified name: identifiers (plain or quoted) separated by dots.
    for (;;) {
      const t = tokens[j];
      if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) break;
      j++;
      const dot = tokens[j];
      if (dot?.kind === 'symbol' && dot.text === '.') j++;
      else break;
    }
    if (isWord(tokens[j], 'EXECUTE')) return true;
  }
  return false;
}

export const TABLE_PROCEDURE_REFUSED =
  'The console is read-only: ALTER TABLE … EXECUTE (optimize, expire_snapshots, remove_orphan_files) changes the table, and Trino does not refuse it to a read-only user, so the console does. Run it with `lakehouse sql`.';
