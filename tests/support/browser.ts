/**
 * A real browser for the console's end-to-end test: Debian's Chromium, driven by playwright-core
 * (which ships no browser of its own). Installed with apt the first time, like PostgreSQL in
 * scripts/install-deps.sh; the package index is refreshed only when the install fails without it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const run = promisify(execFile);

export const CHROMIUM = '/usr/bin/chromium';

async function aptInstall(): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const args = ['install', '-y', '--no-install-recommends', 'chromium'];
  const opts = { env, maxBuffer: 64 * 1024 * 1024, timeout: 900_000 };
  try {
    await run('apt-get', args, opts);
  } catch {
    await run('apt-get', ['update'], opts);
    await run('apt-get', args, opts);
  }
}

/** The Chromium binary's path, installing Debian's package when it is missing. */
export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM} is missing and installing it needs root: run 'sudo apt-get install -y --no-install-recommends chromium'`,
    );
  }
  await aptInstall();
  if (!existsSync(CHROMIUM))
    throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
  return CHROMIUM;
}

/** Headless Chromium; the sandbox needs user namespaces, which a root test run does not get. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}
