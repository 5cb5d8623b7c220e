/**
 * What `apply` has to do: which processes are new, gone, or described differently. Pure.
 */
import type { ProcessSpec } from '../process-spec.js';

export interface SpecDiff {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

export function diffSpecs(
  current: ReadonlyMap<string, ProcessSpec>,
  desired: readonly ProcessSpec[],
): SpecDiff {
  const diff: SpecDiff = { added: [], removed: [], changed: [], unchanged: [] };
  const desiredNames = new Set<string>();
  for (const spec of desired) {
    desiredNames.add(spec.name);
    const old = current.get(spec.name);
    if (!old) diff.added.push(spec.name);
    else if (specsEqual(old, spec)) diff.unchanged.push(spec.name);
    else diff.changed.push(spec.name);
  }
  for (const name of current.keys()) if (!desiredNames.has(name)) diff.removed.push(name);
  return diff;
}

/**
 * Equal when every field means the same: key order does not matter, an optional field left
 * out equals one set to undefined. Array order does matter (args, ports), except `dependsOn`,
 * which is a set.
 */
export function specsEqual(a: ProcessSpec, b: ProcessSpec): boolean {
  return canonical(normalize(a)) === canonical(normalize(b));
}

function normalize(spec: ProcessSpec): ProcessSpec {
  return { ...spec, dependsOn: [...spec.dependsOn].sort() };
}

/** JSON with object keys sorted and undefined members dropped. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
