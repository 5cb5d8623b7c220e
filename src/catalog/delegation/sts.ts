/**
 * STS `AssumeRole` against an S3-compatible endpoint (MinIO serves STS at its S3 endpoint's
 * root). A bare signed POST instead of an STS SDK client: the query API is one form-encoded
 * request, and MinIO ignores the `RoleArn` the SDK would insist on.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

export interface StsEndpoint {
  /** e.g. `http://127.0.0.1:9000` */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
}

/** STS answered, but with an error (`code` is STS's, e.g. `AccessDenied`), or not at all. */
export class StsError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StsError';
  }
}

function bytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, in the shape SignatureV4 takes. */
class NodeSha256 implements Checksum {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', bytes(this.secret));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** The text of the first `<tag>` element; STS answers small, flat XML. */
function element(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match?.[1]?.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'",
  );
}

/** Parses an AssumeRole answer; a missing field is an StsError, never a half credential. */
export function parseAssumeRoleResponse(status: number, xml: string): TemporaryCredentials {
  if (status !== 200) {
    const code = element(xml, 'Code') ?? `HTTP${status}`;
    const message = element(xml, 'Message') ?? `HTTP ${status}`;
    throw new StsError(`${code}: ${message}`, code);
  }
  const accessKeyId = element(xml, 'AccessKeyId');
  const secretAccessKey = element(xml, 'SecretAccessKey');
  const sessionToken = element(xml, 'SessionToken');
  const expiration = element(xml, 'Expiration');
  const expiresAtMs = expiration ? Date.parse(expiration) : NaN;
  if (!accessKeyId || !secretAccessKey || !sessionToken || !Number.isFinite(expiresAtMs)) {
    throw new StsError('the AssumeRole answer lacks credentials or their expiration', 'Malformed');
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiresAtMs };
}

/** Asks STS for credentials limited by `policy`, valid `durationSeconds`. */
export async function assumeRole(
  sts: StsEndpoint,
  policy: string,
  durationSeconds: number,
  timeoutMs = 10_000,
): Promise<TemporaryCredentials> {
  const url = new URL(sts.endpoint);
  const body = new URLSearchParams({
    Action: 'AssumeRole',
    Version: '2011-06-15',
    DurationSeconds: String(durationSeconds),
    Policy: policy,
  }).toString();
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: sts.accessKeyId,
      secretAccessKey: sts.secretAccessKey,
      ...(sts.sessionToken ? { sessionToken: sts.sessionToken } : {}),
    },
    region: sts.region,
    service: 'sts',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  let response: Response;
  try {
    response = await fetch(new URL('/', url), {
      method: 'POST',
      headers: signed.headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new StsError(
      `cannot reach ${url.origin}: ${cause ?? (err as Error).message}`,
      'Unreachable',
    );
  }
  return parseAssumeRoleResponse(response.status, await response.text());
}
