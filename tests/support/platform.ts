/**
 * A platform of its own for an end-to-end test: a temporary state directory and a values file
 * that moves every port the configuration knows of (`configuredPorts`) to a free one, so tests
 * run beside a platform the user has up and a new port key is covered without touching tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import { configuredPorts, loadValues } from '../../src/platform/config/index.js';
import { findFreePort } from '../../src/lib/index.js';
import { runLakehouse, type CliRun } from './cli.js';

export interface TestPlatformOptions {
  /** Prefix of the temporary state directory. */
  name: string;
  /** Run Airflow too (off by default: it costs ~20 s and ~0.7 GB). */
  airflow?: boolean;
  /**
   * More values, merged over the ports (same shape as helm-values.yaml); a function gets the
   * state directory, for values that name a path inside it.
   */
  values?: Record<string, unknown> | ((home: string) => Record<string, unknown>);
  /** Workers to plan ports for (scale tests need room above `trino.workers.basePort`). */
  maxWorkers?: number;
}

export interface TestPlatform {
  home: string;
  valuesFile: string;
  /** Port per values key, e.g. `trino.coordinator.port`. */
  ports: Record<string, number>;
  /** `lakehouse <args>` against this platform's state directory. */
  run(args: string[], timeoutMs?: number): Promise<CliRun>;
  /** `lakehouse <args> -f <values>`, for commands that read the environment's values. */
  runWithValues(args: string[], timeoutMs?: number): Promise<CliRun>;
  /** `lakehouse sql -o json <query>`, asserting it succeeded. */
  sqlJson(query: string): Promise<Array<Record<string, unknown>>>;
  /** `down --purge` and the state directory removed. */
  destroy(): Promise<void>;
}

function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object') {
      deepMerge(b as Record<string, unknown>, v as Record<string, unknown>);
    } else base[k] = v;
  }
}

export async function createTestPlatform(opts: TestPlatformOptions): Promise<TestPlatform> {
  const home = mkdtempSync(join(tmpdir(), `lakehouse-e2e-${opts.name}-`));
  const airflow = opts.airflow ?? false;
  const maxWorkers = opts.maxWorkers ?? 3;
  const defaults = await loadValues({ env: 'local' });
  defaults.airflow.enabled = airflow;
  const values: Record<string, unknown> = { airflow: { enabled: airflow } };
  const ports: Record<string, number> = {};
  for (const use of configuredPorts(defaults)) {
    if (use.key in ports) continue;
    // Workers take basePort + i: keep room for the scale tests.
    const span = use.key === 'trino.workers.basePort' ? maxWorkers : 1;
    const port = await findFreePort('127.0.0.1', span);
    ports[use.key] = port;
    setKey(values, use.key, port);
  }
  if (opts.values) {
    deepMerge(values, typeof opts.values === 'function' ? opts.values(home) : opts.values);
  }
  const valuesFile = join(home, 'e2e-values.yaml');
  writeFileSync(valuesFile, stringify(values));

  const run = (args: string[], timeoutMs = 900_000): Promise<CliRun> =>
    runLakehouse(home, args, timeoutMs);
  const runWithValues = (args: string[], timeoutMs?: number): Promise<CliRun> =>
    run([...args, '-f', valuesFile], timeoutMs);
  return {
    home,
    valuesFile,
    ports,
    run,
    runWithValues,
    async sqlJson(query) {
      const r = await runWithValues(['sql', '-o', 'json', query]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    },
    async destroy() {
      await run(['down', '--purge', '--yes'], 180_000);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
