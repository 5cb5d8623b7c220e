import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { valuesSchema, type LakehouseValues } from '../../../platform/config/index.js';

/**
 * The values the platform was last configured with (by `up`, upgrade, rollback or scale),
 * extra `-f` files included, for readers that do not get the command line: the console. They
 * hold no credentials (those are in secrets/).
 */
export const valuesInEffectFile = (stateDir: string): string =>
  join(stateDir, 'values-in-effect.json');

export function writeValuesInEffect(stateDir: string, values: LakehouseValues): void {
  const file = valuesInEffectFile(stateDir);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

/** null when no deploy wrote them yet, or the file is not valid values (then re-read the env). */
export function readValuesInEffect(stateDir: string): LakehouseValues | null {
  let text: string;
  try {
    text = readFileSync(valuesInEffectFile(stateDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = valuesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
