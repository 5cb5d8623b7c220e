import { LocalFileIO } from './local.js';
import { S3FileIO } from './s3.js';
import { StorageError, type FileIO, type S3Settings } from './types.js';

export { StorageError, type FileIO, type S3Settings } from './types.js';
export { parseS3Location } from './s3.js';
export { localPath } from './local.js';

export type LocationScheme = 'file' | 's3';

export function schemeOf(location: string): LocationScheme {
  if (/^s3[an]?:\/\//.test(location)) return 's3';
  if (location.startsWith('file:') || location.startsWith('/')) return 'file';
  throw new StorageError(
    `unsupported location "${location}": use s3://bucket/prefix or file:///absolute/path`,
    location,
  );
}

/** Dispatches each call to the file or S3 implementation by the location's scheme. */
export class RoutingFileIO implements FileIO {
  private readonly local = new LocalFileIO();
  private s3?: S3FileIO;

  constructor(private readonly s3Settings: S3Settings) {}

  private forLocation(location: string): FileIO {
    if (schemeOf(location) === 'file') return this.local;
    this.s3 ??= new S3FileIO(this.s3Settings);
    return this.s3;
  }

  write(location: string, body: string): Promise<void> {
    return this.forLocation(location).write(location, body);
  }
  read(location: string): Promise<string> {
    return this.forLocation(location).read(location);
  }
  readBytes(location: string): Promise<Uint8Array> {
    return this.forLocation(location).readBytes(location);
  }
  exists(location: string): Promise<boolean> {
    return this.forLocation(location).exists(location);
  }
  async delete(locations: string[]): Promise<void> {
    const local = locations.filter((l) => schemeOf(l) === 'file');
    const remote = locations.filter((l) => schemeOf(l) === 's3');
    if (local.length > 0) await this.local.delete(local);
    if (remote.length > 0) await this.forLocation(remote[0] as string).delete(remote);
  }
  deletePrefix(location: string): Promise<number> {
    return this.forLocation(location).deletePrefix(location);
  }
  checkWritable(location: string): Promise<void> {
    return this.forLocation(location).checkWritable(location);
  }
}

export function createFileIO(s3: S3Settings): FileIO {
  return new RoutingFileIO(s3);
}
