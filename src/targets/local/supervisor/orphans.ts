/**
 * After a supervisor was killed, its children may still run, unmanaged, holding their ports.
 * The next supervisor kills them before it starts anything, but only processes provably its
 * predecessor's: a recycled pid must never be killed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ProcessRecord } from './managed-process.js';
import {
  groupAlive,
  isAlive,
  processCmdline,
  processStartTime,
  signalGroup,
} from './os-process.js';

export type OrphanVerdict = 'ours' | 'leftover-group' | 'not-ours' | 'gone';

/**
 * Whether the recorded process is still the one we started: the same pid with the same kernel
 * start time (exact, survives exec: Trino's launcher execs java), or failing that knowledge, the
 * same command line. A dead leader whose group still has members: those members are ours, since
 * the kernel does not hand out a pid while a process group of that id exists.
 */
export function judgeRecord(record: ProcessRecord): OrphanVerdict {
  if (isAlive(record.pid)) {
    const start = processStartTime(record.pid);
    if (record.procStart !== null && start !== null) {
      return start === record.procStart ? 'ours' : 'not-ours';
    }
    const argv = processCmdline(record.pid);
    return argv !== null && sameArgv(argv, record.argv) ? 'ours' : 'not-ours';
  }
  return groupAlive(record.pid) ? 'leftover-group' : 'gone';
}

export async function killOrphans(
  records: readonly ProcessRecord[],
  logger: Logger,
  graceMs = 5_000,
): Promise<string[]> {
  const targets = records.filter((r) => {
    const verdict = judgeRecord(r);
    if (verdict === 'not-ours') {
      logger.warn({ name: r.name, pid: r.pid }, 'recorded pid now belongs to another process');
    }
    return verdict === 'ours' || verdict === 'leftover-group';
  });
  if (targets.length === 0) return [];
  for (const r of targets) {
    logger.warn({ name: r.name, pid: r.pid }, 'stopping a process left by a previous supervisor');
    signalGroup(r.pid, 'SIGTERM');
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && targets.some((r) => groupAlive(r.pid))) await sleep(100);
  for (const r of targets) if (groupAlive(r.pid)) signalGroup(r.pid, 'SIGKILL');
  // SIGKILL is not instant; the ports must be free before the new processes start.
  const killDeadline = Date.now() + 5_000;
  while (Date.now() < killDeadline && targets.some((r) => groupAlive(r.pid))) await sleep(50);
  return targets.map((r) => r.name);
}

function sameArgv(actual: string[], recorded: string[]): boolean {
  return actual.length === recorded.length && actual.every((a, i) => a === recorded[i]);
}
