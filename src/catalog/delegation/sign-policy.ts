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

/** DeleteObjects bodies are small; a bound keeps a hostile one from costing much to scan. */
const MAX_DELETE_BODY = 1024 * 1024;

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

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e]) return named[e];
    return String.fromCodePoint(
      e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
    );
  });
}

/**
 * The keys of a DeleteObjects body (`<Delete><Object><Key>k</Key>...`). Only plain `<Key>`
 * elements are accepted: a CDATA section or a comment could hide a key from a naive scan.
 */
export function deleteObjectsKeys(body: string): string[] {
  if (body.length > MAX_DELETE_BODY) {
    throw new ForbiddenError('Refusing to sign: the DeleteObjects body is over 1 MiB');
  }
  if (/<!|<\?(?!xml\s)/.test(body)) {
    throw new ForbiddenError(
      'Refusing to sign: the DeleteObjects body has a CDATA section, comment or DTD',
    );
  }
  const keys = [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => decodeXml(m[1] ?? ''));
  const opened = (body.match(/<Key[\s>]/g) ?? []).length;
  if (keys.length === 0 || opened !== keys.length) {
    throw new ForbiddenError(
      'Refusing to sign: the DeleteObjects body must list each key as a plain <Key>…</Key>',
    );
  }
  return keys;
}

/** Throws ForbiddenError naming the refused key and the allowed prefix; returns when allowed. */
export function authoriseS3Request(
  req: ParsedS3Request,
  headers: Record<string, string>,
  body: string | undefined,
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
    case 'DeleteObjects': {
      if (body === undefined) {
        throw new ForbiddenError(
          'Refusing to sign: a DeleteObjects request must send its body so its keys can be checked',
        );
      }
      for (const key of deleteObjectsKeys(body)) {
        requireUnder(scope, req.bucket, normaliseKey(encodeURIComponent(key)), 'key');
      }
      return;
    }
    default:
      requireUnder(scope, req.bucket, req.key, 'key');
  }
}
