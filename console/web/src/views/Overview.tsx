import type { ComponentChildren } from 'preact';
import type {
  ConsoleAlert,
  ConsoleComponent,
  ConsoleFinding,
  ConsoleOverview,
  ConsoleScrapeTarget,
} from '../../../../src/console/api.js';
import { getJson } from '../client.js';
import { Badge, PartError, processHealth, severityTone } from '../components/Health.js';
import { Updated, WithCode } from '../components/Text.js';
import { formatUptime } from '../format.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';

const REFRESH_MS = 5_000;

type Part = ConsoleOverview['errors'][number]['part'];

export function Overview() {
  useTitle('Overview');
  const { data, error, updatedAt } = usePoll(
    (signal) => getJson<ConsoleOverview>('/api/overview', signal),
    REFRESH_MS,
    [],
  );
  const partError = (part: Part) => data?.errors.find((e) => e.part === part)?.message;

  return (
    <div class="view overview" data-loaded={data ? 'true' : 'false'}>
      <header class="view-head">
        <h1>Overview {data && <span class="env">environment {data.env}</span>}</h1>
        <Updated at={updatedAt} error={error} />
      </header>
      {!data && error && <PartError label="Could not read the platform's state:" message={error} />}
      {data && (
        <>
          <Summary data={data} />
          <Part id="alerts" title="Alerts firing" what="the alerts" error={partError('alerts')}>
            <Alerts alerts={data.alerts} />
          </Part>
          <Part
            id="components"
            title="Components"
            what="the components"
            error={partError('components')}
          >
            {data.components.map((c) => (
              <Component key={c.name} component={c} />
            ))}
          </Part>
          <Part
            id="findings"
            title="Diagnose findings"
            what="the diagnose findings"
            error={partError('findings')}
          >
            <Findings findings={data.findings} />
          </Part>
          <Part
            id="targets"
            title="Scrape targets"
            what="the scrape targets"
            error={partError('targets')}
          >
            <Targets targets={data.targets} />
          </Part>
        </>
      )}
    </div>
  );
}

/** One part of the overview: its heading, then its content or why it could not be read. */
function Part(props: {
  id: string;
  title: string;
  what: string;
  error: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <section id={props.id} aria-labelledby={`${props.id}-h`}>
      <h2 id={`${props.id}-h`}>{props.title}</h2>
      {props.error !== undefined ? (
        <PartError label={`Could not read ${props.what}:`} message={props.error} />
      ) : (
        props.children
      )}
    </section>
  );
}

function Summary({ data }: { data: ConsoleOverview }) {
  const processes = data.components.flatMap((c) => c.processes);
  const healthy = processes.filter((p) => p.healthy).length;
  const up = data.targets.filter((t) => t.health === 'up').length;
  const critical = data.alerts.filter((a) => a.severity === 'critical').length;
  const tone = (ok: boolean) => (ok ? 'ok' : 'bad');
  return (
    <ul class="summary">
      <li data-tone={tone(healthy === processes.length)}>
        <a href="#components">
          <strong>
            {healthy}/{processes.length}
          </strong>{' '}
          processes healthy
        </a>
      </li>
      <li data-tone={data.alerts.length === 0 ? 'ok' : critical > 0 ? 'bad' : 'warn'}>
        <a href="#alerts">
          <strong>{data.alerts.length}</strong> alerts firing
        </a>
      </li>
      <li data-tone={tone(up === data.targets.length)}>
        <a href="#targets">
          <strong>
            {up}/{data.targets.length}
          </strong>{' '}
          scrape targets up
        </a>
      </li>
    </ul>
  );
}

function Component({ component: c }: { component: ConsoleComponent }) {
  return (
    <article class="component card" data-component={c.name} aria-labelledby={`c-${c.name}`}>
      <header class="card-head">
        <h3 id={`c-${c.name}`}>{c.name}</h3>
        <Badge tone={c.healthy ? 'ok' : 'bad'} text={c.healthy ? 'healthy' : 'unhealthy'} />
        <span class="meta">
          version <b>{c.version || '—'}</b>
        </span>
        <span class="meta">
          revision <b>{c.revision ?? '—'}</b>
        </span>
      </header>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col">State</th>
            <th scope="col">Health</th>
            <th scope="col">Uptime</th>
            <th scope="col">Restarts</th>
            <th scope="col">PID</th>
            <th scope="col">Ports</th>
          </tr>
        </thead>
        <tbody>
          {c.processes.map((p) => {
            const h = processHealth(p.state, p.healthy);
            return (
              <tr key={p.name} data-process={p.name} data-tone={h.tone}>
                <th scope="row" data-label="Process">
                  {p.name}
                </th>
                <td data-label="State">{p.state}</td>
                <td data-label="Health">
                  <Badge tone={h.tone} text={h.text} />
                </td>
                <td data-label="Uptime">{formatUptime(p.uptimeSeconds)}</td>
                <td data-label="Restarts">{p.restarts}</td>
                <td data-label="PID">{p.pid ?? '—'}</td>
                <td data-label="Ports">
                  {p.ports.length === 0
                    ? '—'
                    : p.ports.map((port) => (
                        <span class="port" key={port.name}>
                          {port.url ? (
                            <a href={port.url} target="_blank" rel="noopener noreferrer">
                              {port.name} :{port.port}
                            </a>
                          ) : (
                            `${port.name} :${port.port}`
                          )}
                        </span>
                      ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </article>
  );
}

function since(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${formatUptime((Date.now() - t) / 1000)} ago`;
}

function Alerts({ alerts }: { alerts: ConsoleAlert[] }) {
  if (alerts.length === 0) return <p class="empty">No alerts firing.</p>;
  return (
    <ul class="alerts">
      {alerts.map((a, i) => (
        <li
          key={`${a.name}-${a.activeSince}-${i}`}
          class="card alert"
          data-alert={a.name}
          data-tone={severityTone(a.severity)}
        >
          <div class="card-head">
            <Badge tone={severityTone(a.severity)} text={a.severity} />
            <h3>{a.name}</h3>
            <span class="meta">
              since <time dateTime={a.activeSince}>{since(a.activeSince)}</time>
            </span>
          </div>
          <p>{a.summary}</p>
          {a.action && (
            <p class="action">
              <strong>What to do:</strong> <WithCode text={a.action} />
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function Findings({ findings }: { findings: ConsoleFinding[] }) {
  if (findings.length === 0) return <p class="empty">Diagnose found nothing to report.</p>;
  return (
    <ul class="findings">
      {findings.map((f, i) => (
        <li key={`${f.title}-${i}`} class="card" data-tone={severityTone(f.severity)}>
          <div class="card-head">
            <Badge tone={severityTone(f.severity)} text={f.severity} />
            <h3>{f.title}</h3>
          </div>
          {f.evidence.length > 0 && (
            <ul class="evidence">
              {f.evidence.map((e, j) => (
                <li key={j}>
                  <WithCode text={e} />
                </li>
              ))}
            </ul>
          )}
          {f.fix && (
            <p class="action">
              <strong>Fix:</strong> <WithCode text={f.fix} />
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function Targets({ targets }: { targets: ConsoleScrapeTarget[] }) {
  if (targets.length === 0) return <p class="empty">Prometheus has no scrape targets.</p>;
  const down = targets.filter((t) => t.health !== 'up').length;
  return (
    <>
      <p>
        {targets.length - down} up, {down} down or unknown.
      </p>
      <table class="stack targets">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Instance</th>
            <th scope="col">Health</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => {
            const tone = t.health === 'up' ? 'ok' : t.health === 'down' ? 'bad' : 'unknown';
            return (
              <tr key={`${t.job} ${t.instance}`} data-job={t.job} data-tone={tone}>
                <th scope="row" data-label="Job">
                  {t.job}
                </th>
                <td data-label="Instance">{t.instance}</td>
                <td data-label="Health">
                  <Badge tone={tone} text={t.health} />
                </td>
                <td data-label="Last error" class="wrap">
                  {t.lastError || '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
