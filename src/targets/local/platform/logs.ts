import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import { UserError } from '../../../lib/index.js';
import { readLogTail, supervisorPaths } from '../supervisor/index.js';
import { COMPONENT_ALIASES } from '../process-spec.js';

/** `trino` means its coordinator, `catalog` the catalog: the names the runbook uses. */
const ALIASES: Record<string, string> = {
  ...COMPONENT_ALIASES,
  trino: 'trino-coordinator',
  airflow: 'airflow-api-server',
};

export function resolveLogFile(stateDir: string, name: string, known: string[]): string {
  const paths = supervisorPaths(stateDir);
  const process = ALIASES[name] ?? name;
  if (process === 'supervisor') return paths.supervisorLog;
  const file = paths.processLog(process);
  if (!existsSync(file)) {
    throw new UserError(
      `no log for "${name}"${known.includes(process) ? ' yet: it has not run' : ''}`,
      `known processes: ${[...known, 'supervisor'].join(', ')}`,
    );
  }
  return file;
}

export function tailLog(file: string, lines: number): string {
  return readLogTail(file, lines);
}

/** Streams what is appended to the file until `signal` aborts; follows rotation by size drop. */
export async function followLog(
  file: string,
  write: (chunk: string) => void,
  signal: AbortSignal,
): Promise<void> {
  let offset = statSync(file).size;
  await new Promise<void>((resolve) => {
    const readNew = () => {
      const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
      if (size < offset) offset = 0;
      if (size === offset) return;
      const stream = createReadStream(file, { start: offset, end: size - 1, encoding: 'utf8' });
      offset = size;
      stream.on('data', (chunk) => write(String(chunk)));
    };
    const watcher = watch(file, readNew);
    const poll = setInterval(readNew, 1000);
    signal.addEventListener('abort', () => {
      watcher.close();
      clearInterval(poll);
      resolve();
    });
  });
}
