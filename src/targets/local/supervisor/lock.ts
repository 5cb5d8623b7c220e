/**
 * A cross-process exclusive lock: an O_EXCL file holding the holder's pid, its kernel start time
 * and what it is doing. A holder that died leaves a stale lock, which the next caller takes over.
 */
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../lib/index.js';
import { isRunning, processStartTime } from './os-process.js';

export interface LockHolder {
  pid: number;
  /** Kernel start time of the holder; tells a live holder from a recycled pid. */
  procStart: number | null;
  /** Epoch millis when the lock was taken. */
  acquiredAt: number;
  /** The holding command, e.g. "lakehouse up". */
  command: string;
  /** What another caller is told, e.g. "the platform is already starting". */
  busyMessage: string;
}

export interface LockOptions {
  command?: string;
  busyMessage?: string;
}

/** Another live process holds the lock. A UserError: the CLI prints it as it is. */
export class LockHeldError extends UserError {
  constructor(
    readonly lockName: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${holder.busyMessage} (${holder.command}, pid ${holder.pid})`,
      `wait for it to finish; if it hangs, stop it with: kill ${holder.pid}`,
    );
    this.name = 'LockHeldError';
  }
}

export interface Lock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

export function lockPath(stateDir: string, name: string): string {
  return join(stateDir, 'run', `${name}.lock`);
}

/** A takeover guard older than this was left by a killed process. */
const GUARD_STALE_MS = 10_000;

export function acquireLock(stateDir: string, name: string, options: LockOptions = {}): Lock {
  const path = lockPath(stateDir, name);
  mkdirSync(join(stateDir, 'run'), { recursive: true, mode: 0o700 });
  const holder: LockHolder = {
    pid: process.pid,
    procStart: processStartTime(process.pid),
    acquiredAt: Date.now(),
    command: options.command ?? defaultCommand(),
    busyMessage: options.busyMessage ?? `the ${name} lock is held`,
  };
  const content = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(path, content)) {
      let released = false;
      return {
        path,
        holder,
        release: () => {
          if (released) return;
          released = true;
          if (readText(path) === content) unlinkQuiet(path);
        },
      };
    }
    const existingText = readText(path);
    if (existingText === null) continue; // released in between: try again
    const existing = parseHolder(existingText);
    if (existing && holderAlive(existing)) throw new LockHeldError(name, existing);
    removeStale(path, existingText);
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`);
}

/** The live holder of a lock, or null when it is free or stale. */
export function readLockHolder(stateDir: string, name: string): LockHolder | null {
  const text = readText(lockPath(stateDir, name));
  const holder = text === null ? null : parseHolder(text);
  return holder && holderAlive(holder) ? holder : null;
}

function holderAlive(holder: LockHolder): boolean {
  // A lock holder that died but is not reaped yet (a zombie) holds nothing.
  if (!isRunning(holder.pid)) return false;
  if (holder.procStart === null) return true;
  const now = processStartTime(holder.pid);
  return now === null || now === holder.procStart;
}

/**
 * Deletes a stale lock, but only under a guard file and only if it is still the same stale
 * content: otherwise two callers could both see it stale, and the slower one would delete the
 * lock the faster one just created.
 */
function removeStale(path: string, staleText: string): void {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, `${process.pid}\n`)) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) unlinkQuiet(guard);
    } catch {
      // gone already
    }
    return;
  }
  try {
    if (readText(path) === staleText) unlinkQuiet(path);
  } finally {
    unlinkQuiet(guard);
  }
}

/**
 * Creates `path` with its full content or not at all: the content goes to a private file first,
 * then link() publishes it, failing with EEXIST if the path exists. A reader never sees a
 * half-written lock.
 */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkQuiet(tmp);
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number') return null;
    return {
      pid: value.pid,
      procStart: typeof value.procStart === 'number' ? value.procStart : null,
      acquiredAt: typeof value.acquiredAt === 'number' ? value.acquiredAt : 0,
      command: typeof value.command === 'string' ? value.command : 'unknown command',
      busyMessage: typeof value.busyMessage === 'string' ? value.busyMessage : 'the lock is held',
    };
  } catch {
    // Not ours (locks are published whole): treat as stale.
    return null;
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function defaultCommand(): string {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  return ['lakehouse', ...args.slice(0, 1)].join(' ');
}
