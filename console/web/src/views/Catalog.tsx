import { useState } from 'preact/hooks';
import type { CatalogWarehouse } from '../../../../src/console/api.js';
import { catalogApi, catalogPage } from '../catalog.js';
import { getJson } from '../client.js';
import { PagesFooter } from '../components/Catalog.js';
import { PartError } from '../components/Health.js';
import { usePages } from '../pages.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';

/** The catalog browser's start: warehouses → namespaces (nested) → tables and views. */
export function Catalog() {
  useTitle('Catalog');
  const { data, error } = usePoll(
    (signal) => getJson<CatalogWarehouse[]>(catalogApi.warehouses(), signal),
    0,
    [],
  );
  return (
    <div class="view catalog" data-loaded={data ? 'true' : 'false'}>
      <header class="view-head">
        <h1>Catalog</h1>
      </header>
      {error && <PartError label="Could not read the catalog:" message={error} />}
      {!data && !error && <p class="muted">Loading…</p>}
      {data?.map((w) => (
        <section
          key={w.name}
          class="warehouse"
          data-warehouse={w.name}
          aria-labelledby={`wh-${w.name}`}
        >
          <h2 id={`wh-${w.name}`}>Warehouse {w.name}</h2>
          <p class="muted wrap">
            <code>{w.location}</code>
          </p>
          <Namespaces warehouse={w.name} parent={undefined} />
        </section>
      ))}
    </div>
  );
}

function Namespaces({ warehouse, parent }: { warehouse: string; parent: string[] | undefined }) {
  const pages = usePages<string[]>(
    (token) => catalogApi.namespaces(warehouse, parent, token),
    `${warehouse}/${parent?.join('\u001f') ?? ''}`,
  );
  const label = parent ? `Namespaces in ${parent.join('.')}` : 'Namespaces';
  return (
    <div class="namespaces">
      {pages.done && pages.items.length === 0 && !pages.error && (
        <p class="empty">{parent ? 'No namespaces inside.' : 'No namespaces yet.'}</p>
      )}
      {pages.items.length > 0 && (
        <ul class="tree" aria-label={label}>
          {pages.items.map((ns) => (
            <Namespace key={ns.join('\u001f')} warehouse={warehouse} namespace={ns} />
          ))}
        </ul>
      )}
      <PagesFooter pages={pages} what="namespaces" />
    </div>
  );
}

function Namespace({ warehouse, namespace }: { warehouse: string; namespace: string[] }) {
  const [open, setOpen] = useState(false);
  const id = `ns-${warehouse}-${namespace.join('-')}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <li data-namespace={namespace.join('.')}>
      <button
        type="button"
        class="disclosure"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {namespace[namespace.length - 1]}
      </button>
      {open && (
        <div id={id} class="ns-contents">
          <Names warehouse={warehouse} namespace={namespace} kind="tables" />
          <Names warehouse={warehouse} namespace={namespace} kind="views" />
          <Namespaces warehouse={warehouse} parent={namespace} />
        </div>
      )}
    </li>
  );
}

function Names({
  warehouse,
  namespace,
  kind,
}: {
  warehouse: string;
  namespace: string[];
  kind: 'tables' | 'views';
}) {
  const pages = usePages<string>(
    (token) => catalogApi.names(warehouse, kind, namespace, token),
    `${warehouse}/${namespace.join('\u001f')}/${kind}`,
  );
  const title = kind === 'tables' ? 'Tables' : 'Views';
  return (
    <div class={`names ${kind}`}>
      <h3>
        {title}
        {pages.done && !pages.error && (
          <span class="muted">
            {' '}
            ({pages.items.length}
            {pages.hasMore ? '+' : ''})
          </span>
        )}
      </h3>
      {pages.items.length > 0 && (
        <ul class="names-list" aria-label={`${title} in ${namespace.join('.')}`}>
          {pages.items.map((name) => (
            <li key={name}>
              <a href={catalogPage(warehouse, namespace, kind, name)}>{name}</a>
            </li>
          ))}
        </ul>
      )}
      {pages.done && pages.items.length === 0 && !pages.error && <p class="empty">No {kind}.</p>}
      <PagesFooter pages={pages} what={kind} />
    </div>
  );
}
