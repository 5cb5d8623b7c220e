import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  chartDirs,
  chartValuesSchema,
  chartValuesSchemaText,
  SCHEMA_FILE,
  staleChartSchemas,
} from '../../../scripts/gen-chart-schemas.js';
import { valuesSchema } from '../../../src/platform/config/schema.js';

/** The runbook's components, each a chart under platform/. */
const CHARTS = ['airflow', 'argocd', 'iceberg-catalog', 'minio', 'observability', 'trino'];

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The defaults zod fills in. global.target has none (every environment file states it); a chart's
 * values.yaml may state the one value a chart can mean, `kubernetes`, so `helm lint` works alone.
 */
function zodDefaults(): Json {
  return valuesSchema.parse({ global: { target: 'kubernetes' } }) as unknown as Json;
}

/**
 * `defaults` cut down to the keys `chart` spells out (at every depth), so a chart's values.yaml
 * compares equal exactly when each value it states is the zod default. A key without a default
 * comes back undefined and shows in the diff.
 */
function restrictTo(defaults: unknown, chart: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(chart)) {
    const fallback = isMap(defaults) ? defaults[key] : undefined;
    out[key] =
      isMap(value) && Object.keys(value).length > 0 && isMap(fallback)
        ? restrictTo(fallback, value)
        : fallback;
  }
  return out;
}

async function chartValues(dir: string): Promise<Json> {
  const data: unknown = parseYaml(await readFile(join(dir, 'values.yaml'), 'utf8'));
  if (data === null || data === undefined) return {};
  if (!isMap(data)) throw new Error(`${dir}/values.yaml is not a map`);
  return data;
}

/** Every map in the JSON schema that lists properties, by its path of keys. */
function objectNodes(node: Json, path: string[] = []): { path: string[]; node: Json }[] {
  const found: { path: string[]; node: Json }[] = [];
  const properties = node['properties'];
  if (isMap(properties)) {
    found.push({ path, node });
    for (const [key, child] of Object.entries(properties)) {
      if (isMap(child)) found.push(...objectNodes(child, [...path, key]));
    }
  }
  return found;
}

function withKey(base: Json, path: readonly string[], key: string, value: unknown): Json {
  const copy = structuredClone(base);
  let at = copy;
  for (const part of path) {
    const next = isMap(at[part]) ? (at[part] as Json) : {};
    at[part] = next;
    at = next;
  }
  at[key] = value;
  return copy;
}

describe('values.schema.json of every chart', () => {
  it('there is a chart for every component of the runbook', async () => {
    const names = (await chartDirs()).map((d) => basename(d));
    expect(names).toEqual(expect.arrayContaining(CHARTS));
  });

  it('is exactly what npm run charts:schema generates from src/platform/config/schema.ts', async () => {
    const stale = await staleChartSchemas();
    expect(
      stale.map((file) => `${file} is stale or missing: run npm run charts:schema`),
      'the charts must carry the zod schema of the environment files',
    ).toEqual([]);
  });

  it('is deterministic: keys sorted at every depth, one trailing newline', async () => {
    const text = await chartValuesSchemaText();
    expect(text).toBe(await chartValuesSchemaText());
    expect(text.endsWith('}\n') && !text.endsWith('\n\n')).toBe(true);
    const sorted = (v: unknown): boolean =>
      Array.isArray(v)
        ? v.every(sorted)
        : !isMap(v) ||
          (Object.keys(v).every((k, i, ks) => i === 0 || (ks[i - 1] as string) < k) &&
            Object.values(v).every(sorted));
    expect(sorted(JSON.parse(text))).toBe(true);
  });

  it('is draft 7 (what helm v3 validates offline), requires global.target, allows no other key', () => {
    const schema = chartValuesSchema();
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['required']).toEqual(['global']);
    const global = (schema['properties'] as Json)['global'] as Json;
    expect(global['required']).toEqual(['target']);
    expect(Object.keys(schema['properties'] as Json).sort()).toEqual(
      Object.keys(valuesSchema.shape).sort(),
    );
  });
});

describe('a typo key is refused by zod and by the JSON schema, in every section', () => {
  const schema = chartValuesSchema();
  const sections = objectNodes(schema);
  const base: Json = { global: { target: 'kubernetes' } };

  it('covers the nested sections too', () => {
    const paths = sections.map((s) => s.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '',
        'global',
        'global.networkPolicy',
        'trino.workers',
        'trino.workers.resources.requests',
        'observability.grafana.image',
        'airflow.gitSync.image',
        'postgresql.persistence',
        'argocd',
      ]),
    );
  });

  it.each(sections.map((s) => [s.path.join('.') || '(top level)', s] as const))(
    '%s',
    (_name, { path, node }) => {
      const values = withKey(base, path, 'wokers', 2);
      const result = valuesSchema.safeParse(values);
      expect(result.success).toBe(false);
      expect(result.error?.issues).toContainEqual(
        expect.objectContaining({ code: 'unrecognized_keys', keys: ['wokers'], path }),
      );
      // The JSON schema refuses it the same way: a closed map (helm reports
      // "additional properties 'wokers' not allowed"; the kubernetes project runs helm on it).
      expect(node['additionalProperties']).toBe(false);
      expect(node).not.toHaveProperty('patternProperties');
      expect(Object.keys(node['properties'] as Json)).not.toContain('wokers');
    },
  );
});

describe("every chart's values.yaml", () => {
  it.each(CHARTS)('%s: holds only schema keys, each at its zod default', async (name) => {
    const dir = join('platform', name);
    const values = await chartValues(dir);
    const global = isMap(values['global']) ? values['global'] : {};
    const result = valuesSchema.safeParse({
      ...values,
      global: { ...global, target: 'kubernetes' },
    });
    expect(result.error?.issues ?? [], `${dir}/values.yaml against the zod schema`).toEqual([]);
    expect(values, `${dir}/values.yaml must state the defaults of schema.ts`).toEqual(
      restrictTo(zodDefaults(), values),
    );
  });

  it('carries the generated schema beside it', async () => {
    const expected = await chartValuesSchemaText();
    for (const name of CHARTS) {
      const text = await readFile(join('platform', name, SCHEMA_FILE), 'utf8').catch(() => '');
      expect(text, `platform/${name}/${SCHEMA_FILE}`).toBe(expected);
    }
  });
});
