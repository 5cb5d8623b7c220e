import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: two levels above this file. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** All platform state — installs, data, logs, credentials, release history — lives here. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['LAKEHOUSE_HOME'] ? resolve(env['LAKEHOUSE_HOME']) : join(repoRoot, '.lakehouse');
}

/** This build's version (package.json), as manifests and records name it. */
export async function lakehouseVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
