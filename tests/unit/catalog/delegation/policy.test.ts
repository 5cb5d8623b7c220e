import { describe, expect, it } from 'vitest';
import { s3PrefixOf, tableSessionPolicy } from '../../../../src/catalog/delegation/policy.js';

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

const statements = (location: string, access: 'read' | 'write'): Statement[] =>
  (JSON.parse(tableSessionPolicy(location, access)) as { Statement: Statement[] }).Statement;

describe('tableSessionPolicy', () => {
  it('lets a reader get objects under the table prefix and list only that prefix', () => {
    expect(statements('s3://bkt/wh/ns/t', 'read')).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bkt/wh/ns/t/*'] },
      {
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::bkt'],
        Condition: { StringLike: { 's3:prefix': ['wh/ns/t/*'] } },
      },
    ]);
  });

  it('adds put, delete and the multipart actions for a writer, on the same prefix only', () => {
    const [objects, list] = statements('s3://bkt/wh/ns/t', 'write');
    expect(objects!.Action).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:DeleteObject',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ]);
    expect(objects!.Resource).toEqual(['arn:aws:s3:::bkt/wh/ns/t/*']);
    expect(list!.Action).toEqual(['s3:ListBucket']);
  });

  it('names no wildcard that reaches a sibling whose name extends the table', () => {
    // `t/*`, not `t*`: s3://bkt/wh/ns/t2 stays out.
    const text = tableSessionPolicy('s3://bkt/wh/ns/t', 'write');
    expect(text).not.toMatch(/ns\/t\*/);
    expect(text).not.toContain('"arn:aws:s3:::*"');
  });

  it('treats s3a:// and trailing slashes as the same prefix', () => {
    expect(tableSessionPolicy('s3a://bkt/wh/t/', 'read')).toBe(
      tableSessionPolicy('s3://bkt/wh/t', 'read'),
    );
  });
});

describe('s3PrefixOf', () => {
  it('splits bucket and prefix', () => {
    expect(s3PrefixOf('s3://bkt/a/b/c')).toEqual({ bucket: 'bkt', prefix: 'a/b/c' });
  });

  it.each([
    ['file:///tmp/wh/t', /not an s3:\/\/ location/],
    ['s3://bkt', /bucket's root/],
    ['s3://bkt/', /bucket's root/],
    ['s3://bkt/wh/*', /'\*', '\?' or '\$\{'/],
    ['s3://bkt/wh/t?', /'\*', '\?' or '\$\{'/],
    ['s3://bkt/wh/${aws:username}', /'\*', '\?' or '\$\{'/],
  ])('refuses %s with a 400', (location, message) => {
    expect(() => s3PrefixOf(location)).toThrow(message);
    try {
      s3PrefixOf(location);
    } catch (err) {
      expect((err as { status: number }).status).toBe(400);
    }
  });
});
