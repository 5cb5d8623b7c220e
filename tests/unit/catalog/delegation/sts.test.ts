import { describe, expect, it } from 'vitest';
import { parseAssumeRoleResponse, StsError } from '../../../../src/catalog/delegation/sts.js';

const OK = `<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId></AssumedRoleUser><Credentials><AccessKeyId>AKID</AccessKeyId><SecretAccessKey>se/cr+et&amp;</SecretAccessKey><SessionToken>tok.en</SessionToken><Expiration>2026-12-03T22:40:43Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;

describe('parseAssumeRoleResponse', () => {
  it('reads the credentials and their expiry (MinIO answer shape)', () => {
    expect(parseAssumeRoleResponse(200, OK)).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'se/cr+et&',
      sessionToken: 'tok.en',
      expiresAtMs: Date.UTC(2026, 11, 3, 22, 40, 43),
    });
  });

  it("turns STS's error into an StsError with its code and message", () => {
    const xml =
      '<ErrorResponse><Error><Type></Type><Code>AccessDenied</Code><Message>Access denied: root</Message></Error></ErrorResponse>';
    expect(() => parseAssumeRoleResponse(403, xml)).toThrow(
      new StsError('AccessDenied: Access denied: root', 'AccessDenied'),
    );
  });

  it('refuses an answer without credentials or expiry rather than returning half of one', () => {
    expect(() =>
      parseAssumeRoleResponse(200, OK.replace(/<SessionToken>.*<\/SessionToken>/, '')),
    ).toThrow(/lacks credentials/);
    expect(() => parseAssumeRoleResponse(200, OK.replace('2026-12-03T22:40:43Z', 'soon'))).toThrow(
      /lacks credentials/,
    );
    expect(() => parseAssumeRoleResponse(502, 'Bad gateway')).toThrow(/HTTP502: HTTP 502/);
  });
});
