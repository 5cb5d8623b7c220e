import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../src/platform/paths.js';
import { versions } from '../../../../src/platform/versions.js';
import { openTofuBuild, openTofuPath } from '../../../../src/targets/kubernetes/tools/index.js';

describe('the OpenTofu build', () => {
  const build = openTofuBuild('/cache');

  it('builds cmd/tofu in the wrapper module into the cache, by version', () => {
    expect(build.binary).toBe(`/cache/opentofu/${versions.opentofu.version}/bin/tofu`);
    expect(openTofuPath('/cache')).toBe(build.binary);
    expect(build.cwd).toBe(join(repoRoot, 'tools', 'opentofu'));
    expect(build.goArgs('/scratch')).toEqual([
      'build',
      '-trimpath',
      '-ldflags',
      '-s -w -X github.com/opentofu/opentofu/version.dev=no',
      '-o',
      '/scratch/tofu',
      'github.com/opentofu/opentofu/cmd/tofu',
    ]);
  });

  it('accepts only a release build of the pinned version', () => {
    expect(build.versionArgs).toEqual(['version', '-json']);
    const bare = versions.opentofu.version.slice(1);
    const release = `{\n  "terraform_version": "${bare}",\n  "platform": "linux_amd64"\n}`;
    const dev = `{\n  "terraform_version": "${bare}-dev",\n  "platform": "linux_amd64"\n}`;
    expect(release.includes(build.expectVersion ?? '')).toBe(true);
    expect(dev.includes(build.expectVersion ?? '')).toBe(false);
  });

  it('pins the same version in tools/opentofu/go.mod, with the hcl fork it needs', async () => {
    const goMod = await readFile(join(repoRoot, 'tools', 'opentofu', 'go.mod'), 'utf8');
    expect(goMod).toMatch(
      new RegExp(`^require github\\.com/opentofu/opentofu ${versions.opentofu.version}\\b`, 'm'),
    );
    expect(goMod).toMatch(
      /^replace github\.com\/hashicorp\/hcl\/v2 .* => github\.com\/opentofu\/hcl\/v2 /m,
    );
    expect(goMod).toMatch(/^tool github\.com\/opentofu\/opentofu\/cmd\/tofu$/m);
  });
});
