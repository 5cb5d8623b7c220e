import { describe, expect, it } from 'vitest';
import type { DelegationProvider } from '../../../../src/catalog/delegation/index.js';
import { chooseProvider, isFileLocation } from '../../../../src/catalog/http/delegation.js';

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
