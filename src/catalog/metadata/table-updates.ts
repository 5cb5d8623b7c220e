/**
 * Applies a commit's updates to table metadata, one handler per action, with the semantics of
 * Java's TableMetadata.Builder (which decides the edge cases pyiceberg leaves open).
 *
 * Handlers never mutate: each replaces the fields it changes in `state.metadata`. A handler records
 * the update in `state.changes` only when it changed something, so a commit that changes nothing
 * returns the base object itself.
 */
import { randomUUID } from 'node:crypto';
import { BadRequestError, IllegalArgumentError } from '../errors.js';
import {
  DEFAULT_FORMAT_VERSION,
  PARTITION_DATA_ID_START,
  SUPPORTED_FORMAT_VERSION,
  UNSORTED_ORDER_ID,
  freshSpec,
  lastAssignedFieldId,
  noCurrentSnapshot,
  withLegacyFields,
} from './new-table.js';
import type {
  FormatVersion,
  Int64,
  SnapshotLogEntry,
  SnapshotReference,
  TableMetadata,
  TableUpdate,
  TableUpdateAction,
} from './schemas.js';
import { deepEqual, idKey, maxOf, withoutNullish, sameId } from './util.js';
import {
  highestFieldId,
  sameSchema,
  sameSortFields,
  sameSpecFields,
  validatePartitionSpec,
  validateSchema,
  validateSortOrder,
} from './validation.js';

export const MAIN_BRANCH = 'main';
/** Passed as an id to mean "the one added last in this commit". */
export const LAST_ADDED = -1;

export interface ApplyTableUpdatesContext {
  nowMs: number;
  /** Location of a table built from nothing when the updates carry no set-location. */
  location?: string;
  /** UUID of a table built from nothing when the updates carry no assign-uuid (random otherwise). */
  tableUuid?: string;
}

interface State {
  metadata: TableMetadata;
  readonly isNew: boolean;
  readonly nowMs: number;
  readonly changes: TableUpdate[];
  readonly addedSnapshotIds: Set<string>;
  lastAddedSchemaId: number | undefined;
  lastAddedSpecId: number | undefined;
  lastAddedOrderId: number | undefined;
  /** Set by add-snapshot (its timestamp) or a main-branch change; `nowMs` otherwise. */
  lastUpdatedMs: number | undefined;
}

type Handler<A extends TableUpdateAction> = (
  update: Extract<TableUpdate, { action: A }>,
  state: State,
) => void;

function invalid(message: string): never {
  throw new BadRequestError(message);
}

/** What Java's TableMetadata.Builder checks with Preconditions.checkArgument. */
function illegal(message: string): never {
  throw new IllegalArgumentError(message);
}

function set(state: State, fields: Partial<TableMetadata>, update: TableUpdate): void {
  state.metadata = { ...state.metadata, ...fields };
  state.changes.push(update);
}

export function currentSnapshotId(metadata: TableMetadata): Int64 | undefined {
  const id = metadata['current-snapshot-id'];
  return id === null || id === undefined || String(id) === '-1' ? undefined : id;
}

function currentSchema(state: State) {
  const m = state.metadata;
  return m.schemas.find((s) => s['schema-id'] === m['current-schema-id']);
}

function requireCurrentSchema(state: State, what: string) {
  return currentSchema(state) ?? invalid(`Cannot add ${what}: the table has no current schema`);
}

const handlers: { [A in TableUpdateAction]: Handler<A> } = {
  'assign-uuid': (u, state) => {
    if (u.uuid === state.metadata['table-uuid']) return;
    if (!state.isNew) {
      invalid(`Cannot reassign table UUID: ${state.metadata['table-uuid']} to ${u.uuid}`);
    }
    set(state, { 'table-uuid': u.uuid }, u);
  },

  'upgrade-format-version': (u, state) => {
    const current = state.metadata['format-version'];
    const target = u['format-version'];
    if (target > SUPPORTED_FORMAT_VERSION) {
      illegal(
        `Cannot upgrade table to unsupported format version: v${target} (supported: v${SUPPORTED_FORMAT_VERSION})`,
      );
    }
    if (target < current) illegal(`Cannot downgrade v${current} table to v${target}`);
    if (target === current) return;
    const version = target as FormatVersion;
    const fields: Partial<TableMetadata> = { 'format-version': version };
    if (version >= 3) {
      // Row lineage starts at 0 for upgraded tables; existing snapshots keep no first-row-id.
      fields['next-row-id'] = state.metadata['next-row-id'] ?? 0;
      if (currentSnapshotId(state.metadata) === undefined) fields['current-snapshot-id'] = null;
    }
    set(state, fields, u);
  },

  'add-schema': (u, state) => {
    const m = state.metadata;
    const lastColumnId = m['last-column-id'];
    validateSchema(u.schema, m['format-version']);
    // The deprecated last-column-id is a hint at most: a stale one (Java 1.10 clients send the
    // value they loaded) is no error, and ids never go backwards. Java's builder ignores it and
    // takes max(last-column-id, highest field id); a higher hint is kept, as ids may skip.
    const newLastColumnId = Math.max(
      u['last-column-id'] ?? lastColumnId,
      lastColumnId,
      highestFieldId(u.schema),
    );

    const existing = m.schemas.find((s) => sameSchema(s, u.schema));
    const schemaId =
      existing?.['schema-id'] ??
      maxOf(
        m.schemas.map((s) => (s['schema-id'] ?? 0) + 1),
        m['current-schema-id'],
      );
    state.lastAddedSchemaId = schemaId;
    if (existing && newLastColumnId === lastColumnId) return;

    const schema = { ...u.schema, 'schema-id': schemaId };
    set(
      state,
      { 'last-column-id': newLastColumnId, schemas: existing ? m.schemas : [...m.schemas, schema] },
      { ...u, schema },
    );
  },

  'set-current-schema': (u, state) => {
    let schemaId = u['schema-id'];
    if (schemaId === LAST_ADDED) {
      schemaId =
        state.lastAddedSchemaId ??
        invalid('Cannot set last added schema: no schema has been added');
    }
    if (schemaId === state.metadata['current-schema-id'] && currentSchema(state)) return;
    if (!state.metadata.schemas.some((s) => s['schema-id'] === schemaId)) {
      illegal(`Cannot set current schema to unknown schema: ${schemaId}`);
    }
    set(state, { 'current-schema-id': schemaId }, u);
  },

  'add-spec': (u, state) => {
    const m = state.metadata;
    const existing = m['partition-specs'].find((s) => sameSpecFields(s, u.spec));
    if (existing) {
      state.lastAddedSpecId = existing['spec-id'];
      return;
    }
    const schema = requireCurrentSchema(state, 'partition spec');
    const specId = maxOf(
      m['partition-specs'].map((s) => (s['spec-id'] ?? 0) + 1),
      0,
    );
    const spec = freshSpec(u.spec, specId, m['last-partition-id'], m['format-version']);
    validatePartitionSpec(spec, schema);
    if (
      m['format-version'] === 1 &&
      spec.fields.some((f, i) => f['field-id'] !== PARTITION_DATA_ID_START + i)
    ) {
      invalid('Invalid partition spec: v1 tables require sequential field ids starting at 1000');
    }
    state.lastAddedSpecId = specId;
    set(
      state,
      {
        'partition-specs': [...m['partition-specs'], spec],
        'last-partition-id': lastAssignedFieldId(spec, m['last-partition-id']),
      },
      { ...u, spec },
    );
  },

  'set-default-spec': (u, state) => {
    let specId = u['spec-id'];
    if (specId === LAST_ADDED) {
      specId =
        state.lastAddedSpecId ?? invalid('Cannot set last added spec: no spec has been added');
    }
    const exists = state.metadata['partition-specs'].some((s) => s['spec-id'] === specId);
    if (!exists) invalid(`Cannot set default partition spec to unknown spec: ${specId}`);
    if (specId === state.metadata['default-spec-id']) return;
    set(state, { 'default-spec-id': specId }, u);
  },

  'add-sort-order': (u, state) => {
    const m = state.metadata;
    const order = u['sort-order'];
    const existing = m['sort-orders'].find((o) =>
      order.fields.length === 0 ? o['order-id'] === UNSORTED_ORDER_ID : sameSortFields(o, order),
    );
    if (existing) {
      state.lastAddedOrderId = existing['order-id'];
      return;
    }
    let orderId = UNSORTED_ORDER_ID;
    if (order.fields.length > 0) {
      validateSortOrder(order, requireCurrentSchema(state, 'sort order'));
      orderId = maxOf(
        m['sort-orders'].map((o) => (o['order-id'] ?? 0) + 1),
        1,
      );
    }
    const fresh = { ...order, 'order-id': orderId };
    state.lastAddedOrderId = orderId;
    set(state, { 'sort-orders': [...m['sort-orders'], fresh] }, { ...u, 'sort-order': fresh });
  },

  'set-default-sort-order': (u, state) => {
    let orderId = u['sort-order-id'];
    if (orderId === LAST_ADDED) {
      orderId =
        state.lastAddedOrderId ??
        invalid('Cannot set last added sort order: no sort order has been added');
    }
    if (!state.metadata['sort-orders'].some((o) => o['order-id'] === orderId)) {
      invalid(`Cannot set default sort order to unknown sort order: ${orderId}`);
    }
    if (orderId === state.metadata['default-sort-order-id']) return;
    set(state, { 'default-sort-order-id': orderId }, u);
  },

  'add-snapshot': (u, state) => {
    const m = state.metadata;
    const snapshot = u.snapshot;
    const id = snapshot['snapshot-id'];
    if (m.schemas.length === 0) invalid('Attempting to add a snapshot before a schema is added');
    if (m['partition-specs'].length === 0)
      invalid('Attempting to add a snapshot before a partition spec is added');
    if (m['sort-orders'].length === 0)
      invalid('Attempting to add a snapshot before a sort order is added');
    if (m.snapshots.some((s) => sameId(s['snapshot-id'], id)))
      invalid(`Snapshot already exists for id: ${id}`);

    const fields: Partial<TableMetadata> = { snapshots: [...m.snapshots, snapshot] };
    const version = m['format-version'];
    if (version >= 2) {
      const seq = snapshot['sequence-number'];
      if (seq === undefined)
        invalid(`Cannot add snapshot ${id} without a sequence-number to a v${version} table`);
      // Java exempts a snapshot without parent (first of a new lineage) from the ordering check.
      const hasParent =
        snapshot['parent-snapshot-id'] !== undefined && snapshot['parent-snapshot-id'] !== null;
      if (seq <= m['last-sequence-number'] && hasParent) {
        invalid(
          `Cannot add snapshot with sequence number ${seq} older than last sequence number ${m['last-sequence-number']}`,
        );
      }
      fields['last-sequence-number'] = Math.max(seq, m['last-sequence-number']);
    }
    if (version >= 3) {
      const firstRowId = snapshot['first-row-id'];
      const addedRows = snapshot['added-rows'];
      const nextRowId = m['next-row-id'] ?? 0;
      if (firstRowId === null || firstRowId === undefined)
        invalid('Cannot add a snapshot: first-row-id is null');
      if (addedRows === null || addedRows === undefined)
        invalid('Cannot add a snapshot: added-rows is null');
      if (firstRowId < nextRowId) {
        invalid(
          `Cannot add a snapshot, first-row-id is behind table next-row-id: ${firstRowId} < ${nextRowId}`,
        );
      }
      // From first-row-id rather than from next-row-id, so no row id this snapshot assigned is handed out again.
      fields['next-row-id'] = firstRowId + addedRows;
    }
    state.lastUpdatedMs = snapshot['timestamp-ms'];
    state.addedSnapshotIds.add(idKey(id));
    set(state, fields, u);
  },

  'set-snapshot-ref': (u, state) => {
    const { action: _action, 'ref-name': name, ...rest } = u;
    const ref = withoutNullish(rest) as SnapshotReference;
    if (ref.type === 'tag') {
      if (ref['min-snapshots-to-keep'] !== undefined)
        invalid(`Invalid ref ${name}: tags do not support min-snapshots-to-keep`);
      if (ref['max-snapshot-age-ms'] !== undefined)
        invalid(`Invalid ref ${name}: tags do not support max-snapshot-age-ms`);
      if (name === MAIN_BRANCH) invalid(`Invalid ref ${name}: the main branch cannot be a tag`);
    }
    for (const key of ['min-snapshots-to-keep', 'max-snapshot-age-ms', 'max-ref-age-ms'] as const) {
      const value = ref[key];
      if (value !== undefined && value !== null && value <= 0)
        invalid(`Invalid ref ${name}: ${key} must be greater than 0`);
    }
    const m = state.metadata;
    const existing = m.refs[name];
    if (existing && deepEqual(withoutNullish(existing), ref)) return;

    const id = ref['snapshot-id'];
    const snapshot = m.snapshots.find((s) => sameId(s['snapshot-id'], id));
    if (!snapshot) invalid(`Cannot set ${name} to unknown snapshot: ${id}`);
    if (state.addedSnapshotIds.has(idKey(id))) state.lastUpdatedMs = snapshot['timestamp-ms'];

    const fields: Partial<TableMetadata> = { refs: { ...m.refs, [name]: ref } };
    if (name === MAIN_BRANCH) {
      state.lastUpdatedMs ??= state.nowMs;
      fields['current-snapshot-id'] = id;
      fields['snapshot-log'] = [
        ...m['snapshot-log'],
        { 'timestamp-ms': state.lastUpdatedMs, 'snapshot-id': id },
      ];
    }
    set(state, fields, u);
  },

  'remove-snapshots': (u, state) => {
    const m = state.metadata;
    const remove = new Set(u['snapshot-ids'].map(idKey));
    const removed = m.snapshots.filter((s) => remove.has(idKey(s['snapshot-id'])));
    // Like Java, ids that are not (or no longer) in the table are ignored: expiry is idempotent.
    if (removed.length === 0) return;
    const gone = new Set(removed.map((s) => idKey(s['snapshot-id'])));
    const refs = Object.fromEntries(
      Object.entries(m.refs).filter(([, r]) => !gone.has(idKey(r['snapshot-id']))),
    );
    const fields: Partial<TableMetadata> = {
      snapshots: m.snapshots.filter((s) => !gone.has(idKey(s['snapshot-id']))),
      refs,
      statistics: m.statistics.filter((s) => !gone.has(idKey(s['snapshot-id']))),
      'partition-statistics': m['partition-statistics'].filter(
        (s) => !gone.has(idKey(s['snapshot-id'])),
      ),
    };
    if (!refs[MAIN_BRANCH] && m.refs[MAIN_BRANCH]) {
      fields['current-snapshot-id'] = noCurrentSnapshot(m['format-version']);
    }
    set(state, fields, { ...u, 'snapshot-ids': removed.map((s) => s['snapshot-id']) });
  },

  'remove-snapshot-ref': (u, state) => {
    const m = state.metadata;
    const name = u['ref-name'];
    if (!m.refs[name]) return;
    const { [name]: _removed, ...refs } = m.refs;
    const fields: Partial<TableMetadata> = { refs };
    if (name === MAIN_BRANCH)
      fields['current-snapshot-id'] = noCurrentSnapshot(m['format-version']);
    set(state, fields, u);
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
    const removals = new Set(u.removals);
    if (!u.removals.some((k) => k in current)) return;
    set(
      state,
      { properties: Object.fromEntries(Object.entries(current).filter(([k]) => !removals.has(k))) },
      u,
    );
  },

  'set-statistics': (u, state) => {
    const stats = u.statistics;
    const current = state.metadata.statistics;
    if (current.some((s) => deepEqual(s, stats))) return;
    const others = current.filter((s) => !sameId(s['snapshot-id'], stats['snapshot-id']));
    set(state, { statistics: [...others, stats] }, u);
  },

  'remove-statistics': (u, state) => {
    const current = state.metadata.statistics;
    if (!current.some((s) => sameId(s['snapshot-id'], u['snapshot-id']))) return;
    set(
      state,
      { statistics: current.filter((s) => !sameId(s['snapshot-id'], u['snapshot-id'])) },
      u,
    );
  },

  'set-partition-statistics': (u, state) => {
    const stats = u['partition-statistics'];
    const current = state.metadata['partition-statistics'];
    if (current.some((s) => deepEqual(s, stats))) return;
    const others = current.filter((s) => !sameId(s['snapshot-id'], stats['snapshot-id']));
    set(state, { 'partition-statistics': [...others, stats] }, u);
  },

  'remove-partition-statistics': (u, state) => {
    const current = state.metadata['partition-statistics'];
    if (!current.some((s) => sameId(s['snapshot-id'], u['snapshot-id']))) return;
    set(
      state,
      {
        'partition-statistics': current.filter((s) => !sameId(s['snapshot-id'], u['snapshot-id'])),
      },
      u,
    );
  },

  'remove-partition-specs': (u, state) => {
    const m = state.metadata;
    const ids = new Set(u['spec-ids']);
    if (ids.has(m['default-spec-id']))
      illegal(`Cannot remove the default partition spec: ${m['default-spec-id']}`);
    const kept = m['partition-specs'].filter((s) => !ids.has(s['spec-id'] ?? 0));
    if (kept.length === m['partition-specs'].length) return;
    set(state, { 'partition-specs': kept }, u);
  },

  'remove-schemas': (u, state) => {
    const m = state.metadata;
    const ids = new Set(u['schema-ids']);
    if (ids.has(m['current-schema-id']))
      illegal(`Cannot remove the current schema: ${m['current-schema-id']}`);
    const kept = m.schemas.filter((s) => !ids.has(s['schema-id'] ?? 0));
    if (kept.length === m.schemas.length) return;
    set(state, { schemas: kept }, u);
  },

  'add-encryption-key': (u, state) => {
    const m = state.metadata;
    if (m['format-version'] < 3) {
      invalid(
        `Cannot add an encryption key to a v${m['format-version']} table: requires format version 3`,
      );
    }
    const key = u['encryption-key'];
    const keys = m['encryption-keys'] ?? [];
    if (keys.some((k) => deepEqual(k, key))) return;
    set(
      state,
      { 'encryption-keys': [...keys.filter((k) => k['key-id'] !== key['key-id']), key] },
      u,
    );
  },

  'remove-encryption-key': (u, state) => {
    const keys = state.metadata['encryption-keys'] ?? [];
    if (!keys.some((k) => k['key-id'] === u['key-id'])) return;
    set(state, { 'encryption-keys': keys.filter((k) => k['key-id'] !== u['key-id']) }, u);
  },
};

/**
 * The starting point of a table built by a commit (a create transaction): no schema, spec, sort
 * order or snapshot yet, ids as Java's empty builder has them.
 */
export function emptyTableMetadata(
  formatVersion: FormatVersion,
  ctx: { tableUuid: string; location: string; nowMs: number },
): TableMetadata {
  const metadata: TableMetadata = {
    'format-version': formatVersion,
    'table-uuid': ctx.tableUuid,
    location: ctx.location,
    'last-sequence-number': 0,
    'last-updated-ms': ctx.nowMs,
    'last-column-id': 0,
    'current-schema-id': 0,
    schemas: [],
    'default-spec-id': 0,
    'partition-specs': [],
    'last-partition-id': PARTITION_DATA_ID_START - 1,
    'default-sort-order-id': UNSORTED_ORDER_ID,
    'sort-orders': [],
    properties: {},
    'current-snapshot-id': noCurrentSnapshot(formatVersion),
    snapshots: [],
    refs: {},
    'snapshot-log': [],
    'metadata-log': [],
    statistics: [],
    'partition-statistics': [],
  };
  if (formatVersion >= 3) metadata['next-row-id'] = 0;
  return metadata;
}

/**
 * Applies `updates` to `base` and returns the new metadata; `base` is never mutated. When nothing
 * changes, returns `base` itself. `base` undefined builds a new table from nothing (the commit of
 * a stage-create or create transaction, whose requirements include assert-create).
 * Throws BadRequestError naming the first invalid update.
 */
export function applyTableUpdates(
  base: TableMetadata | undefined,
  updates: readonly TableUpdate[],
  ctx: ApplyTableUpdatesContext,
): TableMetadata {
  const start = base ?? emptyForUpdates(updates, ctx);
  const state: State = {
    metadata: start,
    isNew: base === undefined,
    nowMs: ctx.nowMs,
    changes: [],
    addedSnapshotIds: new Set(),
    lastAddedSchemaId: undefined,
    lastAddedSpecId: undefined,
    lastAddedOrderId: undefined,
    lastUpdatedMs: undefined,
  };
  updates.forEach((update, index) => {
    const handler = handlers[update.action] as Handler<typeof update.action> | undefined;
    if (!handler)
      invalid(`Invalid update updates[${index}]: unknown action ${JSON.stringify(update.action)}`);
    handler(update, state);
  });
  if (base !== undefined && state.changes.length === 0) return base;

  let metadata = state.metadata;
  if (state.isNew) metadata = completeNewTable(metadata);
  checkConsistency(metadata);
  metadata = {
    ...metadata,
    'snapshot-log': updateSnapshotLog(metadata, state),
    'last-updated-ms': state.lastUpdatedMs ?? state.nowMs,
  };
  return withLegacyFields(metadata);
}

function emptyForUpdates(
  updates: readonly TableUpdate[],
  ctx: ApplyTableUpdatesContext,
): TableMetadata {
  // Like Java's CatalogHandlers: a create transaction starts at the version its first upgrade names.
  const upgrade = updates.find((u) => u.action === 'upgrade-format-version');
  const version = upgrade?.['format-version'] ?? DEFAULT_FORMAT_VERSION;
  if (version !== 1 && version !== 2 && version !== 3) {
    invalid(
      `Cannot create table with unsupported format version: v${version} (supported: v1 to v${SUPPORTED_FORMAT_VERSION})`,
    );
  }
  return emptyTableMetadata(version, {
    tableUuid: ctx.tableUuid ?? randomUUID(),
    location: ctx.location ?? '',
    nowMs: ctx.nowMs,
  });
}

/** A create transaction may leave out the spec and sort order; Java's builder defaults them the same way. */
function completeNewTable(m: TableMetadata): TableMetadata {
  if (m.schemas.length === 0) invalid('Cannot create table: no schema was added');
  if (m.location === '') invalid('Cannot create table: no location was set');
  return {
    ...m,
    'partition-specs':
      m['partition-specs'].length > 0 ? m['partition-specs'] : [{ 'spec-id': 0, fields: [] }],
    'sort-orders':
      m['sort-orders'].length > 0
        ? m['sort-orders']
        : [{ 'order-id': UNSORTED_ORDER_ID, fields: [] }],
  };
}

function checkConsistency(m: TableMetadata): void {
  if (!m.schemas.some((s) => s['schema-id'] === m['current-schema-id'])) {
    invalid(`Invalid metadata: current schema ${m['current-schema-id']} does not exist`);
  }
  if (!m['partition-specs'].some((s) => s['spec-id'] === m['default-spec-id'])) {
    invalid(`Invalid metadata: default partition spec ${m['default-spec-id']} does not exist`);
  }
  if (!m['sort-orders'].some((o) => o['order-id'] === m['default-sort-order-id'])) {
    invalid(`Invalid metadata: default sort order ${m['default-sort-order-id']} does not exist`);
  }
}

/**
 * Java's updateSnapshotLog: drops entries of snapshots that were made current and replaced within
 * this same commit, and when snapshots were removed, drops all history before a removed one (a gap
 * would make time travel answer with the wrong snapshot).
 */
function updateSnapshotLog(m: TableMetadata, state: State): SnapshotLogEntry[] {
  const current = currentSnapshotId(m);
  const intermediate = new Set<string>();
  for (const change of state.changes) {
    if (
      change.action === 'set-snapshot-ref' &&
      change['ref-name'] === MAIN_BRANCH &&
      state.addedSnapshotIds.has(idKey(change['snapshot-id'])) &&
      !sameId(change['snapshot-id'], current)
    ) {
      intermediate.add(idKey(change['snapshot-id']));
    }
  }
  const removedSnapshots = state.changes.some((c) => c.action === 'remove-snapshots');
  if (intermediate.size === 0 && !removedSnapshots) return m['snapshot-log'];

  const existing = new Set(m.snapshots.map((s) => idKey(s['snapshot-id'])));
  let log: SnapshotLogEntry[] = [];
  for (const entry of m['snapshot-log']) {
    const key = idKey(entry['snapshot-id']);
    if (existing.has(key)) {
      if (!intermediate.has(key)) log.push(entry);
    } else if (removedSnapshots) {
      log = [];
    }
  }
  return log;
}
