// Every chart × every Kubernetes environment: helm lint --strict, helm template, and kubeconform
// in strict mode against the offline schemas, with nothing left unvalidated.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartValuesSchema } from '../../../scripts/gen-chart-schemas.js';
import {
  CHARTS,
  chartArgs,
  chartTools,
  ENVS,
  exec,
  helmTemplate,
  kubeconform,
  parseManifests,
} from './support.js';

const tools = chartTools();

describe.each(CHARTS)('platform/%s', (chart) => {
  it.each(ENVS)('helm lint --strict with env/%s', async (env) => {
    const [, path, ...rest] = chartArgs(chart, env);
    const r = await exec(tools.helm, ['lint', '--strict', path as string, ...rest]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it.each(ENVS)('helm template with env/%s passes kubeconform -strict', async (env) => {
    const text = await helmTemplate(tools.helm, chart, env);
    const objects = parseManifests(text);
    expect(objects.length).toBeGreaterThan(0);
    const { summary, problems } = await kubeconform(tools, text);
    expect(problems).toEqual([]);
    // Every rendered object was validated against a schema: none skipped, none unknown.
    expect(summary).toEqual({ valid: objects.length, invalid: 0, errors: 0, skipped: 0 });
  });
});

describe('kubeconform is a real check', () => {
  it('refuses an unknown field, a wrong type and a kind it has no schema for', async () => {
    const { summary, problems } = await kubeconform(
      tools,
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: bad }',
        'spec:',
        '  replicas: "two"',
        '  selector: { matchLabels: { app: bad } }',
        '  template:',
        '    metadata: { labels: { app: bad } }',
        '    spec: { containers: [{ name: c, image: busybox, imagePullPolicyy: Always }] }',
        '---',
        'apiVersion: example.com/v1',
        'kind: Widget',
        'metadata: { name: w }',
      ].join('\n'),
    );
    expect(summary).toMatchObject({ valid: 0, invalid: 1, errors: 1 });
    expect(problems.join('\n')).toMatch(/imagePullPolicyy/);
    expect(problems.join('\n')).toMatch(/could not find schema for Widget/);
  });
});

describe('the chart schema refuses a typo in any section, as lakehouse check does', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chart-typo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Every map of the schema (sections and their nested maps), by path.
  const sections: string[][] = [];
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    const properties = node['properties'] as Record<string, Record<string, unknown>> | undefined;
    if (!properties) return;
    sections.push(path);
    for (const [key, child] of Object.entries(properties)) walk(child, [...path, key]);
  };
  walk(chartValuesSchema(), []);

  it.each(sections.filter((p) => p.length > 0).map((p) => [p.join('.'), p] as const))(
    '%s',
    async (name, path) => {
      // A values file with `wokers: 2` inside the section: YAML nesting from the path.
      const yaml = [...path, 'wokers'].map((key, i) => `${'  '.repeat(i)}${key}:`).join('\n');
      const file = join(dir, `${name}.yaml`);
      await writeFile(file, `${yaml} 2\n`);
      // Any chart will do: they all carry the same schema (the unit test checks it).
      const r = await exec(tools.helm, ['template', ...chartArgs('minio', 'dev', ['-f', file])]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `at '/${path.join('/')}': additional properties 'wokers' not allowed`,
      );
    },
  );
});
