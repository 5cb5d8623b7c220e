import type { ComponentChildren } from 'preact';
import type { CatalogSchema } from '../../../../src/console/api.js';
import type { Pages } from '../pages.js';
import { PartError } from './Health.js';

/** A part of a table or view page: a section named by its heading. */
export function Part({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ComponentChildren;
}) {
  return (
    <section id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}

/** A wide table scrolls inside its own box, never the page (a phone is 390 px wide). */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** The schema, nested fields indented under their parent; identifier fields marked. */
export function SchemaTable({ schema }: { schema: CatalogSchema }) {
  const identifiers = new Set(schema.identifierFieldIds);
  if (schema.fields.length === 0) return <p class="empty">No fields.</p>;
  return (
    <Scroll label="Schema fields">
      <table class="schema">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Doc</th>
          </tr>
        </thead>
        <tbody>
          {schema.fields.map((f) => (
            <tr key={f.id} data-field-id={f.id} data-path={f.path}>
              <td class="num">{f.id}</td>
              <th
                scope="row"
                class="field-name"
                style={{ paddingLeft: `${0.5 + f.depth * 1.25}rem` }}
                title={f.path}
              >
                {f.depth > 0 && (
                  <span class="sr-only">
                    {`nested in ${f.path.slice(0, f.path.length - f.name.length - 1)}: `}
                  </span>
                )}
                <code>{f.name}</code>
                {identifiers.has(f.id) && (
                  <span class="tag" title="identifier field">
                    identifier
                  </span>
                )}
              </th>
              <td>
                <code>{f.type}</code>
              </td>
              <td>{f.required ? 'required' : 'optional'}</td>
              <td class="wrap">{f.doc ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

export function PropertiesTable({ properties }: { properties: Record<string, string> }) {
  const entries = Object.entries(properties).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p class="empty">No properties.</p>;
  return (
    <Scroll label="Properties">
      <table class="props">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">
                <code>{k}</code>
              </th>
              <td class="wrap">
                <code>{v}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}

/** What a listing shows under its items: its error, a loading line, or the next-page button. */
export function PagesFooter<T>({ pages, what }: { pages: Pages<T>; what: string }) {
  return (
    <>
      {pages.error && <PartError label={`Could not list the ${what}:`} message={pages.error} />}
      {!pages.done && <p class="muted">Loading {what}…</p>}
      {pages.hasMore && (
        <button type="button" class="more" onClick={pages.more} disabled={pages.loading}>
          {pages.loading ? 'Loading…' : `More ${what}`}
        </button>
      )}
    </>
  );
}
