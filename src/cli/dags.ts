import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadValues } from '../platform/config/index.js';
import { stateDir } from '../platform/paths.js';
import type {
  AirflowClient,
  AirflowDag,
  AirflowDagRun,
  AirflowImportError,
  AirflowTaskInstance,
} from '../targets/local/airflow/client.js';
import {
  AIRFLOW_OFF_HELP,
  AirflowCredentialsError,
  localAirflowClient,
  localAirflowUrl,
} from '../targets/local/airflow/connect.js';
import { failedTasks, tail } from '../targets/local/airflow/failures.js';
import { renderTable } from '../targets/local/trino/index.js';
import { UserError } from '../lib/index.js';
import { ExitError } from './errors.js';

const FINISHED = new Set(['success', 'failed']);

export interface DagWithLastRun {
  dag: AirflowDag;
  lastRun: AirflowDagRun | null;
}

function table(names: string[], rows: string[][]): string {
  const text = renderTable({ columns: names.map((name) => ({ name, type: 'varchar' })), rows });
  // renderTable ends with a "(N rows)" footer meant for SQL results.
  return text.replace(/\(\d+ rows?\)\n$/, '');
}

/** ISO timestamps as `YYYY-MM-DD HH:MM:SS` (UTC, like Airflow's UI default). */
export function shortTime(iso: string | null): string {
  if (!iso) return '-';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]}` : iso;
}

export function renderDagList(items: DagWithLastRun[]): string {
  if (items.length === 0) return 'No DAGs (is the DAG processor running? lakehouse status)\n';
  return table(
    ['dag', 'paused', 'schedule', 'last run', 'state', 'tags'],
    items.map(({ dag, lastRun }) => [
      dag.dagId,
      dag.isPaused ? 'yes' : 'no',
      dag.schedule ?? '-',
      lastRun ? shortTime(lastRun.startDate ?? lastRun.runAfter) : '-',
      lastRun ? lastRun.state : '-',
      dag.tags.join(','),
    ]),
  );
}

export function renderRuns(runs: AirflowDagRun[]): string {
  if (runs.length === 0) return 'No runs yet (lakehouse dags trigger <dag> starts one)\n';
  return table(
    ['run id', 'state', 'type', 'logical date', 'started', 'ended'],
    runs.map((r) => [
      r.runId,
      r.state,
      r.runType,
      shortTime(r.logicalDate),
      shortTime(r.startDate),
      shortTime(r.endDate),
    ]),
  );
}

function taskLabel(t: AirflowTaskInstance): string {
  return t.mapIndex >= 0 ? `${t.taskId}[${t.mapIndex}]` : t.taskId;
}

/** One line per task: `  ✔ load_orders  success`. */
export function renderTaskStates(tasks: AirflowTaskInstance[]): string {
  const icon = (s: string | null) =>
    s === 'success'
      ? '✔'
      : s === 'failed' || s === 'upstream_failed'
        ? '✗'
        : s === 'skipped'
          ? '–'
          : '…';
  // Started tasks in start order, then the ones still waiting; ties by name and map index.
  const started = (t: AirflowTaskInstance) => t.startDate ?? '\uffff';
  const sorted = [...tasks].sort(
    (a, b) =>
      (started(a) < started(b) ? -1 : started(a) > started(b) ? 1 : 0) ||
      a.taskId.localeCompare(b.taskId) ||
      a.mapIndex - b.mapIndex,
  );
  const width = Math.max(0, ...sorted.map((t) => taskLabel(t).length));
  return sorted
    .map((t) => `  ${icon(t.state)} ${taskLabel(t).padEnd(width)}  ${t.state ?? 'none'}\n`)
    .join('');
}

/** What `trigger --wait` prints when a run failed: each failed task and the end of its log. */
export function renderFailure(
  run: AirflowDagRun,
  failures: { task: AirflowTaskInstance; log: string[] | Error }[],
): string {
  const out = [`✗ ${run.dagId} run ${run.runId} failed`];
  if (failures.length === 0) {
    out.push('  no task failed itself (the run may have timed out or been marked failed)');
  }
  for (const { task, log } of failures) {
    out.push(`\n  failed task: ${taskLabel(task)} (try ${task.tryNumber})`);
    if (log instanceof Error) {
      out.push(`  (its log could not be read: ${log.message})`);
      continue;
    }
    const lines = tail(log);
    out.push(`  last ${lines.length} lines of its log:`);
    for (const line of lines) out.push(`    ${line}`);
  }
  return `${out.join('\n')}\n`;
}

/** For `lakehouse status`: nothing when the DAGs import, otherwise a line per broken file. */
export function renderImportErrors(errors: AirflowImportError[]): string {
  if (errors.length === 0) return '';
  const out = [`⚠ ${errors.length} DAG file(s) failed to import:`];
  for (const e of errors) {
    const last = tail(e.stackTrace.split('\n'), 1)[0] ?? '';
    out.push(`  ${e.filename}: ${last.trim()}`);
  }
  return `${out.join('\n')}\n`;
}

/** `--conf` must be a JSON object (Airflow's dag_run.conf). */
export function parseConf(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('must be a JSON object, like \'{"load_date": "2026-11-20"}\'');
  }
  return parsed as Record<string, unknown>;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a number of seconds above 0');
  return n;
}

export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called with the task list whenever a task's state changed. */
  onChange?: (tasks: AirflowTaskInstance[]) => void;
}

export type RunWaiter = Pick<AirflowClient, 'getDagRun' | 'listTaskInstances'>;

/** Polls a run until it is success or failed; undefined when the timeout came first. */
export async function waitForRun(
  client: RunWaiter,
  dagId: string,
  runId: string,
  opts: WaitOptions,
): Promise<{ run: AirflowDagRun; tasks: AirflowTaskInstance[] } | undefined> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  let seen = '';
  for (;;) {
    const run = await client.getDagRun(dagId, runId);
    const tasks = await client.listTaskInstances(dagId, runId);
    const key = tasks.map((t) => `${taskLabel(t)}=${t.state ?? ''}`).join(',');
    if (key !== seen) {
      seen = key;
      opts.onChange?.(tasks);
    }
    if (FINISHED.has(run.state)) return { run, tasks };
    if (Date.now() >= deadline) return undefined;
    await sleep(opts.intervalMs);
  }
}

interface DagFlags {
  env: string;
  values: string[];
  output: 'table' | 'json';
  url?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function connect(flags: DagFlags): Promise<AirflowClient> {
  const values = await loadValues({ env: flags.env, files: flags.values });
  if (!values.airflow.enabled && !flags.url) {
    throw new UserError(`Airflow is not enabled in the ${flags.env} environment`, AIRFLOW_OFF_HELP);
  }
  try {
    return await localAirflowClient({
      stateDir: stateDir(),
      baseUrl: flags.url ?? localAirflowUrl(values),
    });
  } catch (err) {
    if (err instanceof AirflowCredentialsError) {
      throw new UserError(err.message, 'lakehouse up writes them when Airflow is enabled');
    }
    throw err;
  }
}

/**
 * DAG import errors for `lakehouse status`: '' when there are none, when Airflow is off, or when
 * it cannot be asked (status reports the processes either way).
 */
export async function importErrorsForStatus(env: string, values: string[]): Promise<string> {
  try {
    const client = await connect({ env, values, output: 'table' });
    return renderImportErrors(await client.listImportErrors());
  } catch {
    return '';
  }
}

/** Turns the client's typed errors into messages with a next step. */
async function withApiErrors<T>(work: () => Promise<T>): Promise<T> {
  const { AirflowApiError, AirflowUnreachableError } =
    await import('../targets/local/airflow/client.js');
  try {
    return await work();
  } catch (err) {
    if (err instanceof AirflowUnreachableError) {
      throw new UserError(err.message, 'is the platform up? lakehouse status, lakehouse up');
    }
    if (err instanceof AirflowApiError) {
      const help =
        err.status === 404
          ? 'lakehouse dags list shows the DAGs Airflow knows'
          : err.status === 401 || err.status === 403
            ? "the admin credentials were refused; lakehouse up rewrites Airflow's passwords file"
            : undefined;
      throw new UserError(err.message, help);
    }
    throw err;
  }
}

function write(text: string): void {
  process.stdout.write(text);
}

/** `lakehouse dags list|trigger|runs`: Airflow's DAGs through its REST API. */
export function registerDagsCommands(program: Command): void {
  const dags = program.command('dags').description('Airflow DAGs: list, trigger, runs');
  const common = (cmd: Command): Command =>
    cmd
      .option('--env <name>', 'environment: env/<name>/helm-values.yaml', 'local')
      .option('-f, --values <file>', 'extra values file merged on top', collect, [])
      .option('--url <url>', "Airflow API server (default: 127.0.0.1 on the environment's port)")
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json'])
          .default('table'),
      );

  common(dags.command('list').description('DAGs, paused or not, and their last run')).action(
    async (flags: DagFlags) =>
      withApiErrors(async () => {
        const client = await connect(flags);
        const list = await client.listDags();
        const items: DagWithLastRun[] = await Promise.all(
          list.map(async (dag) => ({
            dag,
            lastRun: (await client.listDagRuns(dag.dagId, 1))[0] ?? null,
          })),
        );
        const importErrors = await client.listImportErrors();
        if (flags.output === 'json') {
          write(`${JSON.stringify({ dags: items, importErrors }, null, 2)}\n`);
          return;
        }
        write(renderDagList(items));
        write(renderImportErrors(importErrors));
      }),
  );

  common(dags.command('runs <dag>').description("A DAG's runs, newest first"))
    .option('--limit <n>', 'how many runs', (v) => Math.max(1, Math.floor(Number(v)) || 25), 25)
    .action(async (dagId: string, flags: DagFlags & { limit: number }) =>
      withApiErrors(async () => {
        const client = await connect(flags);
        const runs = await client.listDagRuns(dagId, flags.limit);
        write(flags.output === 'json' ? `${JSON.stringify(runs, null, 2)}\n` : renderRuns(runs));
      }),
    );

  common(
    dags
      .command('trigger <dag>')
      .description('Start a run and print its id; --wait follows it to the end'),
  )
    .option('--conf <json>', 'the run configuration, a JSON object', parseConf)
    .option('--wait', 'follow the run; exit 1 naming the failed task and its log when it fails')
    .option('--timeout <seconds>', 'with --wait: give up after this long', positiveSeconds, 3600)
    .action(
      async (
        dagId: string,
        flags: DagFlags & { conf?: Record<string, unknown>; wait?: boolean; timeout: number },
      ) =>
        withApiErrors(async () => {
          const client = await connect(flags);
          const json = flags.output === 'json';
          const dag = await client.getDag(dagId);
          if (dag.isPaused) {
            // A paused DAG queues the run but never starts it: a --wait would hang.
            await client.setPaused(dagId, false);
            process.stderr.write(`ℹ ${dagId} was paused; unpaused it so the run can start\n`);
          }
          // Airflow 3 wants the field; "now" gives the DAG a ds like a scheduled run's.
          const run = await client.triggerDagRun(dagId, {
            logicalDate: new Date().toISOString(),
            ...(flags.conf ? { conf: flags.conf } : {}),
          });
          if (!flags.wait) {
            write(
              json ? `${JSON.stringify({ ...run, unpaused: dag.isPaused })}\n` : `${run.runId}\n`,
            );
            return;
          }
          if (!json) write(`${run.runId}\n`);
          const done = await waitForRun(client, dagId, run.runId, {
            intervalMs: 3000,
            timeoutMs: flags.timeout * 1000,
            onChange: (tasks) => {
              if (!json) process.stderr.write(`${renderTaskStates(tasks)}\n`);
            },
          });
          if (!done) {
            throw new UserError(
              `${dagId} run ${run.runId} did not finish within ${flags.timeout}s`,
              `lakehouse dags runs ${dagId} shows its state; --timeout waits longer`,
            );
          }
          const failures = await Promise.all(
            failedTasks(done.tasks).map(async (task) => ({
              task,
              log: await client
                .taskLog(dagId, run.runId, task.taskId, task.tryNumber, task.mapIndex)
                .catch((err: Error) => err),
            })),
          );
          if (json) {
            write(
              `${JSON.stringify({
                run: done.run,
                tasks: done.tasks,
                failedTasks: failures.map(({ task, log }) => ({
                  ...task,
                  logTail: log instanceof Error ? null : tail(log),
                })),
              })}\n`,
            );
          } else if (done.run.state === 'success') {
            write(`✔ ${dagId} run ${run.runId} succeeded\n`);
          } else {
            process.stderr.write(renderFailure(done.run, failures));
          }
          if (done.run.state !== 'success') throw new ExitError(1);
        }),
    );
}
