import { z } from 'zod';
import { viewMetadataSchema } from '../../catalog/metadata/index.js';
import type { CatalogView, CatalogViewVersion } from '../api.js';
import { toCatalogSchema } from './schema.js';
import { parseAnswer } from './shape.js';

/** The REST spec's LoadViewResult; `config` is never read. */
const loadViewResultSchema = z.looseObject({
  'metadata-location': z.string().nullish(),
  metadata: viewMetadataSchema,
});

/**
 * A loadView answer as the page shows it: every version newest first with its SQL per dialect,
 * the current version's schema. Throws a ShapeError when the answer is not a LoadViewResult.
 */
export function toCatalogView(namespace: string[], name: string, answer: unknown): CatalogView {
  const { metadata: m, 'metadata-location': metadataLocation } = parseAnswer(
    loadViewResultSchema,
    answer,
    'loadView',
  );
  const current = m.versions.find((v) => v['version-id'] === m['current-version-id']);
  const schema = m.schemas.find((s) => (s['schema-id'] ?? 0) === current?.['schema-id']);
  const versions = m.versions
    .map((v): CatalogViewVersion => ({
      versionId: v['version-id'],
      timestampMs: v['timestamp-ms'],
      schemaId: v['schema-id'],
      summary: v.summary,
      defaultCatalog: v['default-catalog'] ?? null,
      defaultNamespace: v['default-namespace'],
      // The view spec has one representation type, sql; another would carry no SQL to show.
      representations: v.representations
        .filter((r) => r.type === 'sql')
        .map((r) => ({ dialect: r.dialect, sql: r.sql })),
    }))
    .sort((a, b) => b.versionId - a.versionId);
  return {
    namespace,
    name,
    metadataLocation: metadataLocation ?? null,
    location: m.location,
    viewUuid: m['view-uuid'],
    formatVersion: m['format-version'],
    currentVersionId: m['current-version-id'],
    schema: schema
      ? toCatalogSchema(schema)
      : { schemaId: current?.['schema-id'] ?? -1, identifierFieldIds: [], fields: [] },
    properties: m.properties,
    versions,
    versionLog: m['version-log']
      .map((e) => ({ timestampMs: e['timestamp-ms'], versionId: e['version-id'] }))
      // Appended in commit order: newest last.
      .reverse(),
  };
}
