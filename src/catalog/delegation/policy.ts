/**
 * The session policy a vended credential carries: the catalog's own key may touch the whole
 * warehouse, and STS intersects it with this document, so the keys a client gets reach one
 * table's prefix and nothing else. Pure: no I/O, tested on its own.
 */
import { BadRequestError } from '../errors.js';

export type TableAccess = 'read' | 'write';

export interface S3Prefix {
  bucket: string;
  /** The key prefix without leading or trailing slash, e.g. `warehouse/ns/t`. */
  prefix: string;
}

/** `s3://bucket/a/b/` → `{ bucket, prefix: 'a/b' }`; a non-S3 location is the caller's mistake. */
export function s3PrefixOf(location: string): S3Prefix {
  const match = /^s3[an]?:\/\/([^/]+)\/*(.*?)\/*$/.exec(location);
  if (!match?.[1]) {
    throw new BadRequestError(`Cannot vend credentials for ${location}: not an s3:// location`);
  }
  const bucket = match[1];
  const prefix = match[2] ?? '';
  if (prefix.length === 0) {
    // A table at a bucket's root would get keys to the whole bucket.
    throw new BadRequestError(
      `Cannot vend credentials for ${location}: a table must live under a prefix, not at a bucket's root`,
    );
  }
  // In a policy `*` and `?` are wildcards and `${...}` a variable: such a location would grant
  // more than itself.
  if (/[*?]|\$\{/.test(bucket + prefix)) {
    throw new BadRequestError(
      `Cannot vend credentials for ${location}: the location holds '*', '?' or '\${', which a policy cannot name exactly; move the table`,
    );
  }
  return { bucket, prefix };
}

const READ_ACTIONS = ['s3:GetObject'];
/** Writers put and delete files; large files go up in parts, and a failed upload is aborted. */
const WRITE_ACTIONS = [
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
];

/** The IAM policy document (as STS's `Policy` parameter takes it) for one table prefix. */
export function tableSessionPolicy(location: string, access: TableAccess): string {
  const { bucket, prefix } = s3PrefixOf(location);
  const objects = `arn:aws:s3:::${bucket}/${prefix}/*`;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: access === 'write' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS,
        Resource: [objects],
      },
      {
        // Listing is a bucket action: the condition keeps it to keys under the table's prefix
        // (`prefix/` and below, so a sibling `prefix-other/` stays out of reach).
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`],
        Condition: { StringLike: { 's3:prefix': [`${prefix}/*`] } },
      },
    ],
  });
}
