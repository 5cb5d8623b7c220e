import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../../src/platform/paths.js';

const run = promisify(execFile);
const script = join(repoRoot, 'platform', 'argocd', 'install-argocd.sh');

interface Manifest {
  kind?: string;
  metadata?: { name?: string };
}

async function runScript(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // ArgoCD's install.yaml is a few MB.
    const { stdout, stderr } = await run(script, args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('platform/argocd/install-argocd.sh', () => {
  // The first run on a machine downloads ArgoCD's module zip (about 60 MB) through go.
  it(
    'fetches the release manifest of the chart version at install time',
    { timeout: 300_000 },
    async () => {
      const { code, stdout, stderr } = await runScript(['--print']);
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('github.com/argoproj/argo-cd/v3@v3.6.1');
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as Manifest | null);
      const names = (kind: string): string[] =>
        docs.filter((d) => d?.kind === kind).map((d) => d?.metadata?.name ?? '');
      expect(names('CustomResourceDefinition').sort()).toEqual([
        'applications.argoproj.io',
        'applicationsets.argoproj.io',
        'appprojects.argoproj.io',
      ]);
      expect(names('Deployment')).toEqual(
        expect.arrayContaining(['argocd-server', 'argocd-repo-server']),
      );
      expect(names('StatefulSet')).toEqual(['argocd-application-controller']);
    },
  );

  it('refuses a version that is not an ArgoCD release, naming the fix, before fetching', async () => {
    const { code, stderr } = await runScript(['--version', '3.6', '--print']);
    expect(code).toBe(1);
    expect(stderr).toContain("'3.6' is not an ArgoCD release");
    expect(stderr).toContain('fix: --version vMAJOR.MINOR.PATCH');
    expect(stderr).not.toContain('fetching');
  });

  it('refuses an unknown argument', async () => {
    const { code, stderr } = await runScript(['--bogus']);
    expect(code).toBe(1);
    expect(stderr).toContain("unknown argument '--bogus'");
  });
});
