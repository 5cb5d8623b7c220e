/**
 * Which backups retention removes. Backups in the default directory are named by their UTC start
 * time (`backupName`); anything else there is never touched. Pure.
 */

/** `2026-11-23T23-40-05Z`: sortable, and free of the `:` some file systems refuse. */
export function backupName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/** The time a backup name stands for, or undefined for a name `backupName` did not make. */
export function parseBackupName(name: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z$/.exec(name);
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The names of backups older than `maxAgeSeconds` at `now`. The newest backup is always kept,
 * however old, so retention never leaves the user with none; names that are not backup
 * timestamps are never selected.
 */
export function selectExpiredBackups(
  names: readonly string[],
  now: Date,
  maxAgeSeconds: number,
): string[] {
  const dated = names
    .map((name) => ({ name, at: parseBackupName(name) }))
    .filter((b): b is { name: string; at: Date } => b.at !== undefined)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const cutoff = now.getTime() - maxAgeSeconds * 1000;
  return dated
    .slice(1)
    .filter((b) => b.at.getTime() < cutoff)
    .map((b) => b.name)
    .sort();
}
