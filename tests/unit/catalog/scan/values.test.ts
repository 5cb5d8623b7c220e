import { describe, expect, it } from 'vitest';
import {
  decodeBinary,
  literalFromJson,
  parseType,
  toJsonValue,
} from '../../../../src/catalog/scan/index.js';
import {
  compareStrings,
  encodeUnscaled,
  decodeUnscaled,
} from '../../../../src/catalog/scan/values.js';

const t = (s: string) => parseType(s)!;
const roundTrip = (type: string, json: unknown) =>
  toJsonValue(literalFromJson(json, t(type)) as never, t(type));

describe('single-value JSON', () => {
  it.each([
    ['date', '2017-11-16'],
    ['date', '1969-12-31'],
    ['time', '22:31:08.123456'],
    ['timestamp', '2007-12-03T10:15:30.123456'],
    ['timestamp', '1969-12-31T23:59:59.999999'],
    ['timestamptz', '2007-12-03T10:15:30.123456+00:00'],
    ['timestamp_ns', '2007-12-03T10:15:30.123456789'],
    ['decimal(9,4)', '123.4500'],
    ['decimal(9,2)', '-0.05'],
    ['decimal(9,0)', '2'],
    ['uuid', 'eb26bdb1-a1d8-4aa6-990e-da940875492c'],
    ['fixed[3]', '78797A'],
    ['binary', '78797A'],
    ['string', 'hello'],
    ['boolean', true],
    ['int', 42],
  ])('%s %j round-trips', (type, value) => expect(roundTrip(type, value)).toEqual(value));

  it('normalizes zones and keeps 64-bit longs exact', () => {
    expect(roundTrip('timestamptz', '2007-12-03T12:15:30+02:00')).toBe(
      '2007-12-03T10:15:30.000000+00:00',
    );
    expect(literalFromJson(9223372036854775807n, t('long'))).toBe(9223372036854775807n);
    expect(toJsonValue(1250n, t('decimal(9,-2)'))).toBe('1250E+2');
  });

  it('refuses malformed values', () => {
    expect(() => literalFromJson('2024-02-30', t('date'))).toThrow(/not a valid date/);
    expect(() => literalFromJson('2024-01-01T00:00:00', t('timestamptz'))).toThrow(/zone offset/);
    expect(() => literalFromJson('12:00:00.1234567', t('time'))).toThrow(/fractional digits/);
    expect(() => literalFromJson('zz', t('binary'))).toThrow(/not a valid binary/);
    expect(() => literalFromJson('1234567.1', t('decimal(5,1)'))).toThrow(/does not fit/);
  });
});

describe('single-value binary', () => {
  it('decodes bounds, including promoted columns written with their old type', () => {
    const int = Buffer.alloc(4);
    int.writeInt32LE(-5);
    expect(decodeBinary(int, t('int'))).toBe(-5);
    expect(decodeBinary(int, t('long'))).toBe(-5);
    expect(decodeBinary(int, t('timestamp'))).toBe(-5 * 86_400_000_000);
    const f = Buffer.alloc(4);
    f.writeFloatLE(1.5);
    expect(decodeBinary(f, t('double'))).toBe(1.5);
    expect(decodeBinary(Buffer.from([0xff, 0x38]), t('decimal(5,2)'))).toBe(-200n);
    expect(decodeBinary(Buffer.from('héllo'), t('string'))).toBe('héllo');
  });

  it('encodes decimals minimally and back', () => {
    for (const v of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 1420n, 10n ** 30n, -(10n ** 30n)]) {
      expect(decodeUnscaled(encodeUnscaled(v))).toBe(v);
    }
    expect(encodeUnscaled(128n)).toEqual(Buffer.from([0x00, 0x80]));
    expect(encodeUnscaled(-128n)).toEqual(Buffer.from([0x80]));
  });

  it('orders strings by code point, as UTF-8 bytes do', () => {
    expect(compareStrings('\uffff', '😀')).toBeLessThan(0); // U+FFFF < U+1F600
    expect('\uffff' < '😀').toBe(false); // what UTF-16 order would say
    expect(compareStrings('ab', 'abc')).toBeLessThan(0);
    expect(compareStrings('b', 'abc')).toBeGreaterThan(0);
  });
});
