import { describe, expect, it } from 'vitest';
import { judgeVersion } from '../../../../src/targets/kubernetes/bootstrap/prerequisites.js';
import { MINIMUM } from '../../../../src/targets/kubernetes/tools/clients.js';

const FIX = 'install it';

describe('judgeVersion', () => {
  it('helm --short output with a build suffix', () => {
    expect(judgeVersion('helm', 'v3.21.4+g5ea6d2f\n', MINIMUM.helm, FIX)).toEqual({
      name: 'helm',
      ok: true,
      detail: '3.21 (3.12+)',
    });
  });

  it("kubectl version --client's lines: the client's version, not kustomize's", () => {
    const out = 'Client Version: v1.37.2\nKustomize Version: v5.7.1\n';
    expect(judgeVersion('kubectl', out, MINIMUM.kubectl, FIX)).toEqual({
      name: 'kubectl',
      ok: true,
      detail: '1.37 (1.28+)',
    });
  });

  it('git --version without a "v"', () => {
    expect(judgeVersion('git', 'git version 2.39.5\n', MINIMUM.git, FIX)).toEqual({
      name: 'git',
      ok: true,
      detail: '2.39 (2.30+)',
    });
  });

  it('tofu version output', () => {
    const out = 'OpenTofu v1.10.6\non linux_amd64\n';
    expect(judgeVersion('tofu', out, MINIMUM.tofu, FIX)).toMatchObject({
      ok: true,
      detail: '1.10 (1.5+)',
    });
  });

  it('exactly the minimum is enough', () => {
    expect(judgeVersion('kubectl', 'Client Version: v1.28.0', MINIMUM.kubectl, FIX).ok).toBe(true);
    expect(judgeVersion('git', 'git version 2.30.0', MINIMUM.git, FIX).ok).toBe(true);
  });

  it('too old: says which version and what is needed, with the fix', () => {
    expect(judgeVersion('kubectl', 'Client Version: v1.27.16', MINIMUM.kubectl, FIX)).toEqual({
      name: 'kubectl',
      ok: false,
      detail: '1.27 is older than 1.28+',
      fix: FIX,
    });
    expect(judgeVersion('git', 'git version 2.25.1', MINIMUM.git, FIX)).toMatchObject({
      ok: false,
      detail: '2.25 is older than 2.30+',
      fix: FIX,
    });
  });

  it('compares minors as numbers: 3.9 is older than 3.12', () => {
    expect(judgeVersion('helm', 'v3.9.4+gdbc6d8e', MINIMUM.helm, FIX)).toMatchObject({
      ok: false,
      detail: '3.9 is older than 3.12+',
    });
  });

  it('a newer major with a lower minor is new enough', () => {
    expect(judgeVersion('helm', 'v4.0.1+g1a2b3c4', MINIMUM.helm, FIX)).toMatchObject({
      ok: true,
      detail: '4.0 (3.12+)',
    });
  });

  it('an older major with a higher minor is not', () => {
    expect(judgeVersion('helm', 'v2.17.0', MINIMUM.helm, FIX)).toMatchObject({
      ok: false,
      detail: '2.17 is older than 3.12+',
    });
  });

  it('no output (not found, or it failed): not found, with what is needed', () => {
    expect(judgeVersion('helm', undefined, MINIMUM.helm, FIX)).toEqual({
      name: 'helm',
      ok: false,
      detail: 'not found (3.12+ needed)',
      fix: FIX,
    });
  });

  it('output without a version: quotes it, trimmed and cut to 80 characters', () => {
    expect(judgeVersion('kubectl', '  unknown flag: --client\n', MINIMUM.kubectl, FIX)).toEqual({
      name: 'kubectl',
      ok: false,
      detail: 'cannot read its version from "unknown flag: --client"',
      fix: FIX,
    });
    const long = `error: ${'x'.repeat(200)}`;
    const r = judgeVersion('kubectl', long, MINIMUM.kubectl, FIX);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(`cannot read its version from "${long.slice(0, 80)}"`);
  });

  it('an empty output is unreadable, not missing', () => {
    expect(judgeVersion('git', '', MINIMUM.git, FIX)).toMatchObject({
      ok: false,
      detail: 'cannot read its version from ""',
    });
  });
});
