/**
 * The three tests a planner puts a file through, each true when rows may match (never a false
 * "no"): Iceberg's ManifestEvaluator (a manifest's partition field summaries), Evaluator on a
 * file's partition tuple, and InclusiveMetricsEvaluator (a file's column statistics). Expressions
 * come bound and without NOT (expression.ts); projected ones test partition fields by position.
 */
import { IN_PREDICATE_LIMIT, type Bound, type Column } from './expression.js';
import {
  compareStrings,
  compareValues,
  decodeBinary,
  isFloating,
  isNaNValue,
  type Value,
} from './values.js';

type Predicate = Exclude<Bound, { op: 'true' | 'false' | 'and' | 'or' | 'not' | 'opaque' }>;

/** Walks and/or; `leaf` decides each predicate. */
export function evaluate(expr: Bound, leaf: (p: Predicate) => boolean): boolean {
  switch (expr.op) {
    case 'true':
    case 'opaque':
    case 'not': // never present after rewriteNot; keep rows to be safe
      return true;
    case 'false':
      return false;
    case 'and':
      return evaluate(expr.left, leaf) && evaluate(expr.right, leaf);
    case 'or':
      return evaluate(expr.left, leaf) || evaluate(expr.right, leaf);
    default:
      return leaf(expr);
  }
}

// Bounds of uuids are not used: older Java writers ordered them as signed longs.
const usableBounds = (col: Column): boolean => col.type.name !== 'uuid' && !col.repeated;

function startsWith(value: string, prefix: string): boolean {
  return value.startsWith(prefix);
}

// ---------------------------------------------------------------- partition tuples

/**
 * Evaluates a projected predicate on one partition tuple (values by spec position), like Java's
 * Evaluator: a null value matches only is-null and the negative predicates.
 */
export function partitionMatches(expr: Bound, tuple: ReadonlyArray<Value | null>): boolean {
  return evaluate(expr, (p) => {
    const v = tuple[p.col.id] ?? null;
    switch (p.op) {
      case 'is-null':
        return v === null;
      case 'not-null':
        return v !== null;
      case 'is-nan':
        return isNaNValue(v);
      case 'not-nan':
        return !isNaNValue(v);
    }
    if (v === null) return p.op === 'not-eq' || p.op === 'not-in' || p.op === 'not-starts-with';
    switch (p.op) {
      case 'lt':
        return compareValues(v, p.lit) < 0;
      case 'lt-eq':
        return compareValues(v, p.lit) <= 0;
      case 'gt':
        return compareValues(v, p.lit) > 0;
      case 'gt-eq':
        return compareValues(v, p.lit) >= 0;
      case 'eq':
        return compareValues(v, p.lit) === 0;
      case 'not-eq':
        return compareValues(v, p.lit) !== 0;
      case 'starts-with':
        return startsWith(v as string, p.lit as string);
      case 'not-starts-with':
        return !startsWith(v as string, p.lit as string);
      case 'in':
        return p.lits.some((l) => compareValues(v, l) === 0);
      case 'not-in':
        return !p.lits.some((l) => compareValues(v, l) === 0);
    }
  });
}

// ---------------------------------------------------------------- manifest partition summaries

/** One partition field's summary from a manifest list entry, bounds still encoded. */
export interface FieldSummary {
  contains_null: boolean;
  contains_nan?: boolean | null;
  lower_bound?: Buffer | null;
  upper_bound?: Buffer | null;
}

/** ManifestEvaluator: may the manifest hold a partition `expr` (projected) matches? */
export function summariesMayMatch(expr: Bound, summaries: readonly FieldSummary[] | null): boolean {
  if (!summaries) return true;
  return evaluate(expr, (p) => {
    const s = summaries[p.col.id];
    if (!s) return true;
    const type = p.col.type;
    const lower = s.lower_bound ? decodeBinary(s.lower_bound, type) : null;
    const upper = s.upper_bound ? decodeBinary(s.upper_bound, type) : null;
    const containsNaN = s.contains_nan ?? null;
    const allNull =
      s.contains_null &&
      lower === null &&
      (!isFloating(type) || (containsNaN !== null && !containsNaN));
    switch (p.op) {
      case 'is-null':
        return s.contains_null;
      case 'not-null':
        return !allNull;
      case 'is-nan':
        if (containsNaN !== null && !containsNaN) return false;
        return !allNull;
      case 'not-nan':
        return !(containsNaN === true && !s.contains_null && lower === null && upper === null);
      case 'not-eq':
      case 'not-in':
        return true;
    }
    if (!usableBounds(p.col)) return true;
    if (p.op === 'not-starts-with') {
      if (s.contains_null || lower === null || upper === null) return true;
      return !(
        startsWith(lower as string, p.lit as string) && startsWith(upper as string, p.lit as string)
      );
    }
    // Every remaining predicate needs a non-null value: no lower bound means only nulls/NaNs.
    if (lower === null) return false;
    if (isNaNValue(lower) || isNaNValue(upper)) return true;
    return boundsMayMatch(p, lower, upper);
  });
}

/** The bound tests shared by summaries and column metrics (lower is never null here). */
function boundsMayMatch(p: Predicate, lower: Value, upper: Value | null): boolean {
  switch (p.op) {
    case 'lt':
      return compareValues(lower, p.lit) < 0;
    case 'lt-eq':
      return compareValues(lower, p.lit) <= 0;
    case 'gt':
      return upper === null || compareValues(upper, p.lit) > 0;
    case 'gt-eq':
      return upper === null || compareValues(upper, p.lit) >= 0;
    case 'eq':
      return (
        compareValues(lower, p.lit) <= 0 && (upper === null || compareValues(upper, p.lit) >= 0)
      );
    case 'in': {
      if (p.lits.length > IN_PREDICATE_LIMIT) return true;
      const above = p.lits.filter((l) => compareValues(lower, l) <= 0);
      if (above.length === 0) return false;
      return upper === null || above.some((l) => compareValues(upper, l) >= 0);
    }
    case 'starts-with': {
      const prefix = p.lit as string;
      const lo = lower as string;
      if (compareStrings(lo.slice(0, prefix.length), prefix) > 0) return false;
      if (upper !== null && compareStrings((upper as string).slice(0, prefix.length), prefix) < 0)
        return false;
      return true;
    }
    default:
      return true;
  }
}

// ---------------------------------------------------------------- column metrics

/** Avro's encoding of Iceberg's map<int, T> columns: an array of key/value records. */
export type KeyValues<T> = ReadonlyArray<{ key: number; value: T }> | null | undefined;

/** The statistics of a data or delete file, as its manifest entry holds them. */
export interface FileStats {
  record_count: number | bigint;
  value_counts?: KeyValues<number | bigint>;
  null_value_counts?: KeyValues<number | bigint>;
  nan_value_counts?: KeyValues<number | bigint>;
  lower_bounds?: KeyValues<Buffer>;
  upper_bounds?: KeyValues<Buffer>;
}

export function lookup<T>(kv: KeyValues<T>, id: number): T | undefined {
  if (!kv) return undefined;
  for (const e of kv) if (e.key === id) return e.value;
  return undefined;
}

/** InclusiveMetricsEvaluator: may the file hold a row `expr` (bound to the table schema) matches? */
export function metricsMayMatch(expr: Bound, file: FileStats): boolean {
  const records = Number(file.record_count);
  // -1 marks files imported without statistics (v1); zero rows match nothing.
  if (records === 0) return false;
  if (records < 0) return true;
  return evaluate(expr, (p) => {
    const col = p.col;
    if (col.repeated) return true;
    const id = col.id;
    const valueCount = lookup(file.value_counts, id);
    const nullCount = lookup(file.null_value_counts, id);
    const nanCount = lookup(file.nan_value_counts, id);
    const nullsOnly =
      valueCount !== undefined &&
      nullCount !== undefined &&
      Number(valueCount) === Number(nullCount);
    const nansOnly =
      valueCount !== undefined && nanCount !== undefined && Number(valueCount) === Number(nanCount);
    switch (p.op) {
      case 'is-null':
        return nullCount === undefined || Number(nullCount) !== 0;
      case 'not-null':
        return !nullsOnly;
      case 'is-nan':
        if (nanCount !== undefined && Number(nanCount) === 0) return false;
        return !nullsOnly;
      case 'not-nan':
        return !nansOnly;
      case 'not-eq':
      case 'not-in':
        return true;
      case 'not-starts-with': {
        if (nullCount === undefined || Number(nullCount) !== 0) return true;
        if (!usableBounds(col)) return true;
        const lo = lookup(file.lower_bounds, id);
        const hi = lookup(file.upper_bounds, id);
        if (!lo || !hi) return true;
        const prefix = p.lit as string;
        return !(
          startsWith(decodeBinary(lo, col.type) as string, prefix) &&
          startsWith(decodeBinary(hi, col.type) as string, prefix)
        );
      }
    }
    if (nullsOnly || (p.op !== 'starts-with' && nansOnly)) return false;
    if (!usableBounds(col)) return true;
    const lo = lookup(file.lower_bounds, id);
    const hi = lookup(file.upper_bounds, id);
    const lower = lo ? decodeBinary(lo, col.type) : null;
    const upper = hi ? decodeBinary(hi, col.type) : null;
    if (isNaNValue(lower) || isNaNValue(upper)) return true;
    if (lower === null) {
      // Only an upper bound: the tests that need the lower bound cannot rule anything out.
      if (upper === null) return true;
      switch (p.op) {
        case 'gt':
          return compareValues(upper, p.lit) > 0;
        case 'gt-eq':
          return compareValues(upper, p.lit) >= 0;
        case 'eq':
          return compareValues(upper, p.lit) >= 0;
        case 'in':
          return (
            p.lits.length > IN_PREDICATE_LIMIT || p.lits.some((l) => compareValues(upper, l) >= 0)
          );
        case 'starts-with': {
          const prefix = p.lit as string;
          return compareStrings((upper as string).slice(0, prefix.length), prefix) >= 0;
        }
        default:
          return true;
      }
    }
    return boundsMayMatch(p, lower, upper);
  });
}
