/**
 * Remote signing (the spec's `signRequest`): a client with no S3 keys sends each S3 request it
 * is about to make; the catalog checks it against the table's location and returns SigV4 headers
 * made with the catalog's own keys. The keys never leave the catalog.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { z } from 'zod';
import { BadRequestError } from '../errors.js';
import { parseS3Location, type S3Settings } from '../io/index.js';
import { authoriseS3Request, type SigningScope } from './sign-policy.js';
import { canonicalUri, parseEndpoint, parseS3Request, type S3Endpoint } from './s3-request.js';
import type { DelegationProvider, TableAccessGrant, TableAccessRequest } from './index.js';

/** The spec's RemoteSignRequest; bounded so a hostile one stays cheap. */
export const remoteSignRequestSchema = z.object({
  region: z.string().max(64),
  uri: z.string().min(1).max(8192),
  method: z.string().min(1).max(16),
  headers: z
    .record(z.string().max(256), z.array(z.string().max(8192)).max(16))
    .refine((h) => Object.keys(h).length <= 128, 'at most 128 headers'),
  properties: z.record(z.string(), z.string()).optional(),
  // Accepted as the spec has it; nothing signed here depends on a body (see sign-policy.ts).
  body: z
    .string()
    .max(1024 * 1024)
    .optional(),
  provider: z.string().optional(),
});
export type RemoteSignRequest = z.infer<typeof remoteSignRequestSchema>;

export interface RemoteSignResult {
  uri: string;
  headers: Record<string, string[]>;
}

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Payload hashes a remote signer can honour: a digest, or no payload signing at all. */
const PAYLOAD_HASH = /^([0-9a-f]{64}|UNSIGNED-PAYLOAD|STREAMING-UNSIGNED-PAYLOAD-TRAILER)$/;

/** What SignatureV4 may hand a hash as its HMAC secret (@smithy/types' SourceData). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** node:crypto behind the Checksum interface SignatureV4 expects (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** The S3 endpoint clients reach: the configured one, else AWS's regional endpoint. */
export function s3EndpointUrl(s3: S3Settings): string {
  return s3.endpoint ?? `https://s3.${s3.region ?? 'us-east-1'}.amazonaws.com`;
}

/** `{bucket, prefix}` of each S3 location; other schemes are left out (nothing to sign). */
export function signingLocations(locations: string[]): SigningScope['locations'] {
  return locations
    .filter((l) => /^s3[an]?:\/\//.test(l))
    .map((l) => {
      const { bucket, key } = parseS3Location(l);
      return { bucket, prefix: key.replace(/\/+$/, '') };
    })
    .filter((l) => l.prefix.length > 0);
}

function singleValued(headers: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    out[lower] = out[lower] === undefined ? values.join(',') : `${out[lower]},${values.join(',')}`;
  }
  return out;
}

/** Signs S3 requests for table clients with the catalog's keys. */
export class RemoteSigner {
  private readonly endpoint: S3Endpoint;
  private readonly signer: SignatureV4;

  constructor(
    private readonly s3: S3Settings & { accessKeyId: string; secretAccessKey: string },
    private readonly now: () => Date = () => new Date(),
  ) {
    this.endpoint = parseEndpoint(s3EndpointUrl(s3));
    this.signer = new SignatureV4({
      service: 's3',
      region: s3.region ?? 'us-east-1',
      credentials: {
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        sessionToken: s3.sessionToken,
      },
      sha256: NodeSha256,
      // S3 canonicalises the path as sent, without the double encoding other services use.
      uriEscapePath: false,
      applyChecksum: false,
    });
  }

  /** Checks the request against the scope and signs it; a refusal is a ForbiddenError. */
  async sign(request: RemoteSignRequest, scope: SigningScope): Promise<RemoteSignResult> {
    if (request.provider !== undefined && request.provider !== 's3') {
      throw new BadRequestError(
        `Invalid sign request: provider ${JSON.stringify(request.provider)} is not supported; this catalog signs s3 requests`,
      );
    }
    const parsed = parseS3Request(request.method, request.uri, this.endpoint);
    const clientHeaders = singleValued(request.headers);
    authoriseS3Request(parsed, clientHeaders, scope);

    let payloadHash = clientHeaders['x-amz-content-sha256'];
    if (payloadHash !== undefined && !PAYLOAD_HASH.test(payloadHash)) {
      throw new BadRequestError(
        `Invalid sign request: x-amz-content-sha256 ${JSON.stringify(payloadHash)} cannot be signed remotely; send a hex SHA-256 or UNSIGNED-PAYLOAD`,
      );
    }
    payloadHash ??= UNSIGNED_PAYLOAD;

    const uri = canonicalUri(parsed, this.endpoint);
    const url = new URL(uri);
    // Only what S3 requires signed: the host, every x-amz-* header, and Content-MD5. Other
    // headers may be rewritten between the client's signing hook and the wire.
    const toSign: Record<string, string> = { host: url.host };
    for (const [name, value] of Object.entries(clientHeaders)) {
      // The session token, if any, is the catalog's own: the signer adds it.
      if (name === 'x-amz-security-token') continue;
      if (name.startsWith('x-amz-') || name === 'content-md5') toSign[name] = value;
    }
    toSign['x-amz-content-sha256'] = payloadHash;
    const query: Record<string, string> = {};
    for (const [k, v] of parsed.query) query[k] = v;
    const signed = await this.signer.sign(
      {
        method: parsed.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        // canonicalUri encoded the path as S3 canonicalises it; with uriEscapePath off the
        // signer takes it verbatim.
        path: url.pathname,
        query,
        headers: toSign,
      },
      { signingDate: this.now() },
    );
    // Only the headers the client does not already have: pyiceberg appends what it gets back.
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(signed.headers)) {
      const lower = name.toLowerCase();
      if (lower === 'host' || clientHeaders[lower] === value) continue;
      headers[lower] = [value];
    }
    return { uri, headers };
  }

  /** What a table's load result carries so a client signs through this catalog. */
  config(request: TableAccessRequest): Record<string, string> {
    return {
      's3.remote-signing-enabled': 'true',
      // pyiceberg picks its signer class by this name; Java reads remote-signing-enabled.
      's3.signer': 'S3V4RestSigner',
      's3.signer.uri': request.catalogUri.replace(/\/+$/, ''),
      's3.signer.endpoint': signEndpointPath(request),
      's3.endpoint': s3EndpointUrl(this.s3),
      's3.path-style-access': String(this.s3.pathStyle ?? false),
      'client.region': this.s3.region ?? 'us-east-1',
    };
  }
}

/** The table's sign path relative to the catalog's base URI (no leading slash: clients join with `/`). */
export function signEndpointPath(request: TableAccessRequest): string {
  const ns = request.namespace.map(encodeURIComponent).join('%1F');
  return `v1/${encodeURIComponent(request.warehouse.name)}/namespaces/${ns}/tables/${encodeURIComponent(request.table)}/sign`;
}

/** The `remote-signing` mechanism: grants are the signer settings, with no credentials. */
export class RemoteSigningProvider implements DelegationProvider {
  readonly mechanism = 'remote-signing' as const;

  constructor(readonly signer: RemoteSigner) {}

  grant(request: TableAccessRequest): Promise<TableAccessGrant> {
    // A table outside S3 has nothing to sign.
    if (signingLocations([request.location]).length === 0) {
      return Promise.resolve({ config: {}, storageCredentials: [] });
    }
    return Promise.resolve({ config: this.signer.config(request), storageCredentials: [] });
  }
}
