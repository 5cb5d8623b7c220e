import { useEffect } from 'preact/hooks';

/** The tab's title names the view, so history and tabs tell them apart. */
export function useTitle(view: string): void {
  useEffect(() => {
    document.title = `${view} · Lakehouse console`;
  }, [view]);
}
