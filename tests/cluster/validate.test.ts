// The runbook's validation step against a deployed Kubernetes environment:
//   KUBECONFIG=<cluster> tests/e2e/run_tests.sh --env <env>
// Read-only: it checks what bootstrap promised (prerequisites, every Application Synced and
// Healthy and not paused, each component's recorded release and the runbook's verification —
// the HTTP checks when the env's global.verify is traffic), that diagnose finds nothing critical,
// and that the env's values plan no change. tests/e2e/kubernetes.test.ts runs this file against
// its kwok cluster; run_tests.sh --env runs it against a real one.
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/platform/paths.js';
import { runCli, type CliRun } from '../support/cli.js';

const env = process.env['LAKEHOUSE_E2E_ENV'] ?? '';
if (!env) {
  throw new Error(
    'LAKEHOUSE_E2E_ENV is not set: run this suite with `tests/e2e/run_tests.sh --env <env>` (and KUBECONFIG pointing at the cluster)',
  );
}

function lakehouse(args: string[], withEnv = true): Promise<CliRun> {
  return runCli(withEnv ? [...args, '--env', env] : args, { cwd: repoRoot });
}

const show = (r: CliRun): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

describe(`environment ${env} on its cluster`, () => {
  it('meets the prerequisites (tools, cluster reachable, RBAC)', async () => {
    const r = await lakehouse(['bootstrap', env, '--check-only', '--existing-cluster'], false);
    expect(r.code, show(r)).toBe(0);
  });

  it('every component is deployed, its Application Synced and Healthy, none paused', async () => {
    const r = await lakehouse(['status', '-o', 'json']);
    expect(r.code, show(r)).toBe(0);
    const status = JSON.parse(r.stdout) as {
      component: string;
      revision?: number;
      application?: { sync: string; health: string; paused: boolean };
      pods: { ready: string }[];
    }[];
    expect(status.length).toBeGreaterThan(0);
    for (const s of status) {
      expect(s.revision, `${s.component} has a deployed revision`).toBeGreaterThanOrEqual(1);
      if (s.application) {
        expect([
          s.component,
          s.application.sync,
          s.application.health,
          s.application.paused,
        ]).toEqual([s.component, 'Synced', 'Healthy', false]);
      }
      expect(s.pods.length, `${s.component} has pods`).toBeGreaterThan(0);
    }
  });

  it('passes the runbook’s verification, component by component', async () => {
    const r = await lakehouse(['verify', '-o', 'json']);
    expect(r.code, show(r)).toBe(0);
    const results = JSON.parse(r.stdout) as { component: string; ok: boolean }[];
    expect(results.every((v) => v.ok)).toBe(true);
  });

  it('diagnose finds nothing critical', async () => {
    const r = await lakehouse(['diagnose']);
    expect(r.code, show(r)).toBe(0);
  });

  it('the environment’s values plan no change beyond what runs', async () => {
    const r = await lakehouse(['upgrade', '--dry-run']);
    expect(r.code, show(r)).toBe(0);
  });
});
