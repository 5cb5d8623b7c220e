import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from '../../../src/lib/index.js';

describe('lossless JSON', () => {
  it('keeps 64-bit snapshot ids exact, which JSON.parse rounds', () => {
    const text = '{"snapshot-id":9223372036854775807,"parent":4611686018427387905}';
    expect(JSON.stringify(JSON.parse(text))).not.toBe(text);
    const parsed = parseJson(text) as Record<string, unknown>;
    expect(parsed['snapshot-id']).toBe(9223372036854775807n);
    expect(stringifyJson(parsed)).toBe(text);
  });

  it('parses safe integers and decimals to numbers, like JSON.parse', () => {
    expect(parseJson('{"a":1,"b":-2.5,"c":[0,1e3],"d":null,"e":"x"}')).toEqual({
      a: 1,
      b: -2.5,
      c: [0, 1000],
      d: null,
      e: 'x',
    });
  });

  it('rejects malformed text', () => {
    expect(() => parseJson('{"a":')).toThrow();
  });
});
