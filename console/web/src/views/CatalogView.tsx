import type { CatalogView as View } from '../../../../src/console/api.js';
import { catalogApi, formatTimestamp, namespaceLevels } from '../catalog.js';
import { getJson } from '../client.js';
import { Part, PropertiesTable, SchemaTable } from '../components/Catalog.js';
import { PartError } from '../components/Health.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';

interface Params {
  warehouse?: string;
  namespace?: string;
  view?: string;
}

/** One view as loadView gives it: its versions with the SQL of each dialect, its schema. */
export function CatalogView({ warehouse = '', namespace: nsParam, view = '' }: Params) {
  const namespace = namespaceLevels(nsParam);
  useTitle(`${namespace.join('.')}.${view}`);
  const { data, error } = usePoll(
    (signal) => getJson<View>(catalogApi.view(warehouse, namespace, view), signal),
    0,
    [warehouse, nsParam, view],
  );
  return (
    <div class="view catalog-view" data-loaded={data ? 'true' : 'false'}>
      <header class="view-head">
        <h1 class="wrap">
          <span class="muted">{namespace.join('.')}.</span>
          {view}
        </h1>
        <p class="crumbs">
          <a href="/catalog">Catalog</a> › warehouse {warehouse} › view
        </p>
      </header>
      {error && <PartError label="Could not read the view:" message={error} />}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && (
        <>
          <dl class="facts">
            <dt>Location</dt>
            <dd class="wrap">
              <code>{data.location}</code>
            </dd>
            <dt>Metadata file</dt>
            <dd class="wrap">
              <code>{data.metadataLocation ?? '—'}</code>
            </dd>
            <dt>UUID</dt>
            <dd>
              <code>{data.viewUuid}</code>
            </dd>
            <dt>Current version</dt>
            <dd>{data.currentVersionId}</dd>
          </dl>
          <Part id="versions" title="Versions">
            <ol class="timeline" aria-label="Versions, newest first">
              {data.versions.map((v) => (
                <li
                  key={v.versionId}
                  data-version-id={v.versionId}
                  data-current={v.versionId === data.currentVersionId ? 'true' : undefined}
                >
                  <h3>
                    Version {v.versionId}
                    {v.versionId === data.currentVersionId && <span class="tag">current</span>}
                  </h3>
                  <p class="muted">
                    {formatTimestamp(v.timestampMs)} · schema {v.schemaId}
                    {v.defaultCatalog && <> · catalog {v.defaultCatalog}</>} · namespace{' '}
                    {v.defaultNamespace.join('.') || '—'}
                    {v.summary['engine-name'] && (
                      <>
                        {' '}
                        · by {v.summary['engine-name']} {v.summary['engine-version'] ?? ''}
                      </>
                    )}
                  </p>
                  {v.representations.map((r) => (
                    <figure key={r.dialect} class="sql" data-dialect={r.dialect}>
                      <figcaption>{r.dialect}</figcaption>
                      <pre tabIndex={0}>
                        <code>{r.sql}</code>
                      </pre>
                    </figure>
                  ))}
                </li>
              ))}
            </ol>
          </Part>
          <Part id="schema" title="Schema">
            <SchemaTable schema={data.schema} />
          </Part>
          <Part id="properties" title="Properties">
            <PropertiesTable properties={data.properties} />
          </Part>
        </>
      )}
    </div>
  );
}
