import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';

/** The repository (or installed package) root: two levels above this file. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** All platform state — installs, data, logs, credentials, release history — lives here. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['LAKEHOUSE_HOME'] ? resolve(env['LAKEHOUSE_HOME']) : join(repoRoot, '.lakehouse');
}

/** Downloads and builds shared by every clone on this machine, so a fresh clone starts fast. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['LAKEHOUSE_CACHE']) return resolve(env['LAKEHOUSE_CACHE']);
  return join(
    env['XDG_CACHE_HOME'] ? resolve(env['XDG_CACHE_HOME']) : join(homedir(), '.cache'),
    'lakehouse',
  );
}
