import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { repoRoot } from '../paths.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { isMap, mergeValues, originOf, type ValueMap } from './merge.js';
import { configuredPorts } from './ports.js';
import { valuesSchema, type LakehouseValues } from './schema.js';
import { closest } from './suggest.js';

export interface LoadValuesOptions {
  /** Environment name: `local` (default), `dev`, `staging`, `prod`. */
  env?: string;
  /** Extra values files merged on top, in order, like `helm -f a -f b`. */
  files?: readonly string[];
  /** Where `env/` lives (default: the repository root). */
  root?: string;
}

/** A values file's text and the name errors show for it. */
export interface ValuesSource {
  file: string;
  text: string;
}

/** On the local target everything shares one machine: more workers than this do not fit. */
export const LOCAL_MAX_TRINO_WORKERS = 8;

/**
 * Reads `env/<env>/helm-values.yaml` and any extra files, merges them, validates the result and
 * returns it with every default filled in. Throws one `ConfigError` listing every problem.
 */
export async function loadValues(opts: LoadValuesOptions = {}): Promise<LakehouseValues> {
  const env = opts.env ?? 'local';
  const root = opts.root ?? repoRoot;
  const envFile = valuesFilePath(env, root);
  const display = (path: string): string => displayPath(path, root);

  if (!/^[a-z0-9][a-z0-9-]*$/.test(env)) {
    throw new ConfigError(env, [
      {
        file: 'env/',
        key: '',
        problem: `has no environment named "${env}"`,
        allowed: 'an environment name of lower-case letters, digits and "-"',
        fix: `pass one of: ${(await knownEnvs(root)).join(', ') || 'local'}`,
      },
    ]);
  }
  const paths = [envFile, ...(opts.files ?? []).map((f) => resolve(f))];
  const sources: ValuesSource[] = [];
  const missing: ConfigProblem[] = [];
  for (const path of paths) {
    try {
      sources.push({ file: display(path), text: await readFile(path, 'utf8') });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const isEnv = path === envFile;
      missing.push({
        file: display(path),
        key: '',
        problem: code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`,
        allowed: isEnv ? 'an environment with a values file' : 'a readable YAML file',
        fix: isEnv
          ? `use --env with one of: ${(await knownEnvs(root)).join(', ')}; or create ${display(path)} (copy env/local/helm-values.yaml)`
          : 'check the path given to --values',
      });
    }
  }
  if (missing.length > 0) throw new ConfigError(env, missing);
  return parseValues(env, sources);
}

/** Validates already-read values files (the first is the environment's own). Pure. */
export function parseValues(env: string, sources: readonly ValuesSource[]): LakehouseValues {
  const problems: ConfigProblem[] = [];
  const parsed: { file: string; data: ValueMap }[] = [];
  for (const source of sources) {
    const result = parseYaml(source);
    if ('problems' in result) problems.push(...result.problems);
    else parsed.push({ file: source.file, data: result.data });
  }
  if (problems.length > 0) throw new ConfigError(env, problems);

  const envFile = sources[0]?.file ?? `env/${env}/helm-values.yaml`;
  const { data, origins } = mergeValues(parsed);
  const fileOf = (key: string): string => originOf(origins, key, envFile);

  const result = valuesSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...issueProblems(issue, data, fileOf));
    throw new ConfigError(env, problems);
  }
  problems.push(...crossChecks(result.data, fileOf));
  if (problems.length > 0) throw new ConfigError(env, problems);
  return result.data;
}

export function valuesFilePath(env: string, root = repoRoot): string {
  return join(root, 'env', env, 'helm-values.yaml');
}

function displayPath(path: string, root: string): string {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function knownEnvs(root: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, 'env'), { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

// --- YAML ----------------------------------------------------------------------------------

function parseYaml(source: ValuesSource): { data: ValueMap } | { problems: ConfigProblem[] } {
  const doc = parseDocument(source.text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
        return {
          file: source.file,
          key: '',
          problem: `has a YAML syntax error${at}: ${firstLine(e.message)}`,
          allowed: 'YAML: a map of keys, indented with spaces',
          fix: pos ? `correct line ${pos.line} of ${source.file}` : `correct ${source.file}`,
        };
      }),
    };
  }
  const data: unknown = doc.toJS();
  // An empty file (or only comments) is an empty map, as for Helm.
  if (data === null || data === undefined) return { data: {} };
  if (!isMap(data)) {
    return {
      problems: [
        {
          file: source.file,
          key: '',
          problem: `is ${describe(data)}, not a map of keys`,
          allowed: 'a YAML map at the top level (global:, minio:, trino:, …)',
          fix: `start ${source.file} with top-level keys such as "global:"`,
        },
      ],
    };
  }
  return { data };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

// --- zod issues → problems -----------------------------------------------------------------

/** The defaults, to suggest in fixes ("or remove it to use the default (1)"). */
const DEFAULTS: LakehouseValues = valuesSchema.parse({ global: { target: 'local' } });

/** Fixes that say more than "set it to an allowed value". */
const REQUIRED_FIXES: Record<string, string> = {
  global: 'add "global:" with "target: local" (or "target: kubernetes")',
  'global.target': 'add "target: local" (or "target: kubernetes") under "global:"',
};

function issueProblems(
  issue: z.core.$ZodIssue,
  data: ValueMap,
  fileOf: (key: string) => string,
): ConfigProblem[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(path);
    const parent = path.join('.');
    return issue.keys.map((name) => {
      const key = parent ? `${parent}.${name}` : name;
      const guess = closest(name, known);
      return {
        file: fileOf(key),
        key,
        problem: 'is not a known key',
        allowed: `${parent ? `the keys of ${parent}` : 'the top-level keys'}: ${known.join(', ')}`,
        fix: guess
          ? `did you mean "${guess}"? Rename it to ${parent ? `${parent}.` : ''}${guess}`
          : `remove it from ${fileOf(key)}`,
      };
    });
  }
  const key = path.join('.');
  const file = fileOf(key);
  const value = valueAt(data, path);
  if (value === undefined) {
    return [
      {
        file,
        key,
        problem: 'is missing',
        allowed: issue.message,
        fix: REQUIRED_FIXES[key] ?? `add ${key} to ${file}`,
      },
    ];
  }
  const fallback = valueAt(DEFAULTS, path);
  const useDefault =
    fallback === undefined || isMap(fallback) || key in REQUIRED_FIXES
      ? ''
      : `, or remove it to use the default (${String(fallback)})`;
  return [
    {
      file,
      key,
      problem: `is ${describe(value)}`,
      allowed: issue.message,
      fix: `set ${key} to an allowed value in ${file}${useDefault}`,
    },
  ];
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let at: unknown = data;
  for (const part of path) {
    if (!isMap(at)) return undefined;
    at = at[part];
  }
  return at;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a map';
  return String(value);
}

/** The keys the schema allows in the map at `path`. */
function knownKeys(path: readonly string[]): string[] {
  let schema: z.core.$ZodType = valuesSchema;
  for (const part of [...path, '']) {
    schema = unwrap(schema);
    if (!(schema instanceof z.ZodObject)) return [];
    if (part === '') return Object.keys(schema.shape);
    const next: z.core.$ZodType | undefined = (schema.shape as Record<string, z.core.$ZodType>)[
      part
    ];
    if (!next) return [];
    schema = next;
  }
  return [];
}

/** Looks through the default/prefault/optional wrappers to the object schema inside. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) {
    s = s.unwrap();
  }
  return s;
}

// --- checks across keys --------------------------------------------------------------------

function crossChecks(values: LakehouseValues, fileOf: (key: string) => string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const local = values.global.target === 'local';

  if (local) {
    // One machine: two components cannot listen on one port. (In Kubernetes each has its own pod.)
    const seen = new Map<number, { key: string; owner: string }>();
    for (const use of configuredPorts(values)) {
      const first = seen.get(use.port);
      if (!first) {
        seen.set(use.port, use);
        continue;
      }
      if (first.key === use.key) continue;
      problems.push({
        file: fileOf(use.key),
        key: use.key,
        problem: `puts ${use.owner} on port ${use.port}, which ${first.key} already gives to ${first.owner}`,
        allowed: 'a port no other component uses',
        fix: `change ${use.key} or ${first.key} so they differ`,
      });
    }
    if (values.trino.enabled && values.trino.workers.count > LOCAL_MAX_TRINO_WORKERS) {
      problems.push({
        file: fileOf('trino.workers.count'),
        key: 'trino.workers.count',
        problem: `is ${values.trino.workers.count}`,
        allowed: `on the local target, an integer from 0 to ${LOCAL_MAX_TRINO_WORKERS}`,
        fix: `lower it, or run more workers on a kubernetes environment (--env dev, staging or prod)`,
      });
    }
  }

  const warehouse = /^s3:\/\/([^/]+)/.exec(values.icebergCatalog.warehouse);
  if (
    values.minio.enabled &&
    values.icebergCatalog.enabled &&
    warehouse &&
    warehouse[1] !== values.minio.bucket
  ) {
    problems.push({
      file: fileOf('icebergCatalog.warehouse'),
      key: 'icebergCatalog.warehouse',
      problem: `is in bucket "${warehouse[1]}", but MinIO creates bucket "${values.minio.bucket}" (minio.bucket)`,
      allowed: `an s3:// location in minio.bucket ("s3://${values.minio.bucket}/…")`,
      fix: `change icebergCatalog.warehouse to s3://${values.minio.bucket}/lakehouse, or minio.bucket to "${warehouse[1]}"`,
    });
  }

  if (
    values.icebergCatalog.enabled &&
    values.icebergCatalog.replicas > 1 &&
    values.icebergCatalog.database.startsWith('sqlite')
  ) {
    problems.push({
      file: fileOf('icebergCatalog.replicas'),
      key: 'icebergCatalog.replicas',
      problem: `is ${values.icebergCatalog.replicas}, but icebergCatalog.database is SQLite, a file one replica owns`,
      allowed: '1 with SQLite; more with a postgres:// database',
      fix: 'set icebergCatalog.replicas to 1, or icebergCatalog.database to a postgres:// URL',
    });
  }
  return problems;
}
