import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from './client.js';

export interface Polled<T> {
  data: T | undefined;
  /** The last load's error; `data` keeps the last good answer so a blip does not blank the view. */
  error: string | undefined;
  updatedAt: Date | undefined;
  loading: boolean;
  /** Loads again now (and restarts the interval). */
  reload: () => void;
}

/**
 * Loads with `load`, then again every `intervalMs` (0 = only when `deps` change or on reload).
 * The next load is scheduled after the previous one ends, so a slow server is never asked twice
 * at once; a hidden tab is not polled and catches up when shown.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [updatedAt, setUpdatedAt] = useState<Date>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stale = false;
    const run = async () => {
      timer = undefined;
      if (document.hidden) {
        stale = true;
        return;
      }
      setLoading(true);
      try {
        const value = await loadRef.current(ctrl.signal);
        if (ctrl.signal.aborted) return;
        setData(value);
        setError(undefined);
        setUpdatedAt(new Date());
      } catch (err) {
        if (ctrl.signal.aborted) return;
        setError(errorMessage(err));
      }
      setLoading(false);
      if (intervalMs > 0) timer = setTimeout(() => void run(), intervalMs);
    };
    const onVisible = () => {
      if (!document.hidden && stale) {
        stale = false;
        void run();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    void run();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
    // The caller names what reloads; `load` itself is read through a ref.
  }, [...deps, intervalMs, nonce]);

  return { data, error, updatedAt, loading, reload: () => setNonce((n) => n + 1) };
}
