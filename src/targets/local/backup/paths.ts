import { basename, dirname, join } from 'node:path';

/**
 * Where `lakehouse backup` writes when no --to is given: a sibling of the state directory
 * (`.lakehouse` → `.lakehouse-backups`), not inside it, so `lakehouse cleanup` and
 * `down --purge`, which delete the state directory, never delete the backups too.
 */
export function defaultBackupsDir(stateDir: string): string {
  return join(dirname(stateDir), `${basename(stateDir)}-backups`);
}
