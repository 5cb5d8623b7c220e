import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 in the query string (a presigned request), for S3: the credentials
 * travel in the URL, not in an Authorization header, which the API server's proxy drops after it
 * authenticated the caller. Pure: the same inputs give the same query.
 */
export interface PresignInput {
  method: 'GET' | 'HEAD';
  /** The Host header the server receives (through the API server's proxy: the API server's). */
  host: string;
  /** The path the server receives, e.g. `/` or `/bucket/key`. Not yet URI-encoded. */
  path: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  date: Date;
  expiresSeconds: number;
  /** Other query parameters of the request, unencoded. */
  params?: Record<string, string>;
}

/** RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** `20130524T000000Z` */
export const amzDate = (d: Date): string =>
  d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

/** The query string (without `?`) that authenticates the request: parameters, then the signature. */
export function presignedQuery(input: PresignInput): string {
  const stamp = amzDate(input.date);
  const day = stamp.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const params: Record<string, string> = {
    ...input.params,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${input.accessKeyId}/${scope}`,
    'X-Amz-Date': stamp,
    'X-Amz-Expires': String(input.expiresSeconds),
    'X-Amz-SignedHeaders': 'host',
  };
  const query = Object.keys(params)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(params[k] ?? '')}`)
    .join('&');
  const canonicalPath = input.path.split('/').map(uriEncode).join('/');
  const canonicalRequest = [
    input.method,
    canonicalPath,
    query,
    `host:${input.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), 's3'),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return `${query}&X-Amz-Signature=${signature}`;
}
