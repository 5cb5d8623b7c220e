import { join } from 'node:path';
import {
  cacheRoot,
  ensureGoBuild,
  type GoBuild,
  type InstallOptions,
} from '../../../platform/install/index.js';
import { repoRoot } from '../../../platform/paths.js';
import { versions } from '../../../platform/versions.js';

const { version } = versions.opentofu;

/**
 * How `tofu` is built: from the wrapper module tools/opentofu (the opentofu module only builds
 * with its own `replace` of hcl/v2, which `go install module@version` ignores). Without
 * `version.dev=no` it reports "v1.12.6-dev", and the version check below would not pass.
 */
export function openTofuBuild(cacheDir: string = cacheRoot()): GoBuild {
  const bare = version.replace(/^v/, '');
  return {
    label: 'OpenTofu',
    name: 'tofu',
    version,
    binary: openTofuPath(cacheDir),
    minGo: [1, 26],
    coldEstimate: '~8-15 min',
    step: 'go build github.com/opentofu/opentofu/cmd/tofu (in tools/opentofu)',
    cwd: join(repoRoot, 'tools', 'opentofu'),
    goArgs: (out) => [
      'build',
      '-trimpath',
      '-ldflags',
      '-s -w -X github.com/opentofu/opentofu/version.dev=no',
      '-o',
      join(out, 'tofu'),
      'github.com/opentofu/opentofu/cmd/tofu',
    ],
    // `tofu version -json` prints `"terraform_version": "1.12.6"`; a dev build says "1.12.6-dev",
    // which this exact, quoted text does not match.
    versionArgs: ['version', '-json'],
    expectVersion: `"terraform_version": "${bare}"`,
  };
}

/** Where the cached `tofu` lives, built or not: `<cache>/opentofu/<version>/bin/tofu`. */
export function openTofuPath(cacheDir: string = cacheRoot()): string {
  return join(cacheDir, 'opentofu', version, 'bin', 'tofu');
}

/**
 * Builds (once) and returns the path of `tofu` at `versions.opentofu`, cached beside the other
 * Kubernetes tools and reused after its version check. A cold build takes ~8 minutes.
 */
export async function ensureOpenTofu(opts: InstallOptions = {}): Promise<string> {
  return ensureGoBuild(openTofuBuild(opts.cacheDir ?? cacheRoot()), {
    onProgress: opts.onProgress,
  });
}
