import { useEffect, useState } from 'preact/hooks';
import type { ConsoleDagRunDetail } from '../../../../src/console/api.js';
import { getJson } from '../client.js';
import { Badge, PartError } from '../components/Health.js';
import { Updated } from '../components/Text.js';
import { airflowTone, runApiPath, runEnded, shortTime, taskLabel } from '../pipelines.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';
import { REFRESH_MS } from './Releases.js';

/** `/releases/runs/:dagId/:runId`: a run's tasks, and each failed task's log tail. */
export function RunDetail({ dagId = '', runId = '' }: { dagId?: string; runId?: string }) {
  useTitle(`${dagId} run`);
  const [ended, setEnded] = useState(false);
  const { data, error, updatedAt } = usePoll(
    (signal) => getJson<ConsoleDagRunDetail>(runApiPath(dagId, runId), signal),
    ended ? 0 : REFRESH_MS,
    [dagId, runId],
  );
  useEffect(() => setEnded(data !== undefined && runEnded(data.run.state)), [data]);
  return (
    <div class="view run-detail" data-loaded={data || error ? 'true' : 'false'}>
      <p class="crumbs">
        <a href="/releases">Releases and pipelines</a> › {dagId}
      </p>
      <header class="view-head">
        <h1 class="wrap">
          {dagId} <span class="muted">run {runId}</span>
        </h1>
        <Updated at={updatedAt} error={error} />
      </header>
      {!data && error && <PartError label="Could not read the run:" message={error} />}
      {data && (
        <>
          <p class="run-summary">
            <Badge tone={airflowTone(data.run.state)} text={data.run.state} />{' '}
            <span class="meta">
              {data.run.runType}, logical date {shortTime(data.run.logicalDate)}, started{' '}
              {shortTime(data.run.startDate)}, ended {shortTime(data.run.endDate)} (UTC)
            </span>
          </p>
          <section aria-labelledby="tasks-h">
            <h2 id="tasks-h">Tasks</h2>
            {data.tasks.length === 0 ? (
              <p class="empty">No task instances yet.</p>
            ) : (
              <div class="table-scroll">
                <table class="tasks">
                  <thead>
                    <tr>
                      <th scope="col">Task</th>
                      <th scope="col">State</th>
                      <th scope="col">Try</th>
                      <th scope="col">Started</th>
                      <th scope="col">Ended</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.tasks.map((t) => (
                      <tr
                        key={taskLabel(t)}
                        data-task-id={t.taskId}
                        data-tone={airflowTone(t.state)}
                      >
                        <th scope="row">{taskLabel(t)}</th>
                        <td>
                          <Badge tone={airflowTone(t.state)} text={t.state ?? 'none'} />
                        </td>
                        <td>{t.tryNumber}</td>
                        <td class="nowrap">{shortTime(t.startDate)}</td>
                        <td class="nowrap">{shortTime(t.endDate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          {data.failures.length > 0 && (
            <section aria-labelledby="failures-h">
              <h2 id="failures-h">Failed tasks</h2>
              {data.failures.map((f) => (
                <article
                  key={taskLabel(f)}
                  class="card failure"
                  data-tone="bad"
                  data-task-id={f.taskId}
                >
                  <h3>
                    {taskLabel(f)} <span class="muted">try {f.tryNumber}</span>
                  </h3>
                  {f.logError !== undefined ? (
                    <PartError label="Its log could not be read:" message={f.logError} />
                  ) : (
                    <>
                      <p class="muted">The last {f.logTail.length} lines of its log:</p>
                      <pre class="log" data-testid="task-log" tabIndex={0}>
                        {f.logTail.join('\n')}
                      </pre>
                    </>
                  )}
                </article>
              ))}
            </section>
          )}
        </>
      )}
    </div>
  );
}
