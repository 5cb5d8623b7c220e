import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureVenv, type VenvSpec } from '../../../src/platform/install/index.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'lakehouse-venv-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const spec = (lines: string[]): VenvSpec => ({
  label: 'test venv',
  folder: 'test',
  // Nothing to download: the venv's own pip is enough to prove the flow.
  requirements: '',
  importCheck: 'import json',
  checkName: 'import json',
  requiredFiles: [join('bin', 'pip')],
  minPython: [3, 8],
  installMessage: 'Installing test venv…',
  packagesName: 'test packages',
  cacheDir,
  onProgress: (line) => lines.push(line),
});

describe('ensureVenv', () => {
  it('builds under a scratch name, moves into place with working console scripts, then reuses it', async () => {
    const first: string[] = [];
    const envDir = await ensureVenv(spec(first));
    expect(envDir.startsWith(join(cacheDir, 'test'))).toBe(true);
    expect(first.at(-1)).toMatch(/^test venv: installed in /);
    expect(existsSync(join(envDir, '.lakehouse-complete'))).toBe(true);
    // The shebang was rewritten from the scratch path: the script runs from its final place.
    const pip = execFileSync(join(envDir, 'bin', 'pip'), ['--version'], { encoding: 'utf8' });
    expect(pip).toContain(envDir);

    const second: string[] = [];
    expect(await ensureVenv(spec(second))).toBe(envDir);
    expect(second).toEqual([`test venv: found in cache (${envDir})`]);
  });

  it('rebuilds a cached venv that is missing a required file', async () => {
    const envDir = await ensureVenv(spec([]));
    rmSync(join(envDir, 'bin', 'pip'));
    const lines: string[] = [];
    expect(await ensureVenv(spec(lines))).toBe(envDir);
    expect(lines).toContain('test venv: cached environment does not work, reinstalling');
    expect(existsSync(join(envDir, 'bin', 'pip'))).toBe(true);
  });

  it('names a missing interpreter and how to fix it', async () => {
    await expect(ensureVenv({ ...spec([]), python: 'python-does-not-exist' })).rejects.toThrow(
      /python-does-not-exist/,
    );
  });
});
