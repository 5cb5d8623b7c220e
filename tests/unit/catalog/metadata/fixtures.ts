import type {
  CreateTableRequest,
  Schema,
  TableMetadata,
  TableUpdate,
} from '../../../../src/catalog/metadata/index.js';
import { applyTableUpdates, newTableMetadata } from '../../../../src/catalog/metadata/index.js';

export const NOW = 1_700_000_000_000;
export const UUID = '9c12d441-03fe-4693-9a96-a0705ddf69c1';
export const LOCATION = 's3://bucket/wh/db/t';

export const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  'identifier-field-ids': [1],
  fields: [
    { id: 1, name: 'id', type: 'long', required: true },
    { id: 2, name: 'data', type: 'string', required: false },
    { id: 3, name: 'ts', type: 'timestamptz', required: false },
    {
      id: 4,
      name: 'tags',
      required: false,
      type: { type: 'list', 'element-id': 5, element: 'string', 'element-required': true },
    },
  ],
};

export function createRequest(overrides: Partial<CreateTableRequest> = {}): CreateTableRequest {
  return { name: 't', schema, ...overrides };
}

export function table(
  formatVersion: 1 | 2 | 3 = 2,
  overrides: Partial<CreateTableRequest> = {},
): TableMetadata {
  return newTableMetadata(
    createRequest({
      ...overrides,
      properties: { 'format-version': String(formatVersion), ...overrides.properties },
    }),
    { location: LOCATION, tableUuid: UUID, nowMs: NOW },
  );
}

export function snapshot(id: number, seq: number, extra: Record<string, unknown> = {}) {
  return {
    'snapshot-id': id,
    'sequence-number': seq,
    'timestamp-ms': NOW + id,
    'manifest-list': `${LOCATION}/metadata/snap-${id}.avro`,
    summary: { operation: 'append' as const },
    'schema-id': 0,
    ...extra,
  };
}

/** A v2 table with snapshots 1 <- 2 on main and tag t1 at 1. */
export function tableWithSnapshots(): TableMetadata {
  return apply(table(2), [
    { action: 'add-snapshot', snapshot: snapshot(1, 1) },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 1 },
    { action: 'add-snapshot', snapshot: snapshot(2, 2, { 'parent-snapshot-id': 1 }) },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 2 },
    { action: 'set-snapshot-ref', 'ref-name': 't1', type: 'tag', 'snapshot-id': 1 },
  ]);
}

export function apply(
  base: TableMetadata | undefined,
  updates: TableUpdate[],
  nowMs = NOW + 1000,
): TableMetadata {
  return applyTableUpdates(base, updates, { nowMs });
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
