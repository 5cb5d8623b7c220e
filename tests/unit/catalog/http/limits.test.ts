import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../../src/catalog/errors.js';
import {
  DEFAULT_CATALOG_LIMITS,
  checkPropertyLimits,
  connectionsCheckingIntervalMs,
  jsonDepthExceeds,
  resolveLimits,
  type CatalogLimits,
} from '../../../../src/catalog/http/limits.js';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, up to the limit and one beyond', () => {
    expect(jsonDepthExceeds(nested(5), 5)).toBe(false);
    expect(jsonDepthExceeds(nested(6), 5)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":{"b":[{"c":1}]}}', 3)).toBe(true);
    // Siblings do not add up: depth is how deep, not how many.
    expect(jsonDepthExceeds('[[1],[2],[3],{"a":1}]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'say \\"[[[[\\"', b: '\\' }), 1)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: '"', b: [[1]] }), 2)).toBe(true);
  });

  it('scans a 100k-deep body without recursion', () => {
    expect(jsonDepthExceeds(nested(100_000), DEFAULT_CATALOG_LIMITS.maxJsonDepth)).toBe(true);
  });
});

describe('resolveLimits', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(resolveLimits()).toEqual(DEFAULT_CATALOG_LIMITS);
    expect(resolveLimits({ maxProperties: 7 })).toEqual({
      ...DEFAULT_CATALOG_LIMITS,
      maxProperties: 7,
    });
  });

  it('names the flag of a value that is not a positive integer', () => {
    expect(() => resolveLimits({ maxJsonDepth: 0 })).toThrow(
      '--max-json-depth 0 is not a positive integer',
    );
    expect(() => resolveLimits({ bodyLimitBytes: 1.5 })).toThrow(
      '--max-body-bytes 1.5 is not a positive integer',
    );
    expect(() => resolveLimits({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(
      '--headers-timeout-ms 5000 exceeds --request-timeout-ms 1000',
    );
  });

  it('checks for expired requests at least twice per shortest timeout, at most once a second', () => {
    expect(connectionsCheckingIntervalMs(DEFAULT_CATALOG_LIMITS)).toBe(1000);
    expect(
      connectionsCheckingIntervalMs(
        resolveLimits({ requestTimeoutMs: 900, headersTimeoutMs: 600 }),
      ),
    ).toBe(300);
  });
});

describe('checkPropertyLimits', () => {
  const limits: CatalogLimits = resolveLimits({ maxProperties: 3, maxPropertyBytes: 10 });
  const props = (n: number): Record<string, string> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const message = (body: unknown): string | undefined => {
    try {
      checkPropertyLimits(body, limits);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestError);
      return (err as Error).message;
    }
  };
  const tooMany = (where: string) =>
    `${where} has 4 properties: the limit is 3 per request object (the server's --max-properties)`;

  it('accepts maps at the limits', () => {
    expect(message({ namespace: ['a'], properties: props(3) })).toBeUndefined();
    expect(message({ properties: { '0123456789': '0123456789' } })).toBeUndefined();
    expect(message({ removals: ['a', 'b', 'c'], updates: props(3) })).toBeUndefined();
  });

  it('finds the maps of every request shape', () => {
    // createNamespace, createTable, createView
    expect(message({ namespace: ['a'], properties: props(4) })).toBe(tooMany('properties'));
    // updateProperties
    expect(message({ removals: [], updates: props(4) })).toBe(tooMany('updates'));
    expect(message({ removals: ['a', 'b', 'c', 'd'] })).toBe(tooMany('removals'));
    // commit a table, replace a view
    expect(
      message({
        requirements: [],
        updates: [
          { action: 'set-location', location: 'file:///x' },
          { action: 'set-properties', updates: props(4) },
        ],
      }),
    ).toBe(tooMany('updates[1] (set-properties) updates'));
    expect(
      message({ updates: [{ action: 'remove-properties', removals: ['a', 'b', 'c', 'd'] }] }),
    ).toBe(tooMany('updates[0] (remove-properties) removals'));
    // commit a transaction
    expect(
      message({
        'table-changes': [
          { updates: [] },
          { updates: [{ action: 'set-properties', updates: props(4) }] },
        ],
      }),
    ).toBe(tooMany('table-changes[1].updates[0] (set-properties) updates'));
  });

  it('measures keys and values in UTF-8 bytes and names the key, cut short', () => {
    // 4 characters, 12 bytes.
    expect(message({ properties: { k: '€€€€' } })).toBe(
      `Property "k" in properties is 12 bytes: the limit is 10 bytes (10 bytes) per property key or value (the server's --max-property-bytes)`,
    );
    const long = 'x'.repeat(100);
    expect(message({ removals: [long] })).toMatch(
      new RegExp(`^Property key "${'x'.repeat(64)}…" in removals is 100 bytes: the limit is 10`),
    );
  });

  it('leaves other shapes alone (the route rejects them)', () => {
    expect(message(undefined)).toBeUndefined();
    expect(message([1, 2, 3, 4])).toBeUndefined();
    expect(message({ properties: 'not a map', updates: 5, removals: {} })).toBeUndefined();
    expect(message({ properties: { k: 12345678901234 } })).toBeUndefined();
  });
});
