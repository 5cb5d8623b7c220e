import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  alertRulesDir,
  alertTestsDir,
  dashboardQueries,
} from '../../../src/platform/observability/index.js';
import { ensurePrometheus } from '../../../src/targets/local/observability/index.js';

/**
 * promtool (Debian's prometheus package, installed on first use like `lakehouse up` does) on the
 * repository's alert rules: `check rules` on every rule file, `test rules` on every promtool test
 * file. A failure shows promtool's own output. tests/unit/platform/observability/rules.test.ts
 * checks that every alert has a firing and a quiet case in these files.
 */

const exec = promisify(execFile);
let promtool: string;
let scratch: string;

interface Result {
  code: number;
  output: string;
}

async function runPromtool(args: string[], cwd: string): Promise<Result> {
  try {
    const r = await exec(promtool, args, { cwd, timeout: 60_000 });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
  }
}

const ymlIn = async (dir: string): Promise<string[]> =>
  (await readdir(dir)).filter((f) => f.endsWith('.yml')).sort();

const ruleFiles = await ymlIn(alertRulesDir());
const testFiles = await ymlIn(alertTestsDir());

beforeAll(async () => {
  promtool = (await ensurePrometheus({ onProgress: (l) => console.log(`[promtool] ${l}`) }))
    .promtool;
  scratch = await mkdtemp(join(tmpdir(), 'lakehouse-promtool-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('promtool check rules', () => {
  it('there are rule files and a test file for each', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(5);
    expect(testFiles.map((f) => f.replace(/\.test\.yml$/, '.yml'))).toEqual(ruleFiles);
  });

  it.each(ruleFiles)('accepts %s', async (file) => {
    const r = await runPromtool(['check', 'rules', file], alertRulesDir());
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });
});

describe('promtool test rules', () => {
  it.each(testFiles)('%s passes', async (file) => {
    const r = await runPromtool(['test', 'rules', file], alertTestsDir());
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('fails, naming the alert, when a rule no longer does what its test expects', async () => {
    // The PodDown tests against a copy of platform.yml whose PodDown waits 10 minutes.
    const rules = parse(await readFile(join(alertRulesDir(), 'platform.yml'), 'utf8')) as {
      groups: { rules: { alert?: string; for?: string }[] }[];
    };
    for (const g of rules.groups) for (const r of g.rules) if (r.alert === 'PodDown') r.for = '10m';
    await writeFile(join(scratch, 'platform.yml'), stringify(rules));
    const tests = parse(await readFile(join(alertTestsDir(), 'platform.test.yml'), 'utf8')) as {
      rule_files: string[];
    };
    tests.rule_files = [join(scratch, 'platform.yml')];
    await writeFile(join(scratch, 'platform.test.yml'), stringify(tests));
    const r = await runPromtool(['test', 'rules', 'platform.test.yml'], scratch);
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain('alertname: PodDown');
  });
});

describe('the dashboards’ queries', () => {
  it('are valid PromQL (promtool checks them as recording rules)', async () => {
    // The live check (every query returns series) needs a running platform: the observability
    // e2e test. This one needs only promtool, so a typo fails `npm test` without a platform.
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    const rules = queries.map((q, i) => ({ record: `dashboard_query_${i}`, expr: q.expr }));
    await writeFile(
      join(scratch, 'dashboards.yml'),
      stringify({ groups: [{ name: 'dashboards', rules }] }),
    );
    const r = await runPromtool(['check', 'rules', 'dashboards.yml'], scratch);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});
