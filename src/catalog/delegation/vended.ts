/**
 * Vended credentials: short-lived S3 keys from MinIO's STS, scoped by a session policy to one
 * table's prefix (read, or read-write). The catalog's own key (MinIO's root user locally) calls
 * AssumeRole: MinIO allows that for its root user and intersects the session policy with the
 * caller's rights, so no separate MinIO user is needed (tested in vended-credentials.test.ts).
 */
import { ServiceUnavailableError } from '../errors.js';
import { LruCache } from '../service/lru.js';
import type { DelegationProvider, TableAccessGrant, TableAccessRequest } from './index.js';
import { tableSessionPolicy, type TableAccess } from './policy.js';
import { assumeRole, StsError, type StsEndpoint, type TemporaryCredentials } from './sts.js';

export const MIN_DURATION_SECONDS = 900;
export const DEFAULT_DURATION_SECONDS = 3600;

export interface VendedCredentialsOptions {
  sts: StsEndpoint;
  /** The endpoint clients reach S3 at; defaults to the STS endpoint (MinIO serves both). */
  s3Endpoint?: string;
  pathStyle: boolean;
  /** Lifetime asked for each credential; at least 900 (STS's minimum). */
  durationSeconds?: number;
  now?: () => number;
  /** Replaceable for tests that make STS fail. */
  assume?: typeof assumeRole;
}

/** A cached credential is handed out while it has at least this much life left. */
function refreshMarginMs(durationSeconds: number): number {
  return Math.min(5 * 60, durationSeconds / 3) * 1000;
}

/** The client-side config keys Iceberg clients read for S3 (Java, pyiceberg, Trino). */
export function credentialConfig(
  creds: TemporaryCredentials,
  s3: { endpoint: string; region: string; pathStyle: boolean },
): Record<string, string> {
  return {
    's3.access-key-id': creds.accessKeyId,
    's3.secret-access-key': creds.secretAccessKey,
    's3.session-token': creds.sessionToken,
    's3.session-token-expires-at-ms': String(creds.expiresAtMs),
    'client.region': s3.region,
    's3.endpoint': s3.endpoint,
    's3.path-style-access': String(s3.pathStyle),
  };
}

export class VendedCredentialsProvider implements DelegationProvider {
  readonly mechanism = 'vended-credentials' as const;
  readonly durationSeconds: number;
  private readonly now: () => number;
  private readonly assume: typeof assumeRole;
  /** In-flight and issued credentials per (access, location): one STS call serves many loads. */
  private readonly cache = new LruCache<string, Promise<TemporaryCredentials>>(1000);

  constructor(private readonly options: VendedCredentialsOptions) {
    const duration = options.durationSeconds ?? DEFAULT_DURATION_SECONDS;
    if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS || duration > 43_200) {
      throw new Error(
        `vended credential duration ${duration}s: give whole seconds from ${MIN_DURATION_SECONDS} to 43200`,
      );
    }
    this.durationSeconds = duration;
    this.now = options.now ?? Date.now;
    this.assume = options.assume ?? assumeRole;
  }

  async grant(request: TableAccessRequest): Promise<TableAccessGrant> {
    const creds = await this.credentials(request.location, request.access);
    const config = credentialConfig(creds, {
      endpoint: this.options.s3Endpoint ?? this.options.sts.endpoint,
      region: this.options.sts.region,
      pathStyle: this.options.pathStyle,
    });
    return { config, storageCredentials: [{ prefix: request.location, config }] };
  }

  private async credentials(location: string, access: TableAccess): Promise<TemporaryCredentials> {
    // Built first: a location no policy can name is refused before anything is cached.
    const policy = tableSessionPolicy(location, access);
    const key = `${access}\n${location}`;
    const cached = this.cache.get(key);
    if (cached) {
      const settled = await cached.catch(() => undefined);
      if (settled && settled.expiresAtMs - this.now() > refreshMarginMs(this.durationSeconds)) {
        return settled;
      }
    }
    const issued = this.assume(this.options.sts, policy, this.durationSeconds).catch(
      (err: unknown) => {
        throw unavailable(err, this.options.sts.endpoint);
      },
    );
    // A failed call stays cached only as a rejection, which the check above asks again for.
    this.cache.set(key, issued);
    return issued;
  }
}

/** STS trouble is the object store's, not the client's: 503 with where to look. */
function unavailable(err: unknown, endpoint: string): ServiceUnavailableError {
  const detail = err instanceof StsError ? err.message : String(err);
  return new ServiceUnavailableError(
    `Cannot vend credentials: MinIO's STS at ${endpoint} failed (${detail}); check that MinIO is up and accepts the catalog's key (\`lakehouse logs minio\`)`,
    'storage',
  );
}
