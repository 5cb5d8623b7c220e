import type {
  AirflowDag,
  AirflowDagRun,
  AirflowImportError,
  AirflowTaskInstance,
} from '../../targets/local/airflow/index.js';
import { LOG_TAIL_LINES, tail } from '../../targets/local/airflow/index.js';
import type {
  ConsoleDag,
  ConsoleDagRun,
  ConsoleDagRunDetail,
  ConsolePipelines,
  ConsoleTaskInstance,
} from '../api.js';

/** Runs shown per DAG. */
export const LAST_RUNS = 5;

/** A log line longer than this is cut: one runaway line must not make the answer megabytes. */
export const MAX_LOG_LINE = 2_000;

export function toConsoleRun(r: AirflowDagRun): ConsoleDagRun {
  return {
    runId: r.runId,
    state: r.state,
    runType: r.runType,
    logicalDate: r.logicalDate,
    startDate: r.startDate,
    endDate: r.endDate,
  };
}

export function toConsoleDag(dag: AirflowDag, runs: readonly AirflowDagRun[]): ConsoleDag {
  return {
    dagId: dag.dagId,
    paused: dag.isPaused,
    schedule: dag.schedule,
    tags: dag.tags,
    description: dag.description,
    hasImportErrors: dag.hasImportErrors,
    lastRuns: runs.slice(0, LAST_RUNS).map(toConsoleRun),
  };
}

export function availablePipelines(
  dags: readonly { dag: AirflowDag; runs: readonly AirflowDagRun[] }[],
  importErrors: readonly AirflowImportError[],
): ConsolePipelines {
  return {
    available: true,
    dags: dags.map(({ dag, runs }) => toConsoleDag(dag, runs)),
    importErrors: importErrors.map((e) => ({
      filename: e.filename,
      timestamp: e.timestamp,
      message: e.stackTrace,
    })),
  };
}

export const unavailablePipelines = (reason: string): ConsolePipelines => ({
  available: false,
  reason,
  dags: [],
  importErrors: [],
});

export function toConsoleTask(t: AirflowTaskInstance): ConsoleTaskInstance {
  return {
    taskId: t.taskId,
    mapIndex: t.mapIndex,
    state: t.state,
    tryNumber: t.tryNumber,
    startDate: t.startDate,
    endDate: t.endDate,
  };
}

/** The end of a task's log as the page shows it: the last lines, each of bounded length. */
export function logTail(lines: string[]): string[] {
  return tail(lines, LOG_TAIL_LINES).map((l) =>
    l.length > MAX_LOG_LINE ? `${l.slice(0, MAX_LOG_LINE)} …(cut)` : l,
  );
}

/** A failed task and its log's lines, or why they could not be read. */
export interface TaskFailure {
  task: AirflowTaskInstance;
  log: string[] | { error: string };
}

export function runDetail(
  run: AirflowDagRun,
  tasks: readonly AirflowTaskInstance[],
  failures: readonly TaskFailure[],
): ConsoleDagRunDetail {
  return {
    run: { dagId: run.dagId, ...toConsoleRun(run) },
    tasks: tasks.map(toConsoleTask),
    failures: failures.map(({ task, log }) => ({
      taskId: task.taskId,
      mapIndex: task.mapIndex,
      tryNumber: task.tryNumber,
      ...(Array.isArray(log) ? { logTail: logTail(log) } : { logTail: [], logError: log.error }),
    })),
  };
}
