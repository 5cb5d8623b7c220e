import { S3Client } from '@aws-sdk/client-s3';
import type { PlatformSecrets } from '../secrets.js';

/**
 * An S3 client for the local MinIO: its API on loopback, path-style addressing (MinIO serves no
 * virtual-host buckets here), signed with a root key. `maxAttempts: 1` for probes and checks whose
 * answer must not be hidden by the SDK's retries; bulk copies want a few.
 */
export function localMinioClient(
  port: number,
  key: PlatformSecrets['minio'],
  options: { maxAttempts?: number } = {},
): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: key.rootUser, secretAccessKey: key.rootPassword },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}
