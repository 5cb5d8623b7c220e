/**
 * Operating-system facts about processes: liveness, identity (start time, command line) and
 * process groups. Linux's /proc gives the identity; elsewhere those answers are null.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** True when a process with this pid exists (a zombie counts; we reap our own children). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Alive and not a zombie: a dead process its parent has not reaped yet holds nothing. */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const stat = readProcFile(pid, 'stat');
  if (stat === null) return true; // no /proc: trust kill()
  return !['Z', 'X'].includes(statField(stat, 0) ?? '');
}

/**
 * The kernel's start time of the process (clock ticks since boot). With the pid it identifies a
 * process for good: a recycled pid has a different start time.
 */
export function processStartTime(pid: number): number | null {
  const stat = readProcFile(pid, 'stat');
  if (stat === null) return null;
  const value = Number(statField(stat, 19));
  return Number.isFinite(value) ? value : null;
}

/** The process group of a pid, or null. */
export function processGroup(pid: number): number | null {
  const stat = readProcFile(pid, 'stat');
  if (stat === null) return null;
  const value = Number(statField(stat, 2));
  return Number.isFinite(value) ? value : null;
}

/** argv of a process, or null when unknown. */
export function processCmdline(pid: number): string[] | null {
  const raw = readProcFile(pid, 'cmdline');
  if (raw === null || raw === '') return null;
  return raw.replace(/\0$/, '').split('\0');
}

/**
 * Whether the process group still has running members (a leader that exited may leave some).
 * Zombies do not count: a reparented child that died waits for init to reap it, which in a
 * container can take a while, and it holds no port or file.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const running = scanProc((pid, stat) =>
    statField(stat, 2) === String(pgid) && !['Z', 'X'].includes(statField(stat, 0) ?? '')
      ? pid
      : null,
  );
  return running === null ? true : running.length > 0; // no /proc: trust kill()
}

/** Signals a whole process group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Applies `pick` to every process's stat line; null when /proc cannot be read. */
function scanProc(pick: (pid: number, stat: string) => number | null): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const picked: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcFile(pid, 'stat');
    if (stat === null) continue;
    const value = pick(pid, stat);
    if (value !== null) picked.push(value);
  }
  return picked;
}

/**
 * Field `index` of a /proc/<pid>/stat line counted from field 3 (state = 0, ppid = 1, pgrp = 2,
 * …, starttime = 19). The command name before it is in parentheses and may contain spaces.
 */
function statField(stat: string, index: number): string | undefined {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index];
}

function readProcFile(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}
