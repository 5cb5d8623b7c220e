import type { TestProject } from 'vitest/node';
import { cacheRoot, ensurePythonEnv, formatDuration } from '../../src/platform/install/index.js';
import { ensureMinio } from '../../src/targets/local/install/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the MinIO server binary built by `ensureMinio`. */
    minioBinary: string;
    /** Path of the venv python that has pyiceberg and pyarrow. */
    python: string;
  }
}

/**
 * Runs once before the integration tests: installs (or finds in the cache) the real components
 * the tests start and hands their paths to the tests through `inject()`.
 */
export default async function setup(project: TestProject): Promise<void> {
  const started = Date.now();
  const say = (line: string): void => console.log(`[global-setup] ${line}`);
  say(`installing test components into ${cacheRoot()} (cached after the first run)`);
  // In parallel: the MinIO build is CPU-bound, the pip install mostly waits on downloads.
  const [minioBinary, python] = await Promise.all([
    ensureMinio({ onProgress: say }),
    ensurePythonEnv({ onProgress: say }),
  ]);
  project.provide('minioBinary', minioBinary);
  project.provide('python', python);
  say(`ready in ${formatDuration(Date.now() - started)}`);
}
