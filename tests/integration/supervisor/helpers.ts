import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProcessSpec } from '../../../src/targets/local/process-spec.js';
import {
  readStatusFile,
  supervisorPaths,
  type SupervisorClient,
} from '../../../src/targets/local/supervisor/index.js';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const lakehouseBin = join(repo, 'bin', 'lakehouse.js');
const runTs = join(repo, 'bin', 'run-ts.js');
const fixtures = join(repo, 'tests', 'integration', 'supervisor', 'fixtures');

/** Test timings: a crash loop in about two seconds instead of minutes. */
export const FAST_ENV = {
  LAKEHOUSE_SUPERVISOR_BACKOFF_MS: '100',
  LAKEHOUSE_SUPERVISOR_BACKOFF_MAX_MS: '400',
  LAKEHOUSE_SUPERVISOR_HEALTH_INTERVAL_MS: '200',
};

/** A spec running the fixture server; `env` adds to NAME, PORT and PATH. */
export function fixtureSpec(
  name: string,
  port: number,
  env: Record<string, string> = {},
  over: Partial<ProcessSpec> = {},
): ProcessSpec {
  return {
    name,
    component: 'minio',
    version: '1.0.0',
    command: process.execPath,
    args: [join(fixtures, 'server.mjs')],
    env: { NAME: name, PORT: String(port), PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    ports: [port],
    health: { url: `http://127.0.0.1:${port}/health` },
    dependsOn: [],
    stopTimeoutMs: 5_000,
    startTimeoutMs: 20_000,
    ...over,
  };
}

/**
 * Runs the launch fixture the way the CLI would run `lakehouse up`: a separate process that
 * makes sure a supervisor runs, then exits. Returns both pids.
 */
export async function launchLikeTheCli(
  stateDir: string,
): Promise<{ supervisorPid: number; cliPid: number }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [runTs, join(fixtures, 'launch.ts'), stateDir],
    { env: { ...process.env, ...FAST_ENV }, timeout: 60_000 },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as { supervisorPid: number; cliPid: number };
}

/** Running: exists and is not a zombie waiting for init (a container's init reaps slowly). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // no /proc
  }
}

export { until } from '../../support/until.js';

export async function statusOf(client: SupervisorClient, name: string) {
  const all = await client.status();
  const s = all.find((p) => p.name === name);
  if (!s) throw new Error(`no status for ${name}: ${JSON.stringify(all.map((p) => p.name))}`);
  return s;
}

/** Every pid a test may have left: the supervisor, recorded children, fixture grandchildren. */
export function pidsToKill(stateDir: string, extra: number[] = []): number[] {
  const paths = supervisorPaths(stateDir);
  const pids = new Set<number>(extra);
  const read = (file: string): number | null => {
    try {
      const n = Number(readFileSync(file, 'utf8').trim());
      return Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      return null;
    }
  };
  const sup = read(paths.pidFile);
  if (sup) pids.add(sup);
  for (const r of readStatusFile(paths.statusFile)?.records ?? []) pids.add(r.pid);
  if (existsSync(stateDir)) {
    for (const f of readdirSync(stateDir)) {
      if (f.endsWith('.pid')) {
        const p = read(join(stateDir, f));
        if (p) pids.add(p);
      }
    }
  }
  return [...pids];
}

/** Last-resort cleanup: SIGKILL each pid's process group and the pid itself. */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
