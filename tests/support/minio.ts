import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { findFreePort } from '../../src/lib/index.js';
import { OutputBuffer, killOnExit, terminate, waitUntilReady } from './process.js';

export interface MinioServer {
  /** `http://127.0.0.1:<port>`: the S3 API. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** A path-style S3 client with the root credentials. */
  s3: S3Client;
  createBucket(name: string): Promise<void>;
  /** Every object key under `prefix` in `bucket`, sorted. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** MinIO's output with the credentials redacted. */
  logs(): string;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

export interface StartMinioOptions {
  /** The server binary; defaults to the one the global setup installed. */
  binary?: string;
  region?: string;
}

const MAX_ATTEMPTS = 3;

/**
 * Starts a real MinIO on a free loopback port with a fresh data directory and random root
 * credentials (never MinIO's well-known defaults).
 */
export async function startMinio(opts: StartMinioOptions = {}): Promise<MinioServer> {
  const binary = opts.binary ?? inject('minioBinary');
  let lastError: unknown;
  // findFreePort cannot reserve the port: another process may take it before MinIO binds.
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      return await startOnce(binary, opts.region ?? 'us-east-1');
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error) || !/address already in use/i.test(err.message)) throw err;
    }
  }
  throw lastError;
}

async function startOnce(binary: string, region: string): Promise<MinioServer> {
  const dir = await mkdtemp(join(tmpdir(), 'lakehouse-minio-'));
  const port = await findFreePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = `lh${randomBytes(6).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('hex');
  const output = new OutputBuffer([secretAccessKey]);

  const child = spawn(
    binary,
    [
      'server',
      join(dir, 'data'),
      '--address',
      `127.0.0.1:${port}`,
      '--certs-dir',
      join(dir, 'certs'),
      // --quiet also keeps the startup banner, which prints the root credentials, out of logs.
      '--quiet',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        MINIO_ROOT_USER: accessKeyId,
        MINIO_ROOT_PASSWORD: secretAccessKey,
        MINIO_SITE_REGION: region,
        // The web console would listen on another (random) port; tests do not need it.
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  output.attach(child);
  const unregister = killOnExit(child, () => rmSync(dir, { recursive: true, force: true }));

  const s3 = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });

  const stop = async (): Promise<void> => {
    s3.destroy();
    await terminate(child);
    unregister();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(
      child,
      async () => (await fetch(`${endpoint}/minio/health/live`)).status === 200,
      { what: `MinIO on ${endpoint}`, timeoutMs: 60_000, output },
    );
    // Live is not yet ready to serve requests on a fresh data dir; an authenticated call is.
    await waitUntilReady(
      child,
      async () => {
        await s3.send(new ListBucketsCommand({}));
        return true;
      },
      { what: `MinIO S3 API on ${endpoint}`, timeoutMs: 30_000, output },
    );
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region,
    s3,
    async createBucket(name) {
      await s3.send(new CreateBucketCommand({ Bucket: name }));
    },
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    logs: () => output.toString(),
    stop,
  };
}
