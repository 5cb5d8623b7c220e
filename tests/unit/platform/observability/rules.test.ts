import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  alertRulesDir,
  alertTestsDir,
  coverageProblems,
  loadAlertRules,
  loadAlertTests,
  observabilityDir,
  parseAlertRules,
  parseAlertTests,
  ruleProblems,
  type AlertRule,
} from '../../../../src/platform/observability/index.js';

/**
 * The repository's alert rules as data: what promtool cannot insist on (labels, annotations,
 * a firing and a quiet promtool case for every alert) is checked here, so a new alert without
 * tests fails `npm test`. promtool itself runs in tests/integration/observability/rules.test.ts.
 */

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  file: 'x.yml',
  group: 'g',
  alert: 'SomethingDown',
  expr: 'up == 0',
  for: '1m',
  labels: { severity: 'critical', component: 'minio' },
  annotations: { summary: 'It is down', description: 'Run `lakehouse logs minio`.' },
  ...over,
});

describe('the rule files in platform/observability/rules', () => {
  it('hold the runbook alerts and the ones issue 6 adds, each with its severity', async () => {
    const rules = await loadAlertRules(alertRulesDir());
    const severity = Object.fromEntries(rules.map((r) => [r.alert, r.labels['severity']]));
    expect(severity).toMatchObject({
      PodDown: 'critical',
      HighMemoryUsage: 'warning',
      DiskSpaceLow: 'warning',
      TrinoQueryFailureRate: 'critical',
      AirflowDAGFailure: 'warning',
      ComponentUnhealthy: 'critical',
      TargetDown: 'warning',
      CatalogCommitConflicts: 'warning',
      CatalogErrors: 'warning',
      MinIOErrors: 'warning',
    });
    const forOf = Object.fromEntries(rules.map((r) => [r.alert, r.for]));
    // The e2e waits `for` plus a scrape interval for these two.
    expect(forOf['PodDown']).toBe('1m');
    expect(forOf['TrinoQueryFailureRate']).toBe('1m');
  });

  it('every alert has severity, component, summary and a description naming a lakehouse command', async () => {
    const rules = await loadAlertRules(alertRulesDir());
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(ruleProblems(rules)).toEqual([]);
  });

  it('every alert has a promtool case where it fires and one where it does not', async () => {
    const rules = await loadAlertRules(alertRulesDir());
    const cases = await loadAlertTests(alertTestsDir());
    expect(coverageProblems(rules, cases)).toEqual([]);
  });

  it('are each in the README alert table with their severity and for', async () => {
    const readme = await readFile(join(observabilityDir(), 'README.md'), 'utf8');
    for (const r of await loadAlertRules(alertRulesDir())) {
      const row = readme.split('\n').find((l) => l.startsWith(`| ${r.alert} |`));
      expect(row, `${r.alert} in platform/observability/README.md`).toBeDefined();
      const cells = (row ?? '').split(' | ');
      expect(cells[1], r.alert).toBe(r.labels['severity']);
      expect(cells[4], r.alert).toBe(r.for);
    }
  });
});

describe('ruleProblems', () => {
  it('accepts a complete alert', () => {
    expect(ruleProblems([rule()])).toEqual([]);
  });

  it('names each missing label and annotation', () => {
    const r = rule({ labels: { severity: 'critical' }, annotations: { summary: ' ' } });
    expect(ruleProblems([r])).toEqual([
      'x.yml: SomethingDown: no label component',
      'x.yml: SomethingDown: no annotation summary',
      'x.yml: SomethingDown: no annotation description',
    ]);
  });

  it('rejects an unknown severity, a description without a command, and duplicate names', () => {
    expect(
      ruleProblems([
        rule({ labels: { severity: 'page', component: 'trino' } }),
        rule({ file: 'y.yml', annotations: { summary: 's', description: 'Look into it.' } }),
      ]),
    ).toEqual([
      'x.yml: SomethingDown: severity page is not one of critical, warning',
      'y.yml: SomethingDown: alert name already used in x.yml',
      'y.yml: SomethingDown: the description names no `lakehouse …` command to run',
    ]);
  });
});

describe('coverageProblems', () => {
  const fires = { file: 't.yml', alertname: 'SomethingDown', evalTime: '5m', firing: 1 };
  const quiet = { file: 't.yml', alertname: 'SomethingDown', evalTime: '1m', firing: 0 };

  it('is satisfied by one firing and one quiet case', () => {
    expect(coverageProblems([rule()], [fires, quiet])).toEqual([]);
  });

  it('names an alert without a firing case, without a quiet case, and a case for no alert', () => {
    expect(coverageProblems([rule()], [quiet])).toEqual([
      'x.yml: SomethingDown has no promtool case where it fires',
    ]);
    expect(coverageProblems([rule()], [fires])).toEqual([
      'x.yml: SomethingDown has no promtool case where it does not fire',
    ]);
    expect(coverageProblems([], [{ ...fires, alertname: 'Gone' }])).toEqual([
      't.yml: a case at 5m tests Gone, which no rule defines',
    ]);
  });
});

describe('parsing', () => {
  it('reads alerting rules and skips recording rules', () => {
    const rules = parseAlertRules(
      'a.yml',
      [
        'groups:',
        '  - name: g',
        '    rules:',
        '      - record: job:up:sum',
        '        expr: sum by (job) (up)',
        '      - alert: A',
        '        expr: |',
        '          up == 0',
        '        labels: { severity: warning, component: x }',
        '        annotations: { summary: s, description: d }',
      ].join('\n'),
    );
    expect(rules).toEqual([
      {
        file: 'a.yml',
        group: 'g',
        alert: 'A',
        expr: 'up == 0',
        for: '0s',
        labels: { severity: 'warning', component: 'x' },
        annotations: { summary: 's', description: 'd' },
      },
    ]);
  });

  it('counts the alerts each promtool case expects; exp_alerts: [] and none are both quiet', () => {
    const cases = parseAlertTests(
      't.yml',
      [
        'rule_files: [../rules/a.yml]',
        'tests:',
        '  - interval: 1m',
        '    input_series: []',
        '    alert_rule_test:',
        '      - { eval_time: 1m, alertname: A, exp_alerts: [] }',
        '      - { eval_time: 2m, alertname: A }',
        '      - eval_time: 5m',
        '        alertname: A',
        '        exp_alerts:',
        '          - exp_labels: { severity: warning }',
        '          - exp_labels: { severity: warning, x: y }',
      ].join('\n'),
    );
    expect(cases.map((c) => [c.evalTime, c.firing])).toEqual([
      ['1m', 0],
      ['2m', 0],
      ['5m', 2],
    ]);
  });

  it('names the file and the key of a malformed rule file', () => {
    expect(() =>
      parseAlertRules('bad.yml', 'groups:\n  - name: g\n    rules:\n      - alert: A\n'),
    ).toThrow(/^bad\.yml: groups\.0\.rules\.0\.expr: /);
  });
});
