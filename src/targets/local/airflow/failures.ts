import type { AirflowTaskInstance } from './client.js';

/** Lines of a failed task's log shown by `dags trigger --wait` and the console. */
export const LOG_TAIL_LINES = 30;

/** Tasks whose own code failed (not the ones skipped because an upstream task failed). */
export function failedTasks(tasks: AirflowTaskInstance[]): AirflowTaskInstance[] {
  return tasks.filter((t) => t.state === 'failed');
}

/** The last `n` lines, trailing blank lines dropped first (a log often ends with some). */
export function tail(lines: string[], n = LOG_TAIL_LINES): string[] {
  const trimmed = [...lines];
  while (trimmed.length > 0 && trimmed[trimmed.length - 1]?.trim() === '') trimmed.pop();
  return trimmed.slice(-n);
}
