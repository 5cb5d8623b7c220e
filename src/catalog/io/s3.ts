import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { StorageError, type FileIO, type S3Settings } from './types.js';

export interface S3Location {
  bucket: string;
  key: string;
}

/** Parses `s3://bucket/key` (also `s3a://`, `s3n://`, which Hadoop-based engines write). */
export function parseS3Location(location: string): S3Location {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match || !match[1]) throw new StorageError(`not an S3 location: ${location}`, location);
  return { bucket: match[1], key: match[2] ?? '' };
}

function describe(err: unknown): string {
  if (err instanceof S3ServiceException)
    return `${err.name}: ${err.message || err.$metadata.httpStatusCode}`;
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}

export class S3FileIO implements FileIO {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region ?? 'us-east-1',
      endpoint: settings.endpoint,
      forcePathStyle: settings.pathStyle ?? false,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? {
              accessKeyId: settings.accessKeyId,
              secretAccessKey: settings.secretAccessKey,
              sessionToken: settings.sessionToken,
            }
          : undefined,
      // Our callers decide about retrying; the SDK's default 3 attempts keeps a dead endpoint slow.
      maxAttempts: 2,
    });
  }

  private fail(action: string, location: string, err: unknown): never {
    throw new StorageError(`cannot ${action} ${location}: ${describe(err)}`, location, {
      cause: err,
    });
  }

  async write(location: string, body: string): Promise<void> {
    const { bucket, key } = parseS3Location(location);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
        }),
      );
    } catch (err) {
      this.fail('write', location, err);
    }
  }

  async read(location: string): Promise<string> {
    const { bucket, key } = parseS3Location(location);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToString('utf8')) ?? '';
    } catch (err) {
      this.fail('read', location, err);
    }
  }

  async readBytes(location: string): Promise<Uint8Array> {
    const { bucket, key } = parseS3Location(location);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await out.Body?.transformToByteArray()) ?? new Uint8Array(0);
    } catch (err) {
      this.fail('read', location, err);
    }
  }

  async exists(location: string): Promise<boolean> {
    const { bucket, key } = parseS3Location(location);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return false;
      this.fail('check', location, err);
    }
  }

  private async deleteKeys(bucket: string, keys: string[]): Promise<void> {
    // DeleteObjects takes at most 1000 keys per request.
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  async delete(locations: string[]): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const location of locations) {
      const { bucket, key } = parseS3Location(location);
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), key]);
    }
    for (const [bucket, keys] of byBucket) {
      try {
        await this.deleteKeys(bucket, keys);
      } catch (err) {
        this.fail('delete files in', `s3://${bucket}`, err);
      }
    }
  }

  async deletePrefix(location: string): Promise<number> {
    const { bucket, key } = parseS3Location(location);
    const prefix = key.endsWith('/') || key === '' ? key : `${key}/`;
    let deleted = 0;
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
        if (keys.length > 0) await this.deleteKeys(bucket, keys);
        deleted += keys.length;
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      this.fail('delete', location, err);
    }
    return deleted;
  }

  async checkWritable(location: string): Promise<void> {
    const { bucket } = parseS3Location(location);
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      const noCredentials = err instanceof Error && err.name === 'CredentialsProviderError';
      const why = noCredentials
        ? 'no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        : status === 404
          ? `bucket "${bucket}" does not exist: create it (e.g. \`mc mb <alias>/${bucket}\`)`
          : status === 403
            ? `access to bucket "${bucket}" denied: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY`
            : `S3 endpoint ${this.settings.endpoint ?? '(AWS default)'} unreachable or failing (${describe(err)}): check --s3-endpoint`;
      throw new StorageError(`warehouse ${location}: ${why}`, location, { cause: err });
    }
    const probe = `${location.replace(/\/+$/, '')}/.lakehouse-write-check`;
    await this.write(probe, 'ok');
    await this.delete([probe]);
  }
}
