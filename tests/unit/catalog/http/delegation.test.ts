import { describe, expect, it } from 'vitest';
import { tableLocations } from '../../../../src/catalog/http/delegation.js';
import { signingLocations } from '../../../../src/catalog/delegation/signing.js';

describe('tableLocations', () => {
  it("reads the table's location and its data and metadata paths from a load result", () => {
    const body = JSON.stringify({
      'metadata-location': 's3://lake/wh/ns/t/metadata/00000-x.metadata.json',
      metadata: {
        'format-version': 2,
        location: 's3://lake/wh/ns/t',
        properties: {
          'write.data.path': 's3://lake/wh/ns/t-data',
          'write.metadata.path': 's3://lake/wh/ns/t-meta/',
          owner: 'x',
        },
      },
      config: {},
    });
    expect(tableLocations(body)).toEqual([
      's3://lake/wh/ns/t',
      's3://lake/wh/ns/t-data',
      's3://lake/wh/ns/t-meta/',
    ]);
    expect(signingLocations(tableLocations(body))).toEqual([
      { bucket: 'lake', prefix: 'wh/ns/t' },
      { bucket: 'lake', prefix: 'wh/ns/t-data' },
      { bucket: 'lake', prefix: 'wh/ns/t-meta' },
    ]);
  });

  it('leaves out locations that are not in S3, and a bucket root (nothing to confine to)', () => {
    expect(
      signingLocations(['file:///data/t', 's3://lake', 's3://lake/', 's3a://lake/wh/t']),
    ).toEqual([{ bucket: 'lake', prefix: 'wh/t' }]);
  });
});
