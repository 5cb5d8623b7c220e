/**
 * run/status.json: the last statuses the supervisor saw, plus the pids it was running. A new
 * supervisor reads it to find processes its killed predecessor left behind.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ProcessStatus } from '../process-spec.js';
import type { ProcessRecord } from './managed-process.js';

export interface StatusFile {
  supervisorPid: number;
  updatedAt: number;
  processes: ProcessStatus[];
  records: ProcessRecord[];
}

export function writeStatusFile(path: string, content: StatusFile): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** The file's content, or null when absent or unreadable (then there is nothing to clean). */
export function readStatusFile(path: string): StatusFile | null {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<StatusFile>;
    if (!Array.isArray(value.records) || !Array.isArray(value.processes)) return null;
    return value as StatusFile;
  } catch {
    return null;
  }
}
