import { runDiagnose } from '../../ops/diagnose/index.js';
import { loadValues, type LakehouseValues } from '../../platform/config/index.js';
import { LocalDiagnoseTarget } from '../../targets/local/diagnose/index.js';
import { readValuesInEffect } from '../../targets/local/platform/index.js';
import { deployedValues } from '../../targets/local/releases/index.js';
import type { ConsoleOverview } from '../api.js';
import { assembleOverview, type DiagnoseFinding } from './assemble.js';
import { DiagnoseLoop } from './diagnose-loop.js';
import {
  expectedComponents,
  readAlerts,
  readProcesses,
  readRevisions,
  readTargets,
} from './readers.js';

export interface LocalOverviewOptions {
  env: string;
  valuesFiles: readonly string[];
  stateDir: string;
  consoleVersion: string;
  consoleHost: string;
  /** The values the console started with: the fallback when a reload fails. */
  values: LakehouseValues;
  diagnoseIntervalMs?: number;
}

export interface OverviewSource {
  read(): Promise<ConsoleOverview>;
  /** The values in effect now (the environment's, with each deployed release's settings). */
  values(): Promise<LakehouseValues>;
  close(): Promise<void>;
}

/**
 * The overview of the local platform: the values in effect re-read on every request (an
 * upgrade or rollback changes versions and ports without restarting the console), the readers
 * run side by side, diagnose in the background.
 */
export function localOverviewSource(opts: LocalOverviewOptions): OverviewSource {
  let values = opts.values;
  const currentValues = async (): Promise<LakehouseValues> => {
    try {
      // What the last deploy configured, its -f files included; the environment's before any.
      values =
        readValuesInEffect(opts.stateDir) ??
        deployedValues(await loadValues({ env: opts.env, files: opts.valuesFiles }), opts.stateDir);
    } catch {
      // A values file mid-edit must not blank the page: keep the last good values.
    }
    return values;
  };
  const loop = new DiagnoseLoop(async (): Promise<DiagnoseFinding[]> => {
    const target = new LocalDiagnoseTarget({
      stateDir: opts.stateDir,
      env: opts.env,
      values: await currentValues(),
    });
    return (await runDiagnose(target)).findings;
  }, opts.diagnoseIntervalMs);
  loop.start();

  return {
    async read() {
      const v = await currentValues();
      const [processes, alerts, targets] = await Promise.all([
        readProcesses(opts.stateDir),
        readAlerts(v),
        readTargets(v),
      ]);
      return assembleOverview({
        env: opts.env,
        now: new Date(),
        values: v,
        consoleHost: opts.consoleHost,
        expected: expectedComponents(v, opts.consoleVersion),
        processes,
        revisions: readRevisions(opts.stateDir),
        alerts,
        findings: loop.latest(),
        targets,
      });
    },
    values: currentValues,
    close: () => loop.stop(),
  };
}
