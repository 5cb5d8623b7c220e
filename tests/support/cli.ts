import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The repository the tests run from, and its CLI entry point. */
export const repo = resolve(import.meta.dirname, '..', '..');
export const cli = join(repo, 'bin', 'lakehouse.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `lakehouse <args>` as a child process against the given state directory and collects its
 * output; killed after `timeoutMs` so a hung command fails its test instead of the whole run.
 */
export function runLakehouse(home: string, args: string[], timeoutMs = 600_000): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: repo,
      env: { ...process.env, LAKEHOUSE_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
