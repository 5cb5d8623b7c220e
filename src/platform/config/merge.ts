/**
 * Values files merge like `helm -f a.yaml -f b.yaml`: later files win, maps merge key by key,
 * everything else (scalars, lists) is replaced whole, and `null` removes a key so its default
 * applies again. Alongside the result we keep which file set each key, so an error can name the
 * file the user has to edit.
 */

export type ValueMap = { [key: string]: unknown };

export interface MergeSource {
  /** Shown in errors: the path as the user knows it. */
  file: string;
  data: ValueMap;
}

export interface Merged {
  data: ValueMap;
  /** Dotted key path (`trino.workers.count`) → the file that last set it. */
  origins: Map<string, string>;
}

export function isMap(value: unknown): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function mergeValues(sources: readonly MergeSource[]): Merged {
  const origins = new Map<string, string>();
  let data: ValueMap = {};
  for (const source of sources) data = mergeInto(data, source.data, source.file, '', origins);
  return { data, origins };
}

function mergeInto(
  base: ValueMap,
  overlay: ValueMap,
  file: string,
  prefix: string,
  origins: Map<string, string>,
): ValueMap {
  const out: ValueMap = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const current = out[key];
    if (value === null) {
      delete out[key];
      forget(origins, path);
    } else if (isMap(value)) {
      if (!isMap(current)) forget(origins, path);
      out[key] = mergeInto(isMap(current) ? current : {}, value, file, path, origins);
      // Only leaves are recorded; an empty map is a leaf the user wrote.
      if (Object.keys(value).length === 0) origins.set(path, file);
    } else {
      forget(origins, path);
      out[key] = value;
      origins.set(path, file);
    }
  }
  return out;
}

function forget(origins: Map<string, string>, path: string): void {
  for (const key of [...origins.keys()]) {
    if (key === path || key.startsWith(`${path}.`)) origins.delete(key);
  }
}

/**
 * The file to blame for a key: the one that set it or its closest parent; else, for a map, the
 * last file that set something inside it; else (a key no file mentions, such as a missing
 * required one) `fallback`, the environment's own file.
 */
export function originOf(origins: Map<string, string>, path: string, fallback: string): string {
  for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const file = origins.get(p);
    if (file) return file;
  }
  let inside: string | undefined;
  for (const [key, file] of origins) if (key.startsWith(`${path}.`)) inside = file;
  return inside ?? fallback;
}
