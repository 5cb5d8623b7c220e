/**
 * Iceberg primitive values as the planner holds them, and their three outside forms: a literal in a
 * request's JSON, the single-value binary serialization of bounds (spec Appendix D), and the
 * single-value JSON serialization of the REST responses (spec Appendix "JSON single-value").
 *
 * In memory: boolean → boolean; int, date → number; long, time, timestamp(tz) (micros),
 * timestamp(tz)_ns (nanos) → number when safe else bigint (JS compares the two exactly); float,
 * double → number; decimal → bigint unscaled value at the type's scale; string, uuid → string
 * (uuid lowercase); fixed, binary → Buffer.
 */

/** A primitive type parsed from its spec string. */
export interface PrimitiveType {
  /** The base name: `decimal(9,2)` → `decimal`, `fixed[16]` → `fixed`. */
  name: string;
  precision?: number;
  scale?: number;
  length?: number;
}

export type Value = boolean | number | bigint | string | Buffer;

export class ValueError extends Error {
  override name = 'ValueError';
}

const SIMPLE = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
]);

export function parseType(text: string): PrimitiveType | undefined {
  if (SIMPLE.has(text)) return { name: text };
  const dec = /^decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/.exec(text);
  if (dec) return { name: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) };
  const fixed = /^fixed\[\s*(\d+)\s*\]$/.exec(text);
  if (fixed) return { name: 'fixed', length: Number(fixed[1]) };
  return undefined;
}

export const isFloating = (t: PrimitiveType): boolean => t.name === 'float' || t.name === 'double';

export function isNaNValue(v: unknown): boolean {
  return typeof v === 'number' && Number.isNaN(v);
}

/** A bigint as number when it fits exactly, so most values stay cheap numbers. */
export function normalizeLong(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * Compares strings by Unicode code point, as Iceberg does (UTF-8 byte order): JS's `<` compares
 * UTF-16 units, which misorders supplementary characters against U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1; // a surrogate starts a code point above U+FFFF
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Orders two non-null values of one type. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  // number/bigint mixes compare exactly with < and >.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function valuesEqual(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0;
}

// ---------------------------------------------------------------- dates and times

const MICROS_PER_DAY = 86_400_000_000n;

function parseDate(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new ValueError(`"${text}" is not a date: use YYYY-MM-DD`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getUTCMonth() !== Number(m[2]) - 1) throw new ValueError(`"${text}" is not a valid date`);
  return Math.floor(d.getTime() / 86_400_000);
}

/** `HH:MM[:SS[.fraction]]` → units of 10^-digits seconds since midnight. */
function parseTimeOfDay(text: string, digits: number): bigint {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (!m) throw new ValueError(`"${text}" is not a time: use HH:MM:SS.ssssss`);
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) throw new ValueError(`"${text}" is not a valid time`);
  const frac = (m[4] ?? '').padEnd(9, '0');
  if (/[1-9]/.test(frac.slice(digits))) {
    throw new ValueError(`"${text}" has more than ${digits} fractional digits`);
  }
  const unit = 10n ** BigInt(digits);
  return BigInt(h * 3600 + mi * 60 + s) * unit + BigInt(frac.slice(0, digits) || '0');
}

function parseTimestamp(text: string, withZone: boolean, digits: number): bigint {
  const m = /^(\d{4}-\d{2}-\d{2})T(.+?)(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!m) throw new ValueError(`"${text}" is not a timestamp: use YYYY-MM-DDTHH:MM:SS.ssssss`);
  const zone = m[3];
  if (withZone && zone === undefined) {
    throw new ValueError(`"${text}" has no zone offset: add +00:00 for a timestamptz`);
  }
  if (!withZone && zone !== undefined) {
    throw new ValueError(`"${text}" has a zone offset, but the column is a timestamp without zone`);
  }
  const unit = 10n ** BigInt(digits);
  let value =
    BigInt(parseDate(m[1] as string)) * 86_400n * unit + parseTimeOfDay(m[2] as string, digits);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1n : 1n;
    const minutes = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    value -= sign * minutes * 60n * unit;
  }
  return value;
}

const pad = (n: number | bigint, width: number): string => String(n).padStart(width, '0');

export function formatDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function formatTimeOfDay(units: bigint, digits: number): string {
  const unit = 10n ** BigInt(digits);
  const secs = units / unit;
  const frac = units % unit;
  const h = secs / 3600n;
  const m = (secs % 3600n) / 60n;
  const s = secs % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(frac, digits)}`;
}

function formatTimestamp(v: bigint, digits: number, withZone: boolean): string {
  const perDay = MICROS_PER_DAY * 10n ** BigInt(digits - 6);
  const days = floorDiv(v, perDay);
  const rest = v - days * perDay;
  return `${formatDate(Number(days))}T${formatTimeOfDay(rest, digits)}${withZone ? '+00:00' : ''}`;
}

// ---------------------------------------------------------------- decimals

function parseDecimal(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new ValueError(`"${text}" is not a decimal number`);
  }
  let digits = `${m[2]}${m[3] ?? ''}`;
  let valueScale = (m[3] ?? '').length - Number(m[4] ?? 0);
  // Iceberg refuses a literal whose scale differs from the column's; trailing zeros are harmless.
  while (valueScale > scale && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    valueScale--;
  }
  if (valueScale > scale) {
    throw new ValueError(`"${text}" has more than ${scale} digits after the decimal point`);
  }
  const unscaled = BigInt(digits || '0') * 10n ** BigInt(scale - valueScale);
  return m[1] === '-' ? -unscaled : unscaled;
}

export function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale < 0) return `${unscaled}E+${-scale}`;
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}

// ---------------------------------------------------------------- literals from JSON

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** The literal lies outside the type's range: Iceberg's AboveMax / BelowMin. */
export class OutOfRange {
  constructor(readonly above: boolean) {}
}

const fail = (value: unknown, type: string): never => {
  throw new ValueError(`${JSON.stringify(jsonSafe(value))} is not a valid ${type} value`);
};

function jsonSafe(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

function integral(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

function hexBytes(value: unknown, type: string): Buffer {
  if (typeof value !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(value)) return fail(value, type);
  return Buffer.from(value, 'hex');
}

/**
 * Converts a request literal (a bare JSON value as Java's and pyiceberg's clients send it) to the
 * in-memory value of `type`, as Iceberg's Literal.to(type) does. Integers beyond an int column's
 * range give OutOfRange; anything that does not convert throws a ValueError.
 */
export function literalFromJson(value: unknown, type: PrimitiveType): Value | OutOfRange {
  const t = type.name;
  switch (t) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fail(value, t);
    case 'int': {
      const v = integral(value);
      if (v === undefined) return fail(value, t);
      if (v > BigInt(INT_MAX)) return new OutOfRange(true);
      if (v < BigInt(INT_MIN)) return new OutOfRange(false);
      return Number(v);
    }
    case 'long': {
      const v = integral(value);
      if (v === undefined) return fail(value, t);
      if (v > 9223372036854775807n) return new OutOfRange(true);
      if (v < -9223372036854775808n) return new OutOfRange(false);
      return normalizeLong(v);
    }
    case 'float':
    case 'double': {
      let v: number;
      if (typeof value === 'number') v = value;
      else if (typeof value === 'bigint') v = Number(value);
      else if (typeof value === 'string' && value === 'NaN') v = NaN;
      else if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        v = Number(value);
      else return fail(value, t);
      return t === 'float' ? Math.fround(v) : v;
    }
    case 'decimal': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
        return fail(
          value,
          type.precision === undefined ? t : `decimal(${type.precision},${type.scale})`,
        );
      const unscaled = parseDecimal(String(value), type.scale ?? 0);
      const limit = 10n ** BigInt(type.precision ?? 38);
      if (unscaled >= limit || unscaled <= -limit) {
        throw new ValueError(
          `${String(value)} does not fit decimal(${type.precision},${type.scale})`,
        );
      }
      return unscaled;
    }
    case 'string':
      if (typeof value === 'string') return value;
      return fail(value, t);
    case 'uuid':
      if (
        typeof value === 'string' &&
        /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(value)
      )
        return value.toLowerCase();
      return fail(value, t);
    case 'date':
      if (typeof value === 'string') return parseDate(value);
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return fail(value, t);
    case 'time':
      if (typeof value === 'string') return normalizeLong(parseTimeOfDay(value, 6));
      return integralOr(value, t);
    case 'timestamp':
    case 'timestamptz':
      if (typeof value === 'string')
        return normalizeLong(parseTimestamp(value, t === 'timestamptz', 6));
      return integralOr(value, t);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      if (typeof value === 'string')
        return normalizeLong(parseTimestamp(value, t === 'timestamptz_ns', 9));
      return integralOr(value, t);
    case 'fixed': {
      const bytes = hexBytes(value, t);
      if (bytes.length !== type.length) {
        throw new ValueError(
          `fixed[${type.length}] needs ${type.length} bytes, got ${bytes.length}`,
        );
      }
      return bytes;
    }
    case 'binary':
      return hexBytes(value, t);
    default:
      throw new ValueError(`cannot compare values of type ${t}`);
  }
}

function integralOr(value: unknown, t: string): number | bigint {
  const v = integral(value);
  if (v === undefined) return fail(value, t);
  return normalizeLong(v);
}

// ---------------------------------------------------------------- single-value binary (bounds)

/**
 * Decodes a bound (spec Appendix D). Columns promoted since the file was written (int → long,
 * float → double) keep their old, shorter encoding, which is read as the old type.
 */
export function decodeBinary(buf: Buffer, type: PrimitiveType): Value {
  switch (type.name) {
    case 'boolean':
      return buf.length > 0 && buf[0] !== 0;
    case 'int':
    case 'date':
      return buf.readInt32LE(0);
    case 'long':
    case 'time':
      return buf.length === 4 ? buf.readInt32LE(0) : normalizeLong(buf.readBigInt64LE(0));
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      if (buf.length !== 4) return normalizeLong(buf.readBigInt64LE(0));
      // A date column promoted to a timestamp (v3): the bound is still days.
      const perDay = type.name.endsWith('_ns') ? 86_400_000_000_000n : MICROS_PER_DAY;
      return normalizeLong(BigInt(buf.readInt32LE(0)) * perDay);
    }
    case 'float':
      return buf.readFloatLE(0);
    case 'double':
      return buf.length === 4 ? buf.readFloatLE(0) : buf.readDoubleLE(0);
    case 'decimal':
      return decodeUnscaled(buf);
    case 'string':
      return buf.toString('utf8');
    case 'uuid':
      return formatUuid(buf);
    default:
      return buf;
  }
}

/** Big-endian two's-complement bytes → bigint (decimal bounds and Avro decimal partitions). */
export function decodeUnscaled(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  let v = 0n;
  for (const byte of buf) v = (v << 8n) | BigInt(byte);
  if ((buf[0] as number) & 0x80) v -= 1n << BigInt(buf.length * 8);
  return v;
}

/** bigint → minimal big-endian two's-complement bytes (what Iceberg hashes for bucket). */
export function encodeUnscaled(v: bigint): Buffer {
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.unshift(Number(x & 0xffn));
    const rest = x >> 8n;
    const sign = (bytes[0] as number) & 0x80;
    if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
    x = rest;
  }
  return Buffer.from(bytes);
}

function formatUuid(buf: Buffer): string {
  const h = buf.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A partition value as Avro decodes it (without logical types: dates as int, decimals as bytes,
 * uuids as 16 fixed bytes) → the in-memory value of `type`.
 */
export function fromAvro(v: unknown, type: PrimitiveType): Value | null {
  if (v === null || v === undefined) return null;
  if (type.name === 'decimal' && Buffer.isBuffer(v)) return decodeUnscaled(v);
  if (type.name === 'uuid' && Buffer.isBuffer(v)) return formatUuid(v);
  return v as Value;
}

// ---------------------------------------------------------------- single-value JSON (responses)

/** The spec's JSON single-value serialization of a value of `type`. */
export function toJsonValue(v: Value | null, type: PrimitiveType): unknown {
  if (v === null) return null;
  switch (type.name) {
    case 'decimal':
      return formatDecimal(BigInt(v as bigint), type.scale ?? 0);
    case 'date':
      return formatDate(Number(v));
    case 'time':
      return formatTimeOfDay(BigInt(v as number), 6);
    case 'timestamp':
    case 'timestamptz':
      return formatTimestamp(BigInt(v as number), 6, type.name === 'timestamptz');
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return formatTimestamp(BigInt(v as number), 9, type.name === 'timestamptz_ns');
    case 'fixed':
    case 'binary':
      return (v as Buffer).toString('hex').toUpperCase();
    case 'float':
    case 'double':
      // JSON has no NaN or infinities; Java's SingleValueParser writes them as strings too.
      return Number.isFinite(v) ? v : String(v);
    default:
      return v;
  }
}
