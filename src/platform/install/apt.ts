import { access, constants, rm, writeFile } from 'node:fs/promises';
import { KeyedLock } from '../../lib/index.js';
import { InstallError } from './errors.js';
import { formatDuration, silent, type Progress } from './progress.js';
import { run, SpawnError, type RunResult } from './run.js';

/** Debian packages one component needs, and the files that prove they are installed. */
export interface DebianComponent {
  /** Shown to users: "Prometheus". */
  label: string;
  packages: readonly string[];
  /** Absolute paths that must be executable after the install. */
  binaries: readonly string[];
  /** The command a non-root user should run instead, e.g. `sudo apt-get install -y prometheus`. */
  sudoHint: string;
}

export interface AptOptions {
  onProgress?: Progress;
  /** Overrides the user id check (tests); default `process.getuid()`. */
  uid?: number;
  /** Overrides where `policy-rc.d` lives (tests); default `/usr/sbin/policy-rc.d`. */
  policyRcD?: string;
}

/**
 * apt and dpkg hold one lock for the whole machine; installs from this process take turns here
 * and wait (DPkg::Lock::Timeout) for other processes rather than failing on the lock.
 */
const aptLock = new KeyedLock();
const LOCK_WAIT_S = 300;

/**
 * Installs a component's Debian packages with apt-get unless its binaries are already there.
 * apt/dpkg are the cache: once installed, later calls only check the binaries, so it is
 * idempotent and cheap. Returns nothing; callers read versions from the binaries.
 *
 * Package scripts may try to start a service. There is no init system to start it with here,
 * and we supervise the process ourselves, so a `policy-rc.d` that answers 101 ("action not
 * allowed") is put in place for the install when none exists, and removed afterwards.
 */
export async function ensureDebianPackages(
  c: DebianComponent,
  opts: AptOptions = {},
): Promise<void> {
  const say: Progress = opts.onProgress ?? silent;
  if (await allExecutable(c.binaries)) {
    say(`${c.label}: installed (${c.packages.join(', ')})`);
    return;
  }
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  if (uid !== 0) {
    throw new InstallError(
      c.label,
      `apt-get install ${c.packages.join(' ')}`,
      '',
      `installing Debian packages needs root: run \`${c.sudoHint}\` and retry`,
    );
  }
  await aptLock.run(['apt'], async () => {
    // Another caller may have installed it while we waited for the lock.
    if (await allExecutable(c.binaries)) return;
    const started = Date.now();
    say(`Installing ${c.label} (apt-get install ${c.packages.join(' ')})…`);
    await withServiceStartsDisabled(opts.policyRcD ?? '/usr/sbin/policy-rc.d', async () => {
      let r = await aptGet(c, ['install', '-y', '--no-install-recommends', ...c.packages]);
      if (r.code !== 0 && listsLookStale(r.tail)) {
        // The package lists are missing or out of date (a fresh image, a moved mirror):
        // refresh them once and retry, rather than updating on every install.
        say(`  ${c.label}: package lists are stale, running apt-get update…`);
        const u = await aptGet(c, ['update']);
        if (u.code !== 0) {
          throw new InstallError(
            c.label,
            'apt-get update',
            u.tail || `exited with ${u.signal ?? u.code}`,
            'check the network and the mirrors in /etc/apt/sources.list(.d), then retry',
          );
        }
        r = await aptGet(c, ['install', '-y', '--no-install-recommends', ...c.packages]);
      }
      if (r.code !== 0) {
        throw new InstallError(
          c.label,
          `apt-get install ${c.packages.join(' ')}`,
          r.tail || `exited with ${r.signal ?? r.code}`,
          `run \`apt-get install -y ${c.packages.join(' ')}\` by hand to see the full error; if dpkg was interrupted, run \`dpkg --configure -a\` first`,
        );
      }
    });
    const missing = await missingBinaries(c.binaries);
    if (missing.length > 0) {
      throw new InstallError(
        c.label,
        'check the installed binaries',
        `not found or not executable: ${missing.join(', ')}`,
        `reinstall with \`apt-get install --reinstall -y ${c.packages.join(' ')}\``,
      );
    }
    say(`${c.label}: installed in ${formatDuration(Date.now() - started)}`);
  });
}

async function aptGet(c: DebianComponent, args: string[]): Promise<RunResult> {
  try {
    return await run(
      'apt-get',
      ['-o', `DPkg::Lock::Timeout=${LOCK_WAIT_S}`, '-o', 'Dpkg::Use-Pty=0', ...args],
      {
        env: {
          ...process.env,
          // Never a debconf question: there is nobody to answer it.
          DEBIAN_FRONTEND: 'noninteractive',
          NEEDRESTART_MODE: 'a',
        },
        tailLines: 25,
        timeoutMs: 20 * 60_000,
      },
    );
  } catch (err) {
    if (err instanceof SpawnError) {
      throw new InstallError(
        c.label,
        'find apt-get',
        err.message,
        `this needs a Debian-based system; elsewhere install ${c.packages.join(', ')} with your package manager so that ${c.binaries.join(', ')} exist`,
      );
    }
    throw err;
  }
}

/** apt's ways of saying its package lists do not know the package (or point at gone files). */
export function listsLookStale(output: string): boolean {
  return /Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found|Unable to fetch some archives/i.test(
    output,
  );
}

async function withServiceStartsDisabled<T>(path: string, body: () => Promise<T>): Promise<T> {
  let ours = false;
  try {
    await access(path);
  } catch {
    // No policy in place (a normal machine): add one for the install only.
    await writeFile(path, '#!/bin/sh\n# Written by lakehouse during apt-get install.\nexit 101\n', {
      mode: 0o755,
    });
    ours = true;
  }
  try {
    return await body();
  } finally {
    if (ours) await rm(path, { force: true });
  }
}

async function missingBinaries(paths: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const path of paths) {
    try {
      await access(path, constants.X_OK);
    } catch {
      missing.push(path);
    }
  }
  return missing;
}

async function allExecutable(paths: readonly string[]): Promise<boolean> {
  return (await missingBinaries(paths)).length === 0;
}
