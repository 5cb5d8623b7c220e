import type { ConsoleDag, ConsolePipelines, ConsoleReleases } from '../../../../src/console/api.js';
import { getJson } from '../client.js';
import { Badge, PartError } from '../components/Health.js';
import { Updated, WithCode } from '../components/Text.js';
import { airflowTone, releaseTone, runPagePath, shortTime } from '../pipelines.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';

export const REFRESH_MS = 10_000;

const later = (a: Date | undefined, b: Date | undefined): Date | undefined =>
  a && b ? (a > b ? a : b) : (a ?? b);

/** `/releases`: each component's release history, and Airflow's DAGs with their last runs. */
export function Releases() {
  useTitle('Releases and pipelines');
  const releases = usePoll(
    (signal) => getJson<ConsoleReleases>('/api/releases', signal),
    REFRESH_MS,
    [],
  );
  const pipelines = usePoll(
    (signal) => getJson<ConsolePipelines>('/api/pipelines', signal),
    REFRESH_MS,
    [],
  );
  const settled = (p: { data: unknown; error: string | undefined }) =>
    p.data !== undefined || p.error !== undefined;

  return (
    <div
      class="view releases"
      data-loaded={settled(releases) && settled(pipelines) ? 'true' : 'false'}
    >
      <header class="view-head">
        <h1>Releases and pipelines</h1>
        <Updated
          at={later(releases.updatedAt, pipelines.updatedAt)}
          error={releases.error ?? pipelines.error}
        />
      </header>
      <section aria-labelledby="releases-h">
        <h2 id="releases-h">Releases</h2>
        {!releases.data && releases.error && (
          <PartError label="Could not read the release history:" message={releases.error} />
        )}
        {releases.data?.components.length === 0 && (
          <p class="empty">No component has a release yet: `lakehouse up` installs revision 1.</p>
        )}
        {releases.data?.components.map((c) => (
          <ComponentHistory key={c.component} component={c} />
        ))}
      </section>
      <section aria-labelledby="pipelines-h">
        <h2 id="pipelines-h">Pipelines</h2>
        {!pipelines.data && pipelines.error && (
          <PartError label="Could not read the pipelines:" message={pipelines.error} />
        )}
        {pipelines.data && <Pipelines data={pipelines.data} />}
      </section>
    </div>
  );
}

function ComponentHistory({ component: c }: { component: ConsoleReleases['components'][number] }) {
  const id = `history-${c.component}`;
  return (
    <article class="card history" aria-labelledby={id}>
      <header class="card-head">
        <h3 id={id}>{c.component}</h3>
        <span class="meta">
          deployed revision <b>{c.deployedRevision ?? '—'}</b>
        </span>
      </header>
      {c.error !== undefined ? (
        <PartError label={`Could not read ${c.component}'s history:`} message={c.error} />
      ) : c.releases.length === 0 ? (
        <p class="empty">No release yet.</p>
      ) : (
        <div class="table-scroll">
          <table data-component={c.component}>
            <caption class="visually-hidden">
              Release history of {c.component}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Revision</th>
                <th scope="col">Status</th>
                <th scope="col">Version</th>
                <th scope="col">Action</th>
                <th scope="col">Description</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {c.releases.map((r) => {
                const deployed = r.revision === c.deployedRevision;
                return (
                  <tr
                    key={r.revision}
                    data-revision={r.revision}
                    data-deployed={deployed ? 'true' : undefined}
                    aria-current={deployed ? 'true' : undefined}
                  >
                    <th scope="row">
                      {r.revision}
                      {deployed && <span class="current"> (running)</span>}
                    </th>
                    <td>
                      <Badge tone={releaseTone(r.status)} text={r.status} />
                    </td>
                    <td>{r.version || '—'}</td>
                    <td>
                      {r.action}
                      {r.replicas !== undefined && (
                        <span class="muted">
                          {' '}
                          ({r.replicas} {r.replicas === 1 ? 'worker' : 'workers'})
                        </span>
                      )}
                    </td>
                    <td class="wrap description">{r.description}</td>
                    <td class="nowrap">
                      <time dateTime={r.finishedAt}>{shortTime(r.finishedAt)}</time>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}

function Pipelines({ data }: { data: ConsolePipelines }) {
  if (!data.available) {
    return <PartError label="Airflow cannot be read:" message={data.reason ?? 'no reason given'} />;
  }
  return (
    <>
      {data.importErrors.length > 0 && (
        <div class="card import-errors" data-tone="bad">
          <h3>DAG files that failed to import</h3>
          {data.importErrors.map((e) => (
            <details key={e.filename}>
              <summary>
                <code>{e.filename}</code>: {lastLine(e.message)}
              </summary>
              <pre class="log">{e.message}</pre>
            </details>
          ))}
        </div>
      )}
      {data.dags.length === 0 ? (
        <p class="empty">
          Airflow has no DAGs: is the DAG processor running? <WithCode text="`lakehouse status`" />
        </p>
      ) : (
        <ul class="dags">
          {data.dags.map((d) => (
            <Dag key={d.dagId} dag={d} />
          ))}
        </ul>
      )}
    </>
  );
}

const lastLine = (text: string): string =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? '';

function Dag({ dag: d }: { dag: ConsoleDag }) {
  const id = `dag-${d.dagId}`;
  return (
    <li class="card dag" data-dag-id={d.dagId} aria-labelledby={id}>
      <div class="card-head">
        <h3 id={id}>{d.dagId}</h3>
        <Badge tone={d.paused ? 'unknown' : 'ok'} text={d.paused ? 'paused' : 'active'} />
        {d.hasImportErrors && <Badge tone="bad" text="import errors" />}
        <span class="meta">
          schedule <b>{d.schedule ?? 'none'}</b>
        </span>
        {d.tags.length > 0 && (
          <span class="meta">
            tags{' '}
            {d.tags.map((t) => (
              <span class="tag" key={t}>
                {t}
              </span>
            ))}
          </span>
        )}
      </div>
      {d.description && <p class="muted">{d.description}</p>}
      {d.lastRuns.length === 0 ? (
        <p class="empty">No runs yet.</p>
      ) : (
        <ol class="runs" aria-label={`Last runs of ${d.dagId}, newest first`}>
          {d.lastRuns.map((r) => (
            <li key={r.runId}>
              <a href={runPagePath(d.dagId, r.runId)} data-run-id={r.runId} title={r.runId}>
                <Badge tone={airflowTone(r.state)} text={r.state} />{' '}
                <time dateTime={r.startDate ?? r.logicalDate ?? undefined}>
                  {shortTime(r.startDate ?? r.logicalDate)}
                </time>{' '}
                <span class="muted">{r.runType}</span>
              </a>
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}
