/** Metadata of a view created in one request (createView). */
import type { CreateViewRequest, ViewMetadata } from './schemas.js';
import { validateSchema } from './validation.js';
import { checkRepresentations } from './view-updates.js';

export interface NewViewContext {
  /** The resolved view location (request.location or the warehouse/namespace default). */
  location: string;
  viewUuid: string;
  nowMs: number;
}

export function newViewMetadata(request: CreateViewRequest, ctx: NewViewContext): ViewMetadata {
  const schema = { ...request.schema, 'schema-id': 0 };
  // View schemas carry no format-version restriction of their own; v3 types are allowed.
  validateSchema(schema, 3);
  const requested = request['view-version'];
  // The spec: the version's schema-id is replaced by the id assigned to the request's schema.
  const version = { ...requested, 'schema-id': 0 };
  checkRepresentations(version);
  return {
    'view-uuid': ctx.viewUuid,
    'format-version': 1,
    location: ctx.location,
    'current-version-id': version['version-id'],
    versions: [version],
    'version-log': [
      { 'version-id': version['version-id'], 'timestamp-ms': version['timestamp-ms'] },
    ],
    schemas: [schema],
    properties: request.properties ?? {},
  };
}
