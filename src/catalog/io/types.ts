/** Reads and writes metadata files (and deletes data files on purge) wherever a table lives. */
export interface FileIO {
  /** Writes the whole object; fails if the storage rejects it. */
  write(location: string, body: string): Promise<void>;
  read(location: string): Promise<string>;
  /**
   * The whole file as bytes, for binary formats (Avro manifests and manifest lists). A missing
   * file is a StorageError, as for `read`.
   */
  readBytes(location: string): Promise<Uint8Array>;
  exists(location: string): Promise<boolean>;
  /** Deletes the given files; missing files are not an error. */
  delete(locations: string[]): Promise<void>;
  /** Deletes every file under `location/`; returns how many were deleted. */
  deletePrefix(location: string): Promise<number>;
  /** Throws a StorageError saying what is wrong when `location` cannot be written (readiness, startup). */
  checkWritable(location: string): Promise<void>;
}

/** The object store or filesystem failed; the message says which location and why. */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export interface S3Settings {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}
