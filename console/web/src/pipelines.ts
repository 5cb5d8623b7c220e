/**
 * Releases and pipelines as the page shows them: states to tones, the page's own paths.
 * No DOM here: the unit tests import it under Node.
 */
import type { ConsoleRelease } from '../../../src/console/api.js';

/**
 * Health.tsx's Tone, spelled out: importing it would pull JSX into the unit tests' compile.
 * Badge takes these values, so the compiler still checks the two agree.
 */
type Tone = 'ok' | 'warn' | 'bad' | 'unknown';

/** Airflow's DAG run and task instance states (`null`: not scheduled yet). */
export function airflowTone(state: string | null): Tone {
  switch (state) {
    case 'success':
      return 'ok';
    case 'failed':
    case 'upstream_failed':
      return 'bad';
    case 'running':
    case 'queued':
    case 'scheduled':
    case 'restarting':
    case 'up_for_retry':
    case 'up_for_reschedule':
    case 'deferred':
      return 'warn';
    default:
      return 'unknown';
  }
}

export function releaseTone(status: ConsoleRelease['status']): Tone {
  switch (status) {
    case 'deployed':
      return 'ok';
    case 'failed':
      return 'bad';
    case 'pending':
      return 'warn';
    default:
      return 'unknown';
  }
}

/** The page of one run; ids are encoded (a run id holds ":" and "+"). */
/**
 * Whether a DAG run has ended (Airflow's terminal run states): its page stops refreshing then,
 * rather than reading every failed task's whole log again every 10 s.
 */
export const runEnded = (state: string): boolean => state === 'success' || state === 'failed';

export const runPagePath = (dagId: string, runId: string): string =>
  `/releases/runs/${encodeURIComponent(dagId)}/${encodeURIComponent(runId)}`;

export const runApiPath = (dagId: string, runId: string): string =>
  `/api/pipelines/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;

/** ISO timestamps as `YYYY-MM-DD HH:MM:SS` UTC, like Airflow's UI and `lakehouse dags`. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

/** A task as Airflow names it: a mapped task's index in brackets. */
export const taskLabel = (t: { taskId: string; mapIndex: number }): string =>
  t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId;
