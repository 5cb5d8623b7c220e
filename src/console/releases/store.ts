import { COMPONENTS, isEnabled, type Release } from '../../ops/index.js';
import type { LakehouseValues } from '../../platform/config/index.js';
import { readHistory } from '../../targets/local/releases/index.js';
import type { ConsoleReleases } from '../api.js';
import { consoleReleases, type ComponentHistory } from './history.js';

/**
 * The local release store as `lakehouse history` reads it, one component at a time so a
 * damaged file costs only its own table. A component shows when it has a history or the values
 * run it (then its table says it has no release yet).
 */
export function readReleases(stateDir: string, values: LakehouseValues): ConsoleReleases {
  const histories: ComponentHistory[] = [];
  for (const component of COMPONENTS) {
    let releases: Release[];
    try {
      releases = readHistory(stateDir, component);
    } catch (err) {
      histories.push({ component, releases: [], error: (err as Error).message });
      continue;
    }
    if (releases.length > 0 || isEnabled(component, values)) {
      histories.push({ component, releases });
    }
  }
  return consoleReleases(histories);
}
