import type {
  CatalogRef,
  CatalogSnapshot,
  CatalogTable as Table,
} from '../../../../src/console/api.js';
import {
  catalogApi,
  formatAge,
  formatBytes,
  formatCount,
  formatTimestamp,
  namespaceLevels,
} from '../catalog.js';
import { getJson } from '../client.js';
import { Part, PropertiesTable, SchemaTable, Scroll } from '../components/Catalog.js';
import { PartError } from '../components/Health.js';
import { usePoll } from '../poll.js';
import { useTitle } from '../title.js';

interface Params {
  warehouse?: string;
  namespace?: string;
  table?: string;
}

/** One table as loadTable gives it: schema, partitioning, sorting, snapshots and logs. */
export function CatalogTable({ warehouse = '', namespace: nsParam, table = '' }: Params) {
  const namespace = namespaceLevels(nsParam);
  useTitle(`${namespace.join('.')}.${table}`);
  const { data, error } = usePoll(
    (signal) => getJson<Table>(catalogApi.table(warehouse, namespace, table), signal),
    0,
    [warehouse, nsParam, table],
  );
  return (
    <div class="view catalog-table" data-loaded={data ? 'true' : 'false'}>
      <header class="view-head">
        <h1 class="wrap">
          <span class="muted">{namespace.join('.')}.</span>
          {table}
        </h1>
        <p class="crumbs">
          <a href="/catalog">Catalog</a> › warehouse {warehouse} › table
        </p>
      </header>
      {error && <PartError label="Could not read the table:" message={error} />}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && <TableParts t={data} />}
    </div>
  );
}

function TableParts({ t }: { t: Table }) {
  const current = t.snapshots.find((s) => s.snapshotId === t.currentSnapshotId);
  return (
    <>
      <dl class="facts">
        <dt>Location</dt>
        <dd class="wrap">
          <code>{t.location}</code>
        </dd>
        <dt>Metadata file</dt>
        <dd class="wrap">
          <code>{t.metadataLocation ?? '—'}</code>
        </dd>
        <dt>UUID</dt>
        <dd>
          <code>{t.tableUuid}</code>
        </dd>
        <dt>Format version</dt>
        <dd>{t.formatVersion}</dd>
        <dt>Last updated</dt>
        <dd>{formatTimestamp(t.lastUpdatedMs)}</dd>
      </dl>
      <Part id="schema" title="Schema">
        <p class="muted">
          Schema {t.schema.schemaId} ({t.schemaCount} in the table's history)
        </p>
        <SchemaTable schema={t.schema} />
      </Part>
      <Part id="partition-spec" title="Partition spec">
        <p class="muted">
          Spec {t.partitionSpec.specId} ({t.specCount} in the table's history)
        </p>
        {t.partitionSpec.fields.length === 0 ? (
          <p class="empty">Unpartitioned.</p>
        ) : (
          <Scroll label="Partition fields">
            <table>
              <thead>
                <tr>
                  <th scope="col">Field ID</th>
                  <th scope="col">Name</th>
                  <th scope="col">Source</th>
                  <th scope="col">Transform</th>
                </tr>
              </thead>
              <tbody>
                {t.partitionSpec.fields.map((f) => (
                  <tr key={f.fieldId}>
                    <td class="num">{f.fieldId}</td>
                    <th scope="row">
                      <code>{f.name}</code>
                    </th>
                    <td>
                      <code>{f.sourceName || `dropped column ${f.sourceId}`}</code>{' '}
                      <span class="muted">({f.sourceId})</span>
                    </td>
                    <td>
                      <code>{f.transform}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </Part>
      <Part id="sort-order" title="Sort order">
        {t.sortOrder.fields.length === 0 ? (
          <p class="empty">Unsorted.</p>
        ) : (
          <Scroll label="Sort fields">
            <table>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Transform</th>
                  <th scope="col">Direction</th>
                  <th scope="col">Nulls</th>
                </tr>
              </thead>
              <tbody>
                {t.sortOrder.fields.map((f, i) => (
                  <tr key={i}>
                    <th scope="row">
                      <code>{f.sourceName || `dropped column ${f.sourceId}`}</code>
                    </th>
                    <td>
                      <code>{f.transform}</code>
                    </td>
                    <td>{f.direction}</td>
                    <td>{f.nullOrder}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </Part>
      <Part id="properties" title="Properties">
        <PropertiesTable properties={t.properties} />
      </Part>
      <Part id="current-snapshot" title="Current snapshot">
        {current ? (
          <SnapshotFacts s={current} />
        ) : (
          <p class="empty">No snapshot: the table holds no data yet.</p>
        )}
      </Part>
      <Part id="snapshots" title="Snapshots">
        {t.snapshots.length === 0 ? (
          <p class="empty">No snapshots.</p>
        ) : (
          <ol class="timeline" aria-label="Snapshots, newest first">
            {t.snapshots.map((s) => (
              <li
                key={s.snapshotId}
                data-snapshot-id={s.snapshotId}
                data-current={s.snapshotId === t.currentSnapshotId ? 'true' : undefined}
              >
                <SnapshotFacts s={s} />
              </li>
            ))}
          </ol>
        )}
      </Part>
      <Part id="refs" title="Refs">
        <Refs refs={t.refs} />
      </Part>
      <Part id="metadata-log" title="Metadata log">
        {t.metadataLog.length === 0 ? (
          <p class="empty">No earlier metadata files.</p>
        ) : (
          <Scroll label="Metadata log">
            <table>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Metadata file</th>
                </tr>
              </thead>
              <tbody>
                {t.metadataLog.map((e) => (
                  <tr key={e.metadataFile}>
                    <td class="nowrap">{formatTimestamp(e.timestampMs)}</td>
                    <td class="wrap">
                      <code>{e.metadataFile}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </Part>
    </>
  );
}

/** The summary's counts as they read; "—" where the writer recorded none. */
const countsOf = (s: CatalogSnapshot): [string, string][] => [
  ['Files added', formatCount(s.addedFiles)],
  ['Files deleted', formatCount(s.deletedFiles)],
  ['Records added', formatCount(s.addedRecords)],
  ['Records deleted', formatCount(s.deletedRecords)],
  ['Bytes added', formatBytes(s.addedBytes)],
  ['Bytes removed', formatBytes(s.removedBytes)],
  ['Total records', formatCount(s.totalRecords)],
];

/** A snapshot's operation, time and the summary's counts; the whole summary on demand. */
function SnapshotFacts({ s }: { s: CatalogSnapshot }) {
  return (
    <div class="snapshot">
      <p class="snapshot-head">
        <span class={`op op-${s.operation}`}>{s.operation}</span>{' '}
        <time dateTime={new Date(s.timestampMs).toISOString()}>
          {formatTimestamp(s.timestampMs)}
        </time>{' '}
        <span class="muted">
          snapshot <code>{s.snapshotId}</code>
          {s.parentSnapshotId && (
            <>
              {' '}
              after <code>{s.parentSnapshotId}</code>
            </>
          )}
        </span>
      </p>
      <dl class="counts">
        {countsOf(s).map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <details>
        <summary>Whole summary</summary>
        <Scroll label={`Summary of snapshot ${s.snapshotId}`}>
          <table class="props">
            <tbody>
              {Object.entries(s.summary).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td class="wrap">
                    <code>{v}</code>
                  </td>
                </tr>
              ))}
              <tr>
                <th scope="row">sequence number</th>
                <td>{s.sequenceNumber}</td>
              </tr>
              <tr>
                <th scope="row">schema id</th>
                <td>{s.schemaId ?? '—'}</td>
              </tr>
              <tr>
                <th scope="row">manifest list</th>
                <td class="wrap">
                  <code>{s.manifestList}</code>
                </td>
              </tr>
            </tbody>
          </table>
        </Scroll>
      </details>
    </div>
  );
}

function Refs({ refs }: { refs: CatalogRef[] }) {
  if (refs.length === 0) return <p class="empty">No branches or tags.</p>;
  return (
    <Scroll label="Refs">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Snapshot</th>
            <th scope="col">Retention</th>
          </tr>
        </thead>
        <tbody>
          {refs.map((r) => (
            <tr key={r.name} data-ref={r.name}>
              <th scope="row">
                <code>{r.name}</code>
              </th>
              <td>{r.type}</td>
              <td>
                <code>{r.snapshotId}</code>
              </td>
              <td>
                {[
                  r.maxRefAgeMs !== undefined && `ref kept ${formatAge(r.maxRefAgeMs)}`,
                  r.maxSnapshotAgeMs !== undefined &&
                    `snapshots kept ${formatAge(r.maxSnapshotAgeMs)}`,
                  r.minSnapshotsToKeep !== undefined && `at least ${r.minSnapshotsToKeep} kept`,
                ]
                  .filter(Boolean)
                  .join(', ') || 'table default'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
