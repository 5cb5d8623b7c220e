import { useEffect, useState } from 'preact/hooks';
import type { CatalogPage } from '../../../src/console/api.js';
import { errorMessage, getJson } from './client.js';

export interface Pages<T> {
  items: T[];
  /** More pages exist: `more()` loads the next. */
  hasMore: boolean;
  loading: boolean;
  /** Why the last page could not be loaded; the pages loaded before stay. */
  error: string | undefined;
  /** True once the first page answered (or failed). */
  done: boolean;
  more: () => void;
}

/**
 * A listing read a page at a time over the catalog's page tokens: the first page on mount, the
 * next when asked (a "More" button), appended, so thousands of tables never load at once.
 */
export function usePages<T>(url: (pageToken?: string) => string, key: string): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [token, setToken] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const [ctrl] = useState(() => new AbortController());

  const load = async (pageToken?: string) => {
    setLoading(true);
    try {
      const page = await getJson<CatalogPage<T>>(url(pageToken), ctrl.signal);
      setItems((before) => (pageToken === undefined ? page.items : [...before, ...page.items]));
      setToken(page.nextPageToken);
      setError(undefined);
    } catch (err) {
      if (ctrl.signal.aborted) return;
      setError(errorMessage(err));
    }
    setLoading(false);
    setDone(true);
  };

  useEffect(() => {
    void load();
    return () => ctrl.abort();
    // `key` names the listing; the url function is recreated on every render.
  }, [key]);

  return {
    items,
    hasMore: token !== null,
    loading,
    error,
    done,
    more: () => {
      if (token !== null && !loading) void load(token);
    },
  };
}
