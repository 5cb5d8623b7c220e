import { describe, expect, it } from 'vitest';
import {
  DesiredSpecError,
  validateSpecs,
} from '../../../../../src/targets/local/supervisor/desired.js';

const spec = (name: string, dependsOn: string[] = []) => ({
  name,
  component: 'minio',
  version: '1',
  command: '/bin/true',
  args: [],
  env: {},
  ports: [9000],
  health: { url: 'http://127.0.0.1:9000/minio/health/live' },
  dependsOn,
});

describe('desired.json validation', () => {
  it('accepts well-formed specs', () => {
    const specs = validateSpecs(
      { version: 1, processes: [spec('minio'), spec('trino', ['minio'])] },
      'x',
    );
    expect(specs.map((s) => s.name)).toEqual(['minio', 'trino']);
  });

  it('names the file and the field that is wrong', () => {
    const bad = { version: 1, processes: [{ ...spec('minio'), ports: ['9000'] }] };
    expect(() => validateSpecs(bad, 'run/desired.json')).toThrow(DesiredSpecError);
    expect(() => validateSpecs(bad, 'run/desired.json')).toThrow(
      /^run\/desired\.json: processes\.0\.ports\.0: /,
    );
  });

  it('rejects an unknown component and a bad name', () => {
    expect(() =>
      validateSpecs({ version: 1, processes: [{ ...spec('x'), component: 'kafka' }] }, 'f'),
    ).toThrow(/component/);
    expect(() =>
      validateSpecs({ version: 1, processes: [spec('Trino Coordinator')] }, 'f'),
    ).toThrow(/name: lower-case letters, digits and dashes/);
  });

  it('rejects dependency cycles and unknown dependencies', () => {
    expect(() =>
      validateSpecs({ version: 1, processes: [spec('a', ['b']), spec('b', ['a'])] }, 'f'),
    ).toThrow('f: dependency cycle: a → b → a');
    expect(() => validateSpecs({ version: 1, processes: [spec('a', ['minio'])] }, 'f')).toThrow(
      'depends on "minio", which is not a desired process',
    );
  });
});
