/** Receives one human-readable line per installer event; the CLI prints them, tests log them. */
export type Progress = (line: string) => void;

/** Options every installer accepts. */
export interface InstallOptions {
  /** Overrides the cache root (default: `cacheRoot()`). */
  cacheDir?: string;
  onProgress?: Progress;
}

export const silent: Progress = () => {};

/** Formats a duration the way progress lines show it: "42s", "3m05s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
