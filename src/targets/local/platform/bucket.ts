import { CreateBucketCommand, HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import type { PlatformSecrets } from '../secrets.js';
import { localMinioClient } from '../../../platform/minio/index.js';

/** Creates the warehouse bucket if it is missing; returns false when it already existed. */
export async function ensureBucket(
  port: number,
  bucket: string,
  secrets: PlatformSecrets,
): Promise<boolean> {
  const s3 = localMinioClient(port, secrets.minio);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (err) {
    if (!(err instanceof S3ServiceException) || err.$metadata.httpStatusCode !== 404) throw err;
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return true;
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'BucketAlreadyOwnedByYou') return false;
    throw err;
  } finally {
    s3.destroy();
  }
}
