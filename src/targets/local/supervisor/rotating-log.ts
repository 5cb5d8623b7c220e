/**
 * An append-only log file that rotates by size: `<name>.log` → `.log.1` → `.log.2`, the oldest
 * dropped. Writes are synchronous so a line written before a crash is on disk, and ordering
 * between a process's output and the supervisor's markers is exact.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_LOG_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 2;

export class RotatingLog {
  private fd: number | null = null;
  private size = 0;

  constructor(
    readonly path: string,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
    private readonly keep = DEFAULT_LOG_KEEP,
  ) {}

  write(chunk: Buffer | string): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.fd === null) this.open();
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    // The fd is open here: open() and rotate() both leave it so.
    writeSync(this.fd as number, data);
    this.size += data.length;
  }

  /** A line from the supervisor itself, marked so it stands out among the process's output. */
  note(message: string): void {
    this.write(`--- [supervisor ${new Date().toISOString()}] ${message}\n`);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (this.keep > 0) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
    this.open();
  }
}
