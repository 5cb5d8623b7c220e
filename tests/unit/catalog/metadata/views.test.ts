import { describe, expect, it } from 'vitest';
import { BadRequestError, CommitFailedError } from '../../../../src/catalog/errors.js';
import {
  applyViewUpdates,
  checkViewRequirements,
  commitViewRequestSchema,
  createViewRequestSchema,
  newViewMetadata,
  parseOrBadRequest,
  viewMetadataSchema,
  type CreateViewRequest,
  type ViewMetadata,
  type ViewUpdate,
  type ViewVersion,
} from '../../../../src/catalog/metadata/index.js';
import { NOW, deepFreeze } from './fixtures.js';

const VIEW_UUID = '2bd0e1f4-7ab4-4b1a-a3e0-0a7a2d5b1c11';
const LOC = 's3://bucket/wh/db/v';

const viewSchema = {
  type: 'struct' as const,
  'schema-id': 5,
  fields: [{ id: 1, name: 'n', type: 'long', required: false }],
};
const schemaB = {
  type: 'struct' as const,
  fields: [{ id: 1, name: 'm', type: 'string', required: false }],
};

function version(id: number, sql: string, schemaId = 0, ts = NOW): ViewVersion {
  return {
    'version-id': id,
    'timestamp-ms': ts,
    'schema-id': schemaId,
    summary: { 'engine-name': 'spark' },
    representations: [{ type: 'sql', sql, dialect: 'spark' }],
    'default-namespace': ['db'],
  };
}

function createRequest(): CreateViewRequest {
  return {
    name: 'v',
    schema: viewSchema,
    'view-version': version(1, 'SELECT 1', 5),
    properties: { comment: 'c' },
  };
}

function view(): ViewMetadata {
  return newViewMetadata(createRequest(), { location: LOC, viewUuid: VIEW_UUID, nowMs: NOW });
}

const apply = (base: ViewMetadata, updates: ViewUpdate[]) =>
  applyViewUpdates(base, updates, { nowMs: NOW + 10 });

function rejects(base: ViewMetadata, updates: ViewUpdate[], message: string) {
  expect(() => apply(base, updates)).toThrow(new BadRequestError(message));
}

/** A replaceView as Java's RESTViewOperations sends it. */
function replace(sql: string, ts: number): ViewUpdate[] {
  return [
    { action: 'add-schema', schema: schemaB },
    { action: 'add-view-version', 'view-version': version(99, sql, -1, ts) },
    { action: 'set-current-view-version', 'view-version-id': -1 },
  ];
}

describe('newViewMetadata', () => {
  it('assigns schema id 0 and points the version at it', () => {
    expect(view()).toEqual({
      'view-uuid': VIEW_UUID,
      'format-version': 1,
      location: LOC,
      'current-version-id': 1,
      versions: [version(1, 'SELECT 1', 0)],
      'version-log': [{ 'version-id': 1, 'timestamp-ms': NOW }],
      schemas: [{ ...viewSchema, 'schema-id': 0 }],
      properties: { comment: 'c' },
    });
    expect(viewMetadataSchema.parse(JSON.parse(JSON.stringify(view())))).toEqual(view());
  });

  it('omits a null default-catalog (the spec says string) in creates, replaces and registers', () => {
    const sent = {
      ...createRequest(),
      'view-version': { ...version(1, 'SELECT 1', 5), 'default-catalog': null },
    };
    const created = newViewMetadata(parseOrBadRequest(createViewRequestSchema, sent, 'create'), {
      location: LOC,
      viewUuid: VIEW_UUID,
      nowMs: NOW,
    });
    expect(created.versions[0]).toEqual(version(1, 'SELECT 1', 0));
    expect('default-catalog' in (created.versions[0] ?? {})).toBe(false);

    const commit = parseOrBadRequest(
      commitViewRequestSchema,
      {
        updates: [
          {
            action: 'add-view-version',
            'view-version': { ...version(2, 'SELECT 2'), 'default-catalog': null },
          },
          { action: 'set-current-view-version', 'view-version-id': -1 },
        ],
      },
      'replace',
    );
    const replaced = apply(created, commit.updates);
    expect(replaced.versions.map((v) => 'default-catalog' in v)).toEqual([false, false]);

    const file = JSON.parse(JSON.stringify(created)) as { versions: Record<string, unknown>[] };
    file.versions[0] = { ...file.versions[0], 'default-catalog': null };
    expect(viewMetadataSchema.parse(file)).toEqual(created);
    // A set default-catalog is kept.
    const named = parseOrBadRequest(
      createViewRequestSchema,
      { ...sent, 'view-version': { ...sent['view-version'], 'default-catalog': 'prod' } },
      'create',
    );
    expect(named['view-version']['default-catalog']).toBe('prod');
  });

  it('rejects two queries for one dialect', () => {
    const v = version(1, 'SELECT 1');
    v.representations.push({ type: 'sql', sql: 'SELECT 2', dialect: 'SPARK' });
    expect(() =>
      newViewMetadata(
        { ...createRequest(), 'view-version': v },
        { location: LOC, viewUuid: VIEW_UUID, nowMs: NOW },
      ),
    ).toThrow(
      new BadRequestError('Invalid view version: Cannot add multiple queries for dialect spark'),
    );
  });
});

describe('applyViewUpdates', () => {
  it('replaces the view: new schema, new version, current version and log', () => {
    const base = deepFreeze(view());
    const copy = structuredClone(base);
    const m = apply(base, replace('SELECT 2', NOW + 5));
    expect(base).toEqual(copy);
    expect(m.schemas).toEqual([
      { ...viewSchema, 'schema-id': 0 },
      { ...schemaB, 'schema-id': 1 },
    ]);
    expect(m.versions).toEqual([version(1, 'SELECT 1', 0), version(99, 'SELECT 2', 1, NOW + 5)]);
    expect(m['current-version-id']).toBe(99);
    expect(m['version-log']).toEqual([
      { 'version-id': 1, 'timestamp-ms': NOW },
      { 'version-id': 99, 'timestamp-ms': NOW + 5 },
    ]);
  });

  it('takes the next id when the requested version id is taken', () => {
    const m = apply(view(), [
      { action: 'add-view-version', 'view-version': version(1, 'SELECT 3') },
      { action: 'set-current-view-version', 'view-version-id': -1 },
    ]);
    expect(m.versions.map((v) => v['version-id'])).toEqual([1, 2]);
    expect(m['current-version-id']).toBe(2);
  });

  it('reuses an identical version and schema; a no-op returns the base', () => {
    const base = view();
    expect(
      apply(base, [
        { action: 'add-schema', schema: viewSchema },
        { action: 'add-view-version', 'view-version': version(7, 'SELECT 1', -1, NOW + 99) },
        { action: 'set-current-view-version', 'view-version-id': -1 },
        { action: 'set-properties', updates: { comment: 'c' } },
        { action: 'remove-properties', removals: ['x'] },
        { action: 'set-location', location: LOC },
        { action: 'assign-uuid', uuid: VIEW_UUID },
        { action: 'upgrade-format-version', 'format-version': 1 },
      ]),
    ).toBe(base);
  });

  it('set-current-view-version rolls back to an older version', () => {
    const replaced = apply(view(), replace('SELECT 2', NOW + 5));
    const m = apply(replaced, [{ action: 'set-current-view-version', 'view-version-id': 1 }]);
    expect(m['current-version-id']).toBe(1);
    expect(m['version-log'].map((e) => e['version-id'])).toEqual([1, 99, 1]);
  });

  it('set-location, set-properties, remove-properties', () => {
    const m = apply(view(), [
      { action: 'set-location', location: 's3://else' },
      { action: 'set-properties', updates: { a: '1' } },
      { action: 'remove-properties', removals: ['comment'] },
    ]);
    expect(m.location).toBe('s3://else');
    expect(m.properties).toEqual({ a: '1' });
  });

  it('expires versions beyond version.history.num-entries and their history', () => {
    let m = apply(view(), [
      { action: 'set-properties', updates: { 'version.history.num-entries': '2' } },
    ]);
    m = apply(m, replace('SELECT 2', NOW + 1));
    m = apply(m, [
      { action: 'add-view-version', 'view-version': version(0, 'SELECT 3', 1, NOW + 2) },
      { action: 'set-current-view-version', 'view-version-id': -1 },
    ]);
    expect(m.versions.map((v) => v['version-id'])).toEqual([99, 100]);
    expect(m['version-log']).toEqual([
      { 'version-id': 99, 'timestamp-ms': NOW + 1 },
      { 'version-id': 100, 'timestamp-ms': NOW + 2 },
    ]);
  });

  it('rejects invalid updates', () => {
    const base = view();
    rejects(
      base,
      [{ action: 'assign-uuid', uuid: 'x' }],
      `Cannot reassign view UUID: ${VIEW_UUID} to x`,
    );
    rejects(
      base,
      [{ action: 'upgrade-format-version', 'format-version': 2 }],
      'Cannot upgrade view to unsupported format version: v2 (supported: v1)',
    );
    rejects(
      base,
      [{ action: 'add-view-version', 'view-version': version(2, 'SELECT 2', 4) }],
      'Cannot add version with unknown schema: 4',
    );
    rejects(
      base,
      [{ action: 'add-view-version', 'view-version': version(2, 'SELECT 2', -1) }],
      'Cannot set last added schema: no schema has been added',
    );
    rejects(
      base,
      [{ action: 'set-current-view-version', 'view-version-id': 3 }],
      'Cannot set current version to unknown version: 3',
    );
    rejects(
      base,
      [{ action: 'set-current-view-version', 'view-version-id': -1 }],
      'Cannot set last added view version: no view version has been added',
    );
  });

  it('parses a commit view request', () => {
    const request = parseOrBadRequest(
      commitViewRequestSchema,
      {
        requirements: [{ type: 'assert-view-uuid', uuid: VIEW_UUID }],
        updates: replace('SELECT 2', NOW),
      },
      'view commit',
    );
    expect(request.updates).toHaveLength(3);
  });
});

describe('checkViewRequirements', () => {
  it('assert-view-uuid passes on a match and fails otherwise', () => {
    expect(() =>
      checkViewRequirements(view(), [{ type: 'assert-view-uuid', uuid: VIEW_UUID }]),
    ).not.toThrow();
    expect(() =>
      checkViewRequirements(view(), [{ type: 'assert-view-uuid', uuid: 'other' }]),
    ).toThrow(
      new CommitFailedError(
        `Requirement failed: view UUID does not match: expected other != ${VIEW_UUID}`,
      ),
    );
    expect(() =>
      checkViewRequirements(undefined, [{ type: 'assert-view-uuid', uuid: 'other' }]),
    ).toThrow(new CommitFailedError('Requirement failed: view does not exist (assert-view-uuid)'));
  });
});
