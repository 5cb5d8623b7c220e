import { useEffect, useRef, useState } from 'preact/hooks';
import type { SqlError, SqlResult } from '../../../../src/console/api.js';
import {
  cancelSql,
  cellText,
  DEFAULT_ROW_LIMIT,
  formatElapsed,
  MAX_ROW_LIMIT,
  newQueryId,
  parseRowLimit,
  querySearch,
  restoreQuery,
  rowsLabel,
  runSql,
  STORAGE_KEY,
} from '../sql.js';
import { useTitle } from '../title.js';

type Shown =
  | { kind: 'none' }
  | { kind: 'result'; result: SqlResult }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: SqlError };

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Keeps the query for a reload: in this tab's storage, and in the URL when it is short. */
function keep(sql: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, sql);
  } catch {
    // Storage may be off (private mode); the URL still keeps a short query.
  }
  history.replaceState(history.state, '', `${location.pathname}${querySearch(sql)}`);
}

/** One statement on Trino as the console's read-only user: result, row limit, cancel, errors. */
export function Sql() {
  useTitle('SQL');
  const [sql, setSql] = useState(() => restoreQuery(location.search, stored()));
  const [limit, setLimit] = useState(String(DEFAULT_ROW_LIMIT));
  const [limitError, setLimitError] = useState<string>();
  const [running, setRunning] = useState<{ id: string; started: number }>();
  const [now, setNow] = useState(Date.now());
  const [shown, setShown] = useState<Shown>({ kind: 'none' });
  // Counts the statements that ended, so a reader (a test, an assistive tool) can tell this
  // answer from the one before when both are errors.
  const [ended, setEnded] = useState(0);
  const abortRef = useRef<AbortController | undefined>(undefined);

  // Leaving the view closes the request, which cancels the query on Trino.
  useEffect(() => () => abortRef.current?.abort(), []);

  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);

  async function run(): Promise<void> {
    if (running || !sql.trim()) return;
    const maxRows = parseRowLimit(limit);
    if (!maxRows.ok) {
      setLimitError(maxRows.error);
      return;
    }
    setLimitError(undefined);
    keep(sql);
    const id = newQueryId();
    const abort = new AbortController();
    abortRef.current = abort;
    const started = Date.now();
    setNow(started);
    setRunning({ id, started });
    const outcome = await runSql({ sql, clientQueryId: id, maxRows: maxRows.value }, abort.signal);
    if (abort.signal.aborted) return;
    setRunning(undefined);
    setShown(outcome.kind === 'error' ? { kind: 'error', error: outcome.error } : outcome);
    setEnded((n) => n + 1);
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void run();
    }
  }

  return (
    <div class="view sql" data-loaded="true" data-ended={ended}>
      <header class="view-head">
        <h1>SQL</h1>
        <p class="muted">
          One statement on Trino, read-only: the console's user may read every catalog and change
          nothing.
        </p>
      </header>
      <form
        class="sql-form"
        // The row limit's own message (role="alert") instead of the browser's bubble.
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label for="sql-text">SQL</label>
        <textarea
          id="sql-text"
          name="sql"
          rows={8}
          spellcheck={false}
          autocomplete="off"
          aria-describedby="sql-hint"
          value={sql}
          onInput={(e) => setSql(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <p id="sql-hint" class="muted">
          Ctrl+Enter (⌘+Enter) runs it. The session catalog is <code>iceberg</code>.
        </p>
        <div class="toolbar">
          <button type="submit" class="primary" disabled={!!running || !sql.trim()}>
            Run
          </button>
          {running && (
            <button type="button" onClick={() => void cancelSql(running.id)}>
              Cancel
            </button>
          )}
          <label class="inline">
            Row limit{' '}
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_ROW_LIMIT}
              step={1}
              value={limit}
              aria-invalid={limitError ? 'true' : undefined}
              onInput={(e) => setLimit(e.currentTarget.value)}
            />
          </label>
          {running ? (
            // Ticks ten times a second: not a live region, or a screen reader reads every tick.
            <span class="updated">Running… {formatElapsed(now - running.started)}</span>
          ) : (
            <span class="updated" role="status">
              {shown.kind === 'result'
                ? `${rowsLabel(shown.result.rows.length)} in ${formatElapsed(shown.result.elapsedMs)}`
                : ''}
            </span>
          )}
        </div>
        {limitError && (
          <p class="part-error" role="alert">
            {limitError}
          </p>
        )}
      </form>
      <Outcome shown={shown} />
    </div>
  );
}

function Outcome({ shown }: { shown: Shown }) {
  switch (shown.kind) {
    case 'none':
      return null;
    case 'cancelled':
      return <p class="empty">Cancelled: Trino stopped the query.</p>;
    case 'error':
      return (
        <div class="part-error sql-error" role="alert" data-testid="sql-error">
          {shown.error.errorName && <strong>{shown.error.errorName}: </strong>}
          <pre>{shown.error.error}</pre>
          {shown.error.queryId && <p class="muted">Trino query {shown.error.queryId}</p>}
        </div>
      );
    case 'result':
      return <Result result={shown.result} />;
  }
}

function Result({ result }: { result: SqlResult }) {
  const { columns, rows } = result;
  return (
    <section aria-labelledby="sql-result-h">
      <h2 id="sql-result-h">
        Result <span class="muted">{rowsLabel(rows.length)}</span>
      </h2>
      {result.truncated && (
        <p class="notice" role="status">
          Only the first {rowsLabel(rows.length)} are shown: the query had more, and Trino was told
          to stop. Raise the row limit (up to {MAX_ROW_LIMIT.toLocaleString()}) to see more.
        </p>
      )}
      {result.updateType && (
        <p>
          {result.updateType}
          {result.updateCount !== undefined && `: ${rowsLabel(result.updateCount)}`}
        </p>
      )}
      <p class="muted">Trino query {result.queryId}</p>
      {columns.length > 0 && (
        // Focusable so a keyboard can scroll a wide result.
        <div class="sql-scroll" tabIndex={0} role="region" aria-labelledby="sql-result-h">
          <table class="sql-result" data-testid="sql-result">
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={i} scope="col" data-column={c.name} data-type={c.type}>
                    <span class="col-name">{c.name}</span> <span class="col-type">{c.type}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, r) => (
                <tr key={r}>
                  {columns.map((_, i) => {
                    const v = row[i] ?? null;
                    return (
                      <td key={i} class={v === null ? 'null' : undefined}>
                        {cellText(v)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
