import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Environment for a Python script that talks to the catalog and MinIO. */
export interface PythonClientEnv {
  catalogUri: string;
  s3Endpoint: string;
  s3Region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where pyiceberg looks for `.pyiceberg.yaml`: an empty dir, so no user config leaks in. */
  home: string;
}

/**
 * The scripts' environment, built from scratch rather than inherited: no stray AWS_* or
 * PYICEBERG_* variables from the developer's shell can change what the test exercises.
 */
export function pythonEnv(c: PythonClientEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: c.home,
    PYICEBERG_HOME: c.home,
    PYTHONUNBUFFERED: '1',
    LH_CATALOG_URI: c.catalogUri,
    LH_S3_ENDPOINT: c.s3Endpoint,
    LH_S3_REGION: c.s3Region,
    LH_S3_ACCESS_KEY_ID: c.accessKeyId,
    LH_S3_SECRET_ACCESS_KEY: c.secretAccessKey,
  };
}

/** A running script speaking line-delimited JSON: a request on stdin, results on stdout. */
export class PythonScript {
  private readonly lines: string[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private readonly exit: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    python: string,
    script: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    /** Values to redact from stderr before it goes into an error message. */
    private readonly secrets: string[] = [],
  ) {
    this.child = spawn(python, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    this.exit = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code) => {
        this.waiters.splice(0).forEach((w) => w());
        resolve(code);
      });
    });
  }

  send(value: unknown): void {
    this.child.stdin!.write(`${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  }

  /** The next stdout line parsed as JSON; fails with stderr if the script ends first. */
  async nextJson<T>(): Promise<T> {
    while (this.lines.length === 0) {
      if (this.child.exitCode !== null) throw this.failure('ended before printing a result');
      await new Promise<void>((r) => this.waiters.push(r));
    }
    return JSON.parse(this.lines.shift()!) as T;
  }

  /** Waits for a clean exit and returns the last stdout line as JSON. */
  async result<T>(): Promise<T> {
    const code = await this.exit;
    if (code !== 0) throw this.failure(`exited with code ${code}`);
    const last = this.lines.at(-1);
    if (last === undefined) throw this.failure('printed no result');
    return JSON.parse(last) as T;
  }

  /** Closes the script's stdin (its end-of-requests signal) and waits for a clean exit. */
  async end(): Promise<void> {
    this.child.stdin!.end();
    const code = await this.exit;
    if (code !== 0) throw this.failure(`exited with code ${code}`);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private failure(what: string): Error {
    let tail = this.stderr.split('\n').slice(-40).join('\n');
    for (const s of this.secrets) if (s) tail = tail.split(s).join('<redacted>');
    return new Error(`python ${what}; stderr:\n${tail}`);
  }
}
