import { describe, expect, it } from 'vitest';
import type { DelegationProvider } from '../../../../src/catalog/delegation/index.js';
import {
  chooseProvider,
  isFileLocation,
  tableLocations,
} from '../../../../src/catalog/http/delegation.js';
import { signingLocations } from '../../../../src/catalog/delegation/signing.js';

const provider = (mechanism: DelegationProvider['mechanism']): DelegationProvider => ({
  mechanism,
  grant: async () => ({ config: {}, storageCredentials: [] }),
});
const vended = provider('vended-credentials');
const signing = provider('remote-signing');

describe('chooseProvider', () => {
  it("takes the first mechanism in the client's order that the server has", () => {
    expect(chooseProvider([vended, signing], 'remote-signing, vended-credentials')).toBe(signing);
    expect(chooseProvider([vended, signing], 'vended-credentials,remote-signing')).toBe(vended);
    expect(chooseProvider([vended], 'remote-signing, vended-credentials')).toBe(vended);
  });

  it('gives none when the client asks for nothing the server has', () => {
    expect(chooseProvider([vended], undefined)).toBeUndefined();
    expect(chooseProvider([vended], 'remote-signing')).toBeUndefined();
    expect(chooseProvider([vended], 'carrier-pigeon')).toBeUndefined();
    expect(chooseProvider([], 'vended-credentials')).toBeUndefined();
  });
});

describe('isFileLocation', () => {
  it('tells file tables from S3 ones', () => {
    expect(isFileLocation('file:///tmp/wh/t')).toBe(true);
    expect(isFileLocation('/tmp/wh/t')).toBe(true);
    expect(isFileLocation('s3://bkt/wh/t')).toBe(false);
  });
});

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
