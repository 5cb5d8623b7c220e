import { startConsole, type RunningConsole } from '../../src/console/index.js';
import type { ConsoleDeps } from '../../src/console/server/index.js';

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

const unused = (what: string) => () => Promise.reject(new Error(`${what}: not used by this test`));

/**
 * What `buildConsoleApp` needs, for a test about some of its routes: the sources the test does
 * not give fail when asked (so a route reading one it should not is caught), Prometheus, the
 * catalog and Trino are switched off, there is no page and no token.
 */
export function consoleDeps(over: Partial<ConsoleDeps> = {}): ConsoleDeps {
  return {
    version: 'test',
    dashboards: [],
    overview: unused('the overview'),
    prometheus: async () => null,
    catalog: async () => null,
    trino: async () => null,
    releases: unused('the release history'),
    airflow: unused('Airflow'),
    webRoot: '/nonexistent',
    token: null,
    ...over,
  };
}
