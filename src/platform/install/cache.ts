import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where installers keep what they download and build. It lives outside the repository so a
 * fresh clone (CI, a second worktree) reuses the binaries and environments already built.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAKEHOUSE_CACHE) return env.LAKEHOUSE_CACHE;
  const xdg = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'lakehouse');
}
