import { constants } from 'node:fs';
import { access, chmod, copyFile, readlink, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  cacheRoot,
  ensureGoBuild,
  InstallError,
  run,
  silent,
  type GoBuild,
  type InstallOptions,
} from '../../../platform/install/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';

/**
 * Argo CD's controllers as programs on this machine: the Kubernetes tests (and an operator who
 * wants GitOps without installing Argo CD's pods) run the application controller and the
 * repo-server outside the cluster, against its API server.
 */
export interface ArgocdTools {
  /** The multi-call binary (`argocd`); the directory also holds the names it answers to. */
  argocd: string;
  /** `<dir>/argocd-application-controller` → argocd. */
  applicationController: string;
  /** `<dir>/argocd-repo-server` → argocd. */
  repoServer: string;
  /** Put on PATH for the repo-server: the git/gpg wrapper scripts it executes by name. */
  binDir: string;
  /** An in-memory Redis (Argo CD's cache). */
  miniredis: string;
}

const ARGOCD_GO = '1.27.3';
/** Scripts the repo-server runs by name from PATH (hack/ of Argo CD's module). */
const HELPER_SCRIPTS = ['git-verify-wrapper.sh', 'git-ask-pass.sh', 'gpg-wrapper.sh'];

function argocdBuild(cacheDir: string): GoBuild {
  const { version } = versions.argocd;
  return {
    label: 'Argo CD',
    name: 'argocd',
    version,
    binary: join(cacheDir, 'argocd', version, 'bin', 'argocd'),
    // Argo CD v3.6's go.mod says go 1.27.0; the build fetches that toolchain (GOTOOLCHAIN below).
    minGo: [1, 21],
    coldEstimate: '~14-25 min',
    step: `go build github.com/argoproj/argo-cd/v3/cmd (in tools/argocd, Go ${ARGOCD_GO})`,
    cwd: join(repoRoot, 'tools', 'argocd'),
    env: { GOTOOLCHAIN: `go${ARGOCD_GO}`, GOFLAGS: '-mod=mod' },
    goArgs: (out) => [
      'build',
      '-trimpath',
      '-ldflags',
      `-s -w -X github.com/argoproj/argo-cd/v3/common.version=${version.replace(/^v/, '')}`,
      '-o',
      join(out, 'argocd'),
      'github.com/argoproj/argo-cd/v3/cmd',
    ],
    versionArgs: ['version', '--client', '--short'],
    expectVersion: version,
  };
}

function miniredisBuild(cacheDir: string): GoBuild {
  const version = versions.kubernetes.miniredis;
  return {
    label: 'miniredis',
    name: 'miniredis',
    version,
    binary: join(cacheDir, 'miniredis', version, 'bin', 'miniredis'),
    minGo: [1, 24],
    coldEstimate: '~30 s',
    step: 'go build (in tools/miniredis)',
    cwd: join(repoRoot, 'tools', 'miniredis'),
    goArgs: (out) => ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(out, 'miniredis'), '.'],
    expectVersion: version,
  };
}

async function ensureLink(path: string, to: string): Promise<void> {
  const current = await readlink(path).catch(() => undefined);
  if (current === to) return;
  if (current !== undefined) await unlink(path);
  await symlink(to, path).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}

/** The directory of Argo CD's module in the Go module cache (its hack/ scripts). */
async function argocdModuleDir(): Promise<string> {
  const { module } = versions.argocd;
  const r = await run('go', ['list', '-m', '-f', '{{.Dir}}', module], {
    cwd: join(repoRoot, 'tools', 'argocd'),
    env: { ...process.env, GOTOOLCHAIN: `go${ARGOCD_GO}`, GOFLAGS: '-mod=mod' },
    timeoutMs: 300_000,
  });
  const dir = r.tail.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !dir.startsWith('/')) {
    throw new InstallError(
      'Argo CD',
      `go list -m ${module}`,
      r.tail,
      'check that go can reach its module proxy',
    );
  }
  return dir;
}

/** Builds (once) Argo CD and miniredis into the cache and lays out the names the repo-server needs. */
export async function ensureArgocdTools(opts: InstallOptions = {}): Promise<ArgocdTools> {
  const say = opts.onProgress ?? silent;
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const argocd = await ensureGoBuild(argocdBuild(cacheDir), { onProgress: say });
  const miniredis = await ensureGoBuild(miniredisBuild(cacheDir), { onProgress: say });
  const binDir = dirname(argocd);
  const applicationController = join(binDir, 'argocd-application-controller');
  const repoServer = join(binDir, 'argocd-repo-server');
  await ensureLink(applicationController, 'argocd');
  await ensureLink(repoServer, 'argocd');
  const missing = [];
  for (const script of HELPER_SCRIPTS) {
    const present = await access(join(binDir, script), constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!present) missing.push(script);
  }
  if (missing.length > 0) {
    const hack = join(await argocdModuleDir(), 'hack');
    for (const script of missing) {
      await copyFile(join(hack, script), join(binDir, script));
      await chmod(join(binDir, script), 0o755);
    }
  }
  return { argocd, applicationController, repoServer, binDir, miniredis };
}
