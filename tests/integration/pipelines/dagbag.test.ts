/**
 * The pipelines' own Python tests (pipelines/tests: every DAG imports under Airflow's DagBag, the
 * SQL builders) run with the platform's pinned Airflow venv, so a DAG that would not import in the
 * Airflow `lakehouse up` runs fails `npm test`.
 *
 * pytest is not part of the runtime venv's frozen requirements; it is installed once beside it
 * (`pip install --target`, cached) and put on PYTHONPATH. `--no-deps`: its dependencies
 * (pluggy, packaging, Pygments) are already pinned in the venv, and a second copy would shadow them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheRoot } from '../../../src/platform/install/index.js';
import { ensureAirflowEnv } from '../../../src/targets/local/install/index.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const PYTEST = ['pytest==9.2.0', 'iniconfig==2.3.1'];

interface Run {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = repo): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

let python: string;
let pytestDir: string;
let home: string;

beforeAll(async () => {
  python = (await ensureAirflowEnv()).python;
  pytestDir = join(cacheRoot(), 'airflow-pytest', PYTEST.join('_'));
  if (!existsSync(join(pytestDir, 'pytest'))) {
    // Installed under a scratch name and renamed: a concurrent or killed run never leaves half.
    const scratch = `${pytestDir}.${process.pid}.tmp`;
    const install = await run(
      python,
      ['-m', 'pip', 'install', '--quiet', '--no-deps', '--target', scratch, ...PYTEST],
      process.env,
    );
    if (install.code !== 0) throw new Error(`pip install pytest failed:\n${install.output}`);
    await mkdir(join(cacheRoot(), 'airflow-pytest'), { recursive: true });
    await rename(scratch, pytestDir).catch(() => rmSync(scratch, { recursive: true, force: true }));
  }
  home = mkdtempSync(join(tmpdir(), 'lakehouse-dagbag-'));
});

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('pipelines', () => {
  it('every DAG imports under the pinned Airflow and the pipeline tests pass', async () => {
    const result = await run(
      python,
      ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'pipelines/tests'],
      {
        ...process.env,
        PYTHONPATH: pytestDir,
        PYTHONDONTWRITEBYTECODE: '1',
        AIRFLOW_HOME: home,
      },
    );
    // Exit 5 is pytest's "collected no tests": a broken layout, never a pass.
    if (result.code === 5) {
      throw new Error(`pytest collected no tests in pipelines/tests:\n${result.output}`);
    }
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/\d+ passed/);
  });
});
