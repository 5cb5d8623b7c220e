import { describe, expect, it } from 'vitest';
import {
  atLeast,
  MINIMUM,
  parseVersion,
} from '../../../../src/targets/kubernetes/tools/clients.js';

describe('parseVersion', () => {
  it('reads major.minor from each tool output', () => {
    expect(parseVersion('v3.21.4+g5ea6d2f')).toEqual([3, 21]);
    expect(parseVersion('Client Version: v1.37.2\nKustomize Version: v5.7.1')).toEqual([1, 37]);
    expect(parseVersion('git version 2.39.5')).toEqual([2, 39]);
    expect(parseVersion('OpenTofu v1.10.6\non linux_amd64')).toEqual([1, 10]);
    expect(parseVersion('Terraform v1.5.7')).toEqual([1, 5]);
  });

  it('takes the first version in the text', () => {
    expect(parseVersion('git version 2.39.5 (Apple Git-154)')).toEqual([2, 39]);
    // kubectl before 1.28 printed a Go struct; its GitVersion is the first dotted number.
    expect(
      parseVersion('Client Version: version.Info{Major:"1", Minor:"27", GitVersion:"v1.27.3"}'),
    ).toEqual([1, 27]);
  });

  it('needs no patch number', () => {
    expect(parseVersion('v1.28')).toEqual([1, 28]);
  });

  it('numbers, not strings: multi-digit parts', () => {
    const v = parseVersion('v10.123.0');
    expect(v).toEqual([10, 123]);
    expect(typeof v?.[0]).toBe('number');
  });

  it('undefined when there is no version', () => {
    expect(parseVersion('')).toBeUndefined();
    expect(parseVersion('command not found')).toBeUndefined();
    expect(parseVersion('version 3')).toBeUndefined();
  });
});

describe('atLeast', () => {
  it('compares major first, then minor, numerically', () => {
    expect(atLeast([1, 28], [1, 28])).toBe(true);
    expect(atLeast([1, 29], [1, 28])).toBe(true);
    expect(atLeast([1, 27], [1, 28])).toBe(false);
    expect(atLeast([3, 9], [3, 12])).toBe(false);
    expect(atLeast([3, 100], [3, 12])).toBe(true);
    expect(atLeast([4, 0], [3, 12])).toBe(true);
    expect(atLeast([2, 99], [3, 12])).toBe(false);
    expect(atLeast([0, 0], [0, 0])).toBe(true);
  });
});

describe('MINIMUM', () => {
  it("is the runbook's table (git 2.30: what lakehouse itself runs)", () => {
    expect(MINIMUM).toEqual({
      kubectl: [1, 28],
      helm: [3, 12],
      tofu: [1, 5],
      git: [2, 30],
    });
  });

  it('Debian 12 git (2.39) is accepted; a kubectl one minor short is not', () => {
    expect(atLeast([2, 39], MINIMUM.git)).toBe(true);
    expect(atLeast([1, 27], MINIMUM.kubectl)).toBe(false);
    expect(atLeast([3, 11], MINIMUM.helm)).toBe(false);
    expect(atLeast([1, 4], MINIMUM.tofu)).toBe(false);
  });
});
