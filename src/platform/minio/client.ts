import { S3Client } from '@aws-sdk/client-s3';

/** MinIO's root credentials, as the platform generates them. */
export interface MinioRootKey {
  rootUser: string;
  rootPassword: string;
}

/**
 * An S3 client for a MinIO reached on loopback (the local target's, or a cluster's through a
 * port-forward), path-style addressing (MinIO serves no
 * virtual-host buckets here), signed with a root key. `maxAttempts: 1` for probes and checks whose
 * answer must not be hidden by the SDK's retries; bulk copies want a few.
 */
export function localMinioClient(
  port: number,
  key: MinioRootKey,
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
