/**
 * Whether one table's client may have an S3 request signed: every key it touches must lie under
 * the table's location, and writes need write access. Pure.
 */
import { ForbiddenError } from '../errors.js';
import { normaliseKey, type ParsedS3Request, type S3Operation } from './s3-request.js';

/** What a table's client may reach: `s3://bucket/prefix/` locations, and how. */
export interface SigningScope {
  /** Table locations as `{bucket, prefix}`; the prefix has no trailing slash. */
  locations: Array<{ bucket: string; prefix: string }>;
  access: 'read' | 'write';
}

const WRITES: ReadonlySet<S3Operation> = new Set([
  'PutObject',
  'UploadPart',
  'CreateMultipartUpload',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'DeleteObject',
  'DeleteObjects',
]);

/** Headers that would make S3 read another object (a copy) or change who can read this one. */
const REFUSED_HEADER =
  /^(x-amz-copy-source.*|x-amz-acl|x-amz-grant-.*|x-amz-bypass-governance-retention|x-amz-object-lock-.*)$/;

function allowedList(scope: SigningScope): string {
  return scope.locations.map((l) => `s3://${l.bucket}/${l.prefix}/`).join(', ');
}

function underScope(scope: SigningScope, bucket: string, key: string): boolean {
  return scope.locations.some((l) => l.bucket === bucket && key.startsWith(`${l.prefix}/`));
}

function requireUnder(scope: SigningScope, bucket: string, key: string, what: string): void {
  if (!underScope(scope, bucket, key)) {
    throw new ForbiddenError(
      `Refusing to sign: ${what} s3://${bucket}/${key} is outside this table's location; allowed: ${allowedList(scope)}`,
    );
  }
}

/** Throws ForbiddenError naming the refused key and the allowed prefix; returns when allowed. */
export function authoriseS3Request(
  req: ParsedS3Request,
  headers: Record<string, string>,
  scope: SigningScope,
): void {
  for (const name of Object.keys(headers)) {
    if (REFUSED_HEADER.test(name)) {
      throw new ForbiddenError(
        `Refusing to sign: header ${name} is not allowed (table clients neither copy objects nor set ACLs)`,
      );
    }
  }
  if (WRITES.has(req.operation) && scope.access !== 'write') {
    throw new ForbiddenError(
      `Refusing to sign: ${req.operation} needs write access to the table; this access is read-only`,
    );
  }
  switch (req.operation) {
    case 'HeadBucket':
      if (!scope.locations.some((l) => l.bucket === req.bucket)) {
        throw new ForbiddenError(
          `Refusing to sign: bucket ${req.bucket} holds no location of this table; allowed: ${allowedList(scope)}`,
        );
      }
      return;
    case 'ListObjects': {
      const prefix = req.query.find(([k]) => k === 'prefix')?.[1];
      if (prefix === undefined || prefix === '') {
        throw new ForbiddenError(
          `Refusing to sign: listing bucket ${req.bucket} needs a prefix under this table's location; allowed: ${allowedList(scope)}`,
        );
      }
      // The query value is already decoded once; it must not decode to anything else again.
      const checked = normaliseKey(encodeURIComponent(prefix), { trailingSlash: true });
      requireUnder(scope, req.bucket, checked, 'list prefix');
      return;
    }
    case 'DeleteObjects':
      // Refused even when every key in the body is the table's: S3-compatible stores need not
      // check the body against the signed payload hash (MinIO deletes the keys of whatever body
      // comes with the signature), so the keys checked here would not bind what is deleted.
      throw new ForbiddenError(
        `Refusing to sign: DeleteObjects (bulk delete) cannot be confined to this table's location, as the signature does not bind its body on every S3 store; delete each object under ${allowedList(scope)} with DeleteObject`,
      );
    default:
      requireUnder(scope, req.bucket, req.key, 'key');
  }
}
