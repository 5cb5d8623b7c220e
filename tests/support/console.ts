import { startConsole, type RunningConsole } from '../../src/console/index.js';

/**
 * The console of a test's state directory on a free loopback port. Diagnose runs once at
 * start (it is the overview's, and slow); the hour between runs outlasts any test.
 */
export function startTestConsole(opts: {
  stateDir: string;
  valuesFile: string;
  webRoot: string;
}): Promise<RunningConsole> {
  return startConsole({
    env: 'local',
    valuesFiles: [opts.valuesFile],
    stateDir: opts.stateDir,
    host: '127.0.0.1',
    port: 0,
    webRoot: opts.webRoot,
    diagnoseIntervalMs: 3_600_000,
  });
}
