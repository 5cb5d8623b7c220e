/**
 * Partition transforms (identity, bucket, truncate, year, month, day, hour, void) and the
 * inclusive projection of a row filter onto a partition spec, as Iceberg's
 * Projections.inclusive: a projected predicate is true for every partition that may hold a
 * matching row. A predicate a transform cannot project becomes `true` (keep the partition).
 */
import type { PartitionSpec } from '../metadata/index.js';
import type { Bound, Column, LiteralOp, SchemaIndex } from './expression.js';
import {
  compareValues,
  encodeUnscaled,
  floorDiv,
  normalizeLong,
  type PrimitiveType,
  type Value,
} from './values.js';

export type Transform =
  | { kind: 'identity' | 'void' | 'year' | 'month' | 'day' | 'hour' }
  | { kind: 'bucket'; n: number }
  | { kind: 'truncate'; width: number }
  | { kind: 'unknown'; text: string };

export function parseTransform(text: string): Transform {
  const t = text.trim().toLowerCase();
  switch (t) {
    case 'identity':
    case 'void':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      return { kind: t };
  }
  const bucket = /^bucket\[(\d+)\]$/.exec(t);
  if (bucket && Number(bucket[1]) > 0) return { kind: 'bucket', n: Number(bucket[1]) };
  const truncate = /^truncate\[(\d+)\]$/.exec(t);
  if (truncate && Number(truncate[1]) > 0) return { kind: 'truncate', width: Number(truncate[1]) };
  return { kind: 'unknown', text };
}

/** The type of a transform's output (Java's getResultType: `day` gives a date). */
export function resultType(t: Transform, source: PrimitiveType): PrimitiveType {
  switch (t.kind) {
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return { name: 'int' };
    case 'day':
      return { name: 'date' };
    default:
      return source;
  }
}

// ---------------------------------------------------------------- murmur3 (bucket)

/** Murmur3 x86 32-bit, seed 0: Iceberg's bucket hash. */
export function murmur3(bytes: Uint8Array): number {
  let h = 0;
  const len = bytes.length;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= (bytes[blocks + 2] as number) << 16;
    if (tail >= 2) k ^= (bytes[blocks + 1] as number) << 8;
    k ^= bytes[blocks] as number;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function longBytes(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
}

/** The bytes Iceberg hashes for a value of `type` (spec: "Bucket Transform Details"). */
export function hashBytes(v: Value, type: PrimitiveType): Buffer | undefined {
  switch (type.name) {
    case 'int':
    case 'long':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return longBytes(v as number);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longBytes(floorDiv(BigInt(v as number), 1000n));
    case 'string':
      return Buffer.from(v as string, 'utf8');
    case 'uuid':
      return Buffer.from((v as string).replace(/-/g, ''), 'hex');
    case 'decimal':
      return encodeUnscaled(v as bigint);
    case 'binary':
    case 'fixed':
      return v as Buffer;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- applying transforms

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

function micros(v: Value, type: PrimitiveType): bigint {
  const x = BigInt(v as number);
  return type.name.endsWith('_ns') ? floorDiv(x, 1000n) : x;
}

function daysOf(v: Value, type: PrimitiveType): number {
  return type.name === 'date' ? (v as number) : Number(floorDiv(micros(v, type), MICROS_PER_DAY));
}

function yearMonth(days: number): [number, number] {
  const d = new Date(days * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth()];
}

function truncateString(s: string, width: number): string {
  // Width counts code points, not UTF-16 units.
  let units = 0;
  for (let cp = 0; cp < width && units < s.length; cp++) {
    const c = s.charCodeAt(units);
    units += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return s.slice(0, units);
}

/** Applies `t` to a non-null value of `type`; undefined when the transform does not apply. */
export function applyTransform(t: Transform, v: Value, type: PrimitiveType): Value | undefined {
  switch (t.kind) {
    case 'identity':
      return v;
    case 'bucket': {
      const bytes = hashBytes(v, type);
      return bytes === undefined ? undefined : (murmur3(bytes) & 0x7fffffff) % t.n;
    }
    case 'truncate':
      switch (type.name) {
        case 'int':
        case 'long':
        case 'decimal': {
          const x = BigInt(v as number);
          const w = BigInt(t.width);
          const r = x - (((x % w) + w) % w);
          return type.name === 'decimal' ? r : normalizeLong(r);
        }
        case 'string':
          return truncateString(v as string, t.width);
        case 'binary':
          return (v as Buffer).subarray(0, t.width);
        default:
          return undefined;
      }
    case 'year':
    case 'month':
    case 'day':
    case 'hour': {
      if (
        !['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns'].includes(type.name)
      )
        return undefined;
      if (t.kind === 'hour') {
        if (type.name === 'date') return undefined;
        return Number(floorDiv(micros(v, type), MICROS_PER_HOUR));
      }
      const days = daysOf(v, type);
      if (t.kind === 'day') return days;
      const [y, m] = yearMonth(days);
      return t.kind === 'year' ? y - 1970 : (y - 1970) * 12 + m;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- projection

/** One field of a partition spec, ready for projection and evaluation. */
export interface SpecField {
  /** Position in the spec, which is also its position in a partition tuple and summary list. */
  pos: number;
  sourceId: number;
  transform: Transform;
  /** The partition field as a column (id = pos) that projected predicates test. */
  col: Column;
  /** The source column, when it is still in the schema. */
  source?: Column;
}

export interface BoundSpec {
  specId: number;
  fields: SpecField[];
}

/** Binds a spec's fields to the schema columns they read. */
export function bindSpec(spec: PartitionSpec, index: SchemaIndex): BoundSpec {
  return {
    specId: spec['spec-id'] ?? 0,
    fields: spec.fields.map((f, pos) => {
      const sourceId = f['source-id'] ?? f['source-ids']?.[0] ?? -1;
      const transform: Transform =
        f['source-id'] === undefined && (f['source-ids']?.length ?? 0) > 1
          ? { kind: 'unknown', text: f.transform } // multi-argument transforms are not projected
          : parseTransform(f.transform);
      const source = index.byId.get(sourceId);
      const type = source ? resultType(transform, source.type) : { name: 'unknown' };
      return {
        pos,
        sourceId,
        transform,
        col: { id: pos, name: f.name, type, required: false, repeated: false },
        ...(source ? { source } : {}),
      };
    }),
  };
}

const TRUE: Bound = { op: 'true' };

function and(left: Bound, right: Bound): Bound {
  if (left.op === 'true') return right;
  if (right.op === 'true') return left;
  if (left.op === 'false' || right.op === 'false') return { op: 'false' };
  return { op: 'and', left, right };
}

function or(left: Bound, right: Bound): Bound {
  if (left.op === 'true' || right.op === 'true') return TRUE;
  if (left.op === 'false') return right;
  if (right.op === 'false') return left;
  return { op: 'or', left, right };
}

/**
 * The inclusive projection of `expr` (bound, without NOT) onto `spec`: a predicate on the
 * partition fields (columns with id = position) true for every partition that may hold a row
 * `expr` matches.
 */
export function projectInclusive(expr: Bound, spec: BoundSpec): Bound {
  switch (expr.op) {
    case 'true':
    case 'false':
      return expr;
    case 'and':
      return and(projectInclusive(expr.left, spec), projectInclusive(expr.right, spec));
    case 'or':
      return or(projectInclusive(expr.left, spec), projectInclusive(expr.right, spec));
    case 'not':
    case 'opaque':
      return TRUE;
    default: {
      let result: Bound = TRUE;
      for (const field of spec.fields) {
        if (field.sourceId !== expr.col.id || !field.source) continue;
        const projected = projectPredicate(expr, field);
        if (projected) result = and(result, projected);
      }
      return result;
    }
  }
}

type Predicate = Exclude<Bound, { op: 'true' | 'false' | 'and' | 'or' | 'not' | 'opaque' }>;

function projectPredicate(pred: Predicate, field: SpecField): Bound | undefined {
  const t = field.transform;
  const col = field.col;
  const source = pred.col.type;
  if (t.kind === 'void' || t.kind === 'unknown') return undefined;
  if (t.kind === 'identity') return { ...pred, col } as Bound;
  switch (pred.op) {
    case 'is-null':
    case 'not-null':
      // A transform maps null to null and only null to null.
      return { op: pred.op, col };
    case 'is-nan':
    case 'not-nan':
      return undefined;
  }
  const apply = (v: Value): Value | undefined => applyTransform(t, v, source);
  if (pred.op === 'in') {
    const out: Value[] = [];
    for (const v of pred.lits) {
      const p = apply(v);
      if (p === undefined) return undefined;
      if (!out.some((o) => compareValues(o, p) === 0)) out.push(p);
    }
    const result: Bound =
      out.length === 1 ? { op: 'eq', col, lit: out[0] as Value } : { op: 'in', col, lits: out };
    return isTemporal(t) ? fixTimeProjection(result) : result;
  }
  if (pred.op === 'not-in') return undefined;
  if (t.kind === 'bucket') {
    if (pred.op !== 'eq') return undefined;
    const p = apply(pred.lit);
    return p === undefined ? undefined : { op: 'eq', col, lit: p };
  }
  if (t.kind === 'truncate' && (source.name === 'string' || source.name === 'binary')) {
    return projectTruncateArray(pred as Predicate & { lit: Value }, col, t.width, apply);
  }
  if (t.kind === 'truncate' && !['int', 'long', 'decimal'].includes(source.name)) return undefined;
  // truncate of a number, or a temporal transform: step over an exclusive bound first.
  const step = (v: Value, by: bigint): Value =>
    source.name === 'decimal' ? (v as bigint) + by : normalizeLong(BigInt(v as number) + by);
  const make = (op: LiteralOp, v: Value): Bound | undefined => {
    const p = apply(v);
    return p === undefined ? undefined : { op, col, lit: p };
  };
  let projected: Bound | undefined;
  switch (pred.op) {
    case 'lt':
      projected = make('lt-eq', step(pred.lit, -1n));
      break;
    case 'lt-eq':
      projected = make('lt-eq', pred.lit);
      break;
    case 'gt':
      projected = make('gt-eq', step(pred.lit, 1n));
      break;
    case 'gt-eq':
      projected = make('gt-eq', pred.lit);
      break;
    case 'eq':
      projected = make('eq', pred.lit);
      break;
    default:
      return undefined;
  }
  return projected && isTemporal(t) ? fixTimeProjection(projected) : projected;
}

function projectTruncateArray(
  pred: Predicate & { lit: Value },
  col: Column,
  width: number,
  apply: (v: Value) => Value | undefined,
): Bound | undefined {
  const p = apply(pred.lit);
  if (p === undefined) return undefined;
  switch (pred.op) {
    case 'lt':
    case 'lt-eq':
      return { op: 'lt-eq', col, lit: p };
    case 'gt':
    case 'gt-eq':
      return { op: 'gt-eq', col, lit: p };
    case 'eq':
      return { op: 'eq', col, lit: p };
    case 'starts-with':
      return { op: 'starts-with', col, lit: p };
    case 'not-starts-with': {
      const length = [...(pred.lit as string)].length;
      if (length < width) return { op: 'not-starts-with', col, lit: pred.lit };
      if (length === width) return { op: 'not-eq', col, lit: pred.lit };
      return undefined;
    }
    default:
      return undefined;
  }
}

const isTemporal = (t: Transform): boolean =>
  t.kind === 'year' || t.kind === 'month' || t.kind === 'day' || t.kind === 'hour';

/**
 * Java's fixInclusiveTimeProjection: writers before Iceberg 0.13 rounded negative (pre-1970) time
 * values toward zero, so a partition value v < 0 may also hold rows of v - 1's period.
 */
function fixTimeProjection(p: Bound): Bound {
  if (p.op === 'lt-eq' || p.op === 'lt') {
    const v = p.lit as number;
    return v < 0 ? { ...p, lit: v + 1 } : p;
  }
  if (p.op === 'eq') {
    const v = p.lit as number;
    return v < 0 ? { op: 'in', col: p.col, lits: [v, v + 1] } : p;
  }
  if (p.op === 'in') {
    const lits = [...(p.lits as number[])];
    for (const v of p.lits as number[]) if (v < 0 && !lits.includes(v + 1)) lits.push(v + 1);
    return { ...p, lits };
  }
  return p;
}
