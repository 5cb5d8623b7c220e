// Writes platform/<chart>/values.schema.json for every chart from the zod schema of the
// environment files (src/platform/config/schema.ts), so `helm install` and `lakehouse check`
// refuse the same typos. Run: npm run charts:schema (add --check to only report drift).
//
// Every chart gets the WHOLE environment schema: the runbook passes the same
// env/<env>/helm-values.yaml to every chart, so each chart sees every section.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { valuesSchema } from '../src/platform/config/schema.js';
import { repoRoot } from '../src/platform/paths.js';

export const SCHEMA_FILE = 'values.schema.json';

/**
 * The JSON schema every chart carries. Draft 7 because helm v3 validates with
 * santhosh-tekuri/jsonschema v6, which knows draft 7 offline (no metaschema download), and zod
 * writes it without the 2020-12-only keywords. `io: 'input'` describes what a values file may
 * contain (keys with defaults optional); zod's strict objects become additionalProperties: false.
 */
export function chartValuesSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(valuesSchema, { io: 'input', target: 'draft-7' });
  const withNote = {
    ...schema,
    $comment:
      'Generated from src/platform/config/schema.ts by `npm run charts:schema`; do not edit. ' +
      'The whole environment schema: every chart reads the same env/<env>/helm-values.yaml.',
  };
  return sortKeys(withNote) as Record<string, unknown>;
}

/** values.schema.json's text: keys sorted, in the repository's prettier style (npm run lint). */
export async function chartValuesSchemaText(): Promise<string> {
  const file = join(repoRoot, 'platform', SCHEMA_FILE);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(JSON.stringify(chartValuesSchema()), { ...options, parser: 'json' });
}

/** Object keys sorted at every depth (array order kept: it means something in enum/required). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** The chart directories under platform/: those with a Chart.yaml, sorted. */
export async function chartDirs(root: string = repoRoot): Promise<string[]> {
  const platform = join(root, 'platform');
  const entries = await readdir(platform, { withFileTypes: true });
  const dirs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const dir = join(platform, entry.name);
    if (await exists(join(dir, 'Chart.yaml'))) dirs.push(dir);
  }
  return dirs.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** The schema files that are missing or differ from what the zod schema gives, relative to root. */
export async function staleChartSchemas(root: string = repoRoot): Promise<string[]> {
  const expected = await chartValuesSchemaText();
  const stale: string[] = [];
  for (const dir of await chartDirs(root)) {
    const file = join(dir, SCHEMA_FILE);
    const actual = await readFile(file, 'utf8').catch(() => undefined);
    if (actual !== expected) stale.push(relative(root, file));
  }
  return stale;
}

async function main(args: readonly string[]): Promise<number> {
  const root = repoRoot;
  const dirs = await chartDirs(root);
  if (dirs.length === 0) {
    console.error('no chart (platform/*/Chart.yaml) found');
    return 1;
  }
  if (args.includes('--check')) {
    const stale = await staleChartSchemas(root);
    for (const file of stale) console.error(`${file} is out of date: run npm run charts:schema`);
    return stale.length === 0 ? 0 : 1;
  }
  const text = await chartValuesSchemaText();
  for (const dir of dirs) {
    const file = join(dir, SCHEMA_FILE);
    const before = await readFile(file, 'utf8').catch(() => undefined);
    if (before === text) {
      console.log(`${relative(root, file)} unchanged`);
      continue;
    }
    await writeFile(file, text);
    console.log(`${relative(root, file)} written`);
  }
  return 0;
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  process.exitCode = await main(process.argv.slice(2));
}
