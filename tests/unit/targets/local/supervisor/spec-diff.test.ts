import { describe, expect, it } from 'vitest';
import type { ProcessSpec } from '../../../../../src/targets/local/process-spec.js';
import { diffSpecs, specsEqual } from '../../../../../src/targets/local/supervisor/spec-diff.js';

function spec(name: string, over: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    name,
    component: 'minio',
    version: '1',
    command: '/bin/server',
    args: ['--port', '9000'],
    env: { A: '1', B: '2' },
    ports: [9000],
    health: { url: 'http://127.0.0.1:9000/health' },
    dependsOn: [],
    ...over,
  };
}

describe('spec diff for apply', () => {
  it('sorts processes into added, removed, changed and unchanged', () => {
    const current = new Map([
      ['a', spec('a')],
      ['b', spec('b')],
      ['c', spec('c')],
    ]);
    const diff = diffSpecs(current, [spec('a'), spec('b', { version: '2' }), spec('d')]);
    expect(diff).toEqual({ added: ['d'], removed: ['c'], changed: ['b'], unchanged: ['a'] });
  });

  it('sees a change in any field: env value, args order, health, timeouts', () => {
    const base = spec('a');
    expect(specsEqual(base, spec('a', { env: { A: '1', B: 'x' } }))).toBe(false);
    expect(specsEqual(base, spec('a', { args: ['9000', '--port'] }))).toBe(false);
    expect(
      specsEqual(base, spec('a', { health: { url: base.health.url, expectStatus: 204 } })),
    ).toBe(false);
    expect(specsEqual(base, spec('a', { stopTimeoutMs: 5000 }))).toBe(false);
    expect(specsEqual(base, spec('a', { cwd: '/tmp' }))).toBe(false);
  });

  it('ignores key order, undefined optionals and the order of dependsOn', () => {
    const a = spec('a', { env: { B: '2', A: '1' }, dependsOn: ['x', 'y'], cwd: undefined });
    const b = spec('a', { dependsOn: ['y', 'x'] });
    expect(specsEqual(a, b)).toBe(true);
  });
});
