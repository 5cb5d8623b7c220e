/**
 * Applies a view commit's updates (also how replaceView arrives), with the semantics of Java's
 * ViewMetadata.Builder. Like table updates: never mutates, returns the base itself when nothing
 * changed.
 */
import { BadRequestError } from '../errors.js';
import type { ViewMetadata, ViewUpdate, ViewUpdateAction, ViewVersion } from './schemas.js';
import { LAST_ADDED } from './table-updates.js';
import { deepEqual, maxOf } from './util.js';
import { sameSchema, validateSchema } from './validation.js';

export const VIEW_FORMAT_VERSION = 1;
export const VERSION_HISTORY_SIZE_PROPERTY = 'version.history.num-entries';
export const VERSION_HISTORY_SIZE_DEFAULT = 10;

export interface ApplyViewUpdatesContext {
  nowMs: number;
}

interface State {
  metadata: ViewMetadata;
  readonly changes: ViewUpdate[];
  readonly addedVersionIds: Set<number>;
  lastAddedSchemaId: number | undefined;
  lastAddedVersionId: number | undefined;
}

type Handler<A extends ViewUpdateAction> = (
  update: Extract<ViewUpdate, { action: A }>,
  state: State,
) => void;

function invalid(message: string): never {
  throw new BadRequestError(message);
}

function set(state: State, fields: Partial<ViewMetadata>, update: ViewUpdate): void {
  state.metadata = { ...state.metadata, ...fields };
  state.changes.push(update);
}

/** One SQL representation per dialect (case-insensitive), as the view spec requires. */
export function checkRepresentations(version: ViewVersion): void {
  const dialects = new Set<string>();
  for (const r of version.representations) {
    if (r.type.toLowerCase() !== 'sql') continue;
    const dialect = r.dialect.toLowerCase();
    if (dialects.has(dialect))
      invalid(`Invalid view version: Cannot add multiple queries for dialect ${dialect}`);
    dialects.add(dialect);
  }
}

/** Java's sameViewVersion: everything but the version id, timestamp and summary. */
function sameViewVersion(a: ViewVersion, b: ViewVersion): boolean {
  const strip = ({ 'version-id': _v, 'timestamp-ms': _t, summary: _s, ...rest }: ViewVersion) =>
    rest;
  return deepEqual(strip(a), strip(b));
}

const handlers: { [A in ViewUpdateAction]: Handler<A> } = {
  'assign-uuid': (u, state) => {
    if (u.uuid === state.metadata['view-uuid']) return;
    invalid(`Cannot reassign view UUID: ${state.metadata['view-uuid']} to ${u.uuid}`);
  },

  'upgrade-format-version': (u, state) => {
    const current = state.metadata['format-version'];
    const target = u['format-version'];
    if (target > VIEW_FORMAT_VERSION) {
      invalid(
        `Cannot upgrade view to unsupported format version: v${target} (supported: v${VIEW_FORMAT_VERSION})`,
      );
    }
    if (target < current) invalid(`Cannot downgrade v${current} view to v${target}`);
  },

  'add-schema': (u, state) => {
    const m = state.metadata;
    validateSchema(u.schema, 3);
    const existing = m.schemas.find((s) => sameSchema(s, u.schema));
    if (existing) {
      state.lastAddedSchemaId = existing['schema-id'];
      return;
    }
    const schemaId = maxOf(
      m.schemas.map((s) => (s['schema-id'] ?? 0) + 1),
      0,
    );
    const schema = { ...u.schema, 'schema-id': schemaId };
    state.lastAddedSchemaId = schemaId;
    set(state, { schemas: [...m.schemas, schema] }, { ...u, schema });
  },

  'set-location': (u, state) => {
    if (u.location === '') invalid('Invalid location: must not be empty');
    if (u.location === state.metadata.location) return;
    set(state, { location: u.location }, u);
  },

  'set-properties': (u, state) => {
    const current = state.metadata.properties;
    if (Object.entries(u.updates).every(([k, v]) => current[k] === v)) return;
    set(state, { properties: { ...current, ...u.updates } }, u);
  },

  'remove-properties': (u, state) => {
    const current = state.metadata.properties;
    if (!u.removals.some((k) => k in current)) return;
    const removals = new Set(u.removals);
    set(
      state,
      { properties: Object.fromEntries(Object.entries(current).filter(([k]) => !removals.has(k))) },
      u,
    );
  },

  'add-view-version': (u, state) => {
    const m = state.metadata;
    let schemaId = u['view-version']['schema-id'];
    if (schemaId === LAST_ADDED) {
      schemaId =
        state.lastAddedSchemaId ??
        invalid('Cannot set last added schema: no schema has been added');
    }
    if (!m.schemas.some((s) => s['schema-id'] === schemaId)) {
      invalid(`Cannot add version with unknown schema: ${schemaId}`);
    }
    const candidate = { ...u['view-version'], 'schema-id': schemaId };
    checkRepresentations(candidate);
    const existing = m.versions.find((v) => sameViewVersion(v, candidate));
    if (existing) {
      state.lastAddedVersionId = existing['version-id'];
      return;
    }
    // Java keeps the client's id unless it is taken; then it takes the highest + 1.
    const versionId = maxOf(
      m.versions.map((v) => v['version-id'] + 1),
      candidate['version-id'],
    );
    const version = { ...candidate, 'version-id': versionId };
    state.lastAddedVersionId = versionId;
    state.addedVersionIds.add(versionId);
    set(state, { versions: [...m.versions, version] }, { ...u, 'view-version': version });
  },

  'set-current-view-version': (u, state) => {
    let versionId = u['view-version-id'];
    if (versionId === LAST_ADDED) {
      versionId =
        state.lastAddedVersionId ??
        invalid('Cannot set last added view version: no view version has been added');
    }
    const version = state.metadata.versions.find((v) => v['version-id'] === versionId);
    if (!version) invalid(`Cannot set current version to unknown version: ${versionId}`);
    if (versionId === state.metadata['current-version-id']) return;
    set(
      state,
      {
        'current-version-id': versionId,
        'version-log': [
          ...state.metadata['version-log'],
          { 'version-id': versionId, 'timestamp-ms': version['timestamp-ms'] },
        ],
      },
      u,
    );
  },
};

/**
 * Applies `updates` to `base`; returns `base` itself when nothing changed. Throws BadRequestError
 * naming the first invalid update.
 */
export function applyViewUpdates(
  base: ViewMetadata,
  updates: readonly ViewUpdate[],
  _ctx: ApplyViewUpdatesContext,
): ViewMetadata {
  const state: State = {
    metadata: base,
    changes: [],
    addedVersionIds: new Set(),
    lastAddedSchemaId: undefined,
    lastAddedVersionId: undefined,
  };
  updates.forEach((update, index) => {
    const handler = handlers[update.action] as Handler<typeof update.action> | undefined;
    if (!handler)
      invalid(`Invalid update updates[${index}]: unknown action ${JSON.stringify(update.action)}`);
    handler(update, state);
  });
  if (state.changes.length === 0) return base;
  return expireVersions(state.metadata, state.addedVersionIds);
}

/**
 * Keeps the newest `version.history.num-entries` versions (never dropping the current one or one
 * added by this commit) and clears version-log history before any expired version, as Java does.
 */
function expireVersions(m: ViewMetadata, added: Set<number>): ViewMetadata {
  const raw = m.properties[VERSION_HISTORY_SIZE_PROPERTY];
  const historySize = raw === undefined ? VERSION_HISTORY_SIZE_DEFAULT : Number(raw);
  if (!Number.isInteger(historySize) || historySize < 1) {
    invalid(`Invalid ${VERSION_HISTORY_SIZE_PROPERTY}: ${raw} (must be a positive integer)`);
  }
  const mustKeep = new Set([...added, m['current-version-id']]);
  const keepCount = Math.max(historySize, mustKeep.size);
  if (m.versions.length <= keepCount) return m;

  const newestFirst = [...m.versions].sort((a, b) => b['version-id'] - a['version-id']);
  const retained = new Set<number>(mustKeep);
  for (const v of newestFirst) {
    if (retained.size >= keepCount) break;
    retained.add(v['version-id']);
  }
  let log: ViewMetadata['version-log'] = [];
  for (const entry of m['version-log']) {
    if (retained.has(entry['version-id'])) log.push(entry);
    else log = [];
  }
  return {
    ...m,
    versions: m.versions.filter((v) => retained.has(v['version-id'])),
    'version-log': log,
  };
}
