/**
 * What an S3 request a client asks us to sign would do: which bucket, which object key, which
 * operation. Pure. The signer then signs only the canonical URI built here from the checked
 * values, never the client's own spelling, so what was checked is exactly what S3 will execute.
 */
import { BadRequestError, ForbiddenError } from '../errors.js';

/** Where the catalog's S3 lives, as the client must address it. */
export interface S3Endpoint {
  protocol: 'http:' | 'https:';
  /** Lower-case host name (an IPv6 address in brackets). */
  hostname: string;
  /** The explicit port, or '' for the protocol's default. */
  port: string;
}

export type S3Operation =
  | 'GetObject'
  | 'HeadObject'
  | 'PutObject'
  | 'UploadPart'
  | 'CreateMultipartUpload'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'ListObjects'
  | 'HeadBucket';

export interface ParsedS3Request {
  operation: S3Operation;
  method: string;
  bucket: string;
  /** The decoded object key; '' for a bucket-level request. */
  key: string;
  /** Decoded query parameters in the client's order. */
  query: Array<[string, string]>;
  /** Whether the client addressed the bucket in the host name rather than the path. */
  virtualHost: boolean;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseEndpoint(endpoint: string): S3Endpoint {
  const url = new URL(endpoint);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`S3 endpoint ${endpoint} is not http(s)`);
  }
  return { protocol: url.protocol, hostname: url.hostname.toLowerCase(), port: url.port };
}

function forbidden(message: string): never {
  throw new ForbiddenError(`Refusing to sign: ${message}`);
}

/**
 * Percent-decodes an object key and checks it is one plain path: no empty, `.` or `..` segments
 * (S3 keeps them literally, but other stores and tools resolve them), no control characters, no
 * backslashes. `%2F` decodes to `/` as S3 does, so an encoded slash cannot hide a segment.
 * A trailing `/` is allowed only where the caller says so (a list prefix).
 */
export function normaliseKey(raw: string, opts: { trailingSlash?: boolean } = {}): string {
  let key: string;
  try {
    key = decodeURIComponent(raw);
  } catch {
    return forbidden(`key ${JSON.stringify(raw)} is not valid percent-encoding`);
  }
  if (CONTROL.test(key)) return forbidden(`key ${JSON.stringify(key)} has control characters`);
  if (key.includes('\\')) return forbidden(`key ${JSON.stringify(key)} has a backslash`);
  const body = opts.trailingSlash && key.endsWith('/') ? key.slice(0, -1) : key;
  const segments = body.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return forbidden(`key ${JSON.stringify(key)} has an empty, "." or ".." segment`);
  }
  return key;
}

/** RFC 3986 encoding as SigV4 canonicalises it: everything but unreserved characters. */
export function awsEncode(value: string, keepSlash = false): string {
  const encoded = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** Splits the request URI into bucket and key, if it addresses the configured endpoint. */
function locate(
  uri: string,
  endpoint: S3Endpoint,
): { bucket: string; rawKey: string; search: string; virtualHost: boolean } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new BadRequestError(`Invalid sign request: uri ${JSON.stringify(uri)} is not a URL`);
  }
  const port = url.port === defaultPort(url.protocol) ? '' : url.port;
  const endpointPort = endpoint.port === defaultPort(endpoint.protocol) ? '' : endpoint.port;
  const where = `${endpoint.protocol}//${endpoint.hostname}${endpointPort ? `:${endpointPort}` : ''}`;
  if (url.username || url.password || url.hash) {
    return forbidden('the uri carries user info or a fragment');
  }
  const hostname = url.hostname.toLowerCase();
  if (url.protocol !== endpoint.protocol || port !== endpointPort) {
    return forbidden(`${url.protocol}//${url.host} is not this catalog's S3 endpoint ${where}`);
  }
  // The path is taken raw (URL has already resolved `..`, so check the original text too).
  const rawPath = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(uri)?.[1] ?? '';
  if (rawPath !== url.pathname) {
    return forbidden(`the path ${JSON.stringify(rawPath)} is not in normal form`);
  }
  if (hostname === endpoint.hostname) {
    const match = /^\/([^/]+)(?:\/(.*))?$/.exec(rawPath);
    if (!match?.[1]) return forbidden(`the uri ${JSON.stringify(uri)} names no bucket`);
    return { bucket: match[1], rawKey: match[2] ?? '', search: url.search, virtualHost: false };
  }
  const suffix = `.${endpoint.hostname}`;
  if (hostname.endsWith(suffix)) {
    return {
      bucket: hostname.slice(0, -suffix.length),
      rawKey: rawPath.slice(1),
      search: url.search,
      virtualHost: true,
    };
  }
  return forbidden(`${url.protocol}//${url.host} is not this catalog's S3 endpoint ${where}`);
}

/** Object-level operations by method and the sub-resource in the query; undefined if refused. */
function objectOperation(method: string, params: Set<string>): S3Operation | undefined {
  const only = (...allowed: string[]) => [...params].every((p) => allowed.includes(p));
  switch (method) {
    case 'GET':
      return only('x-id', 'partNumber', 'versionId') ? 'GetObject' : undefined;
    case 'HEAD':
      return only('x-id', 'partNumber', 'versionId') ? 'HeadObject' : undefined;
    case 'PUT':
      if (
        params.has('uploadId') &&
        params.has('partNumber') &&
        only('x-id', 'uploadId', 'partNumber')
      )
        return 'UploadPart';
      return only('x-id') ? 'PutObject' : undefined;
    case 'POST':
      if (params.has('uploads') && only('x-id', 'uploads')) return 'CreateMultipartUpload';
      if (params.has('uploadId') && only('x-id', 'uploadId')) return 'CompleteMultipartUpload';
      return undefined;
    case 'DELETE':
      if (params.has('uploadId') && only('x-id', 'uploadId')) return 'AbortMultipartUpload';
      return only('x-id', 'versionId') ? 'DeleteObject' : undefined;
    default:
      return undefined;
  }
}

function bucketOperation(method: string, params: Set<string>): S3Operation | undefined {
  const only = (...allowed: string[]) => [...params].every((p) => allowed.includes(p));
  const listing = ['x-id', 'list-type', 'prefix', 'delimiter', 'max-keys'];
  if (method === 'GET' && only(...listing, 'continuation-token', 'start-after', 'encoding-type'))
    return 'ListObjects';
  if (method === 'GET' && only(...listing, 'marker', 'encoding-type')) return 'ListObjects';
  if (method === 'HEAD' && params.size === 0) return 'HeadBucket';
  if (method === 'POST' && params.has('delete') && only('x-id', 'delete')) return 'DeleteObjects';
  return undefined;
}

/** Parses and classifies a request to sign; refuses anything a table client does not need. */
export function parseS3Request(method: string, uri: string, endpoint: S3Endpoint): ParsedS3Request {
  const upper = method.toUpperCase();
  if (!['GET', 'HEAD', 'PUT', 'POST', 'DELETE'].includes(upper)) {
    return forbidden(`method ${method} is not used by table clients`);
  }
  const { bucket, rawKey, search, virtualHost } = locate(uri, endpoint);
  if (!BUCKET.test(bucket)) return forbidden(`${JSON.stringify(bucket)} is not a bucket name`);
  const query = [...new URLSearchParams(search)];
  const params = new Set(query.map(([k]) => k));
  if (params.size !== query.length) return forbidden('the query repeats a parameter');
  const key = rawKey === '' ? '' : normaliseKey(rawKey);
  const operation = key === '' ? bucketOperation(upper, params) : objectOperation(upper, params);
  if (!operation) {
    const what = [...params].join('&') || 'no sub-resource';
    return forbidden(
      `${upper} ${key === '' ? `on bucket ${bucket}` : `on key ${JSON.stringify(key)}`} with ${what} is not an operation table clients use`,
    );
  }
  return { operation, method: upper, bucket, key, query, virtualHost };
}

/** The URI the client must send: built from the checked parts, encoded canonically. */
export function canonicalUri(req: ParsedS3Request, endpoint: S3Endpoint): string {
  const port = endpoint.port ? `:${endpoint.port}` : '';
  const host = req.virtualHost ? `${req.bucket}.${endpoint.hostname}` : endpoint.hostname;
  const path =
    (req.virtualHost ? '' : `/${req.bucket}`) + (req.key ? `/${awsEncode(req.key, true)}` : '');
  const search = req.query
    .map(([k, v]) => (v === '' ? awsEncode(k) : `${awsEncode(k)}=${awsEncode(v)}`))
    .join('&');
  return `${endpoint.protocol}//${host}${port}${path || '/'}${search ? `?${search}` : ''}`;
}
