/**
 * Scan filters: the REST spec's Expression JSON parsed (zod for each node's shape), bound to a
 * table schema, and rewritten without NOT, the form every evaluator walks.
 *
 * Both wire forms are read: the current one (`left`/`right`, `child`, `{"type":"reference"}`,
 * `{"type":"literal"}`) and the legacy one Java's and pyiceberg's clients send (`term` as a bare
 * column name or a `{"type":"transform"}` term, `value`, `values`). Binding follows Java's Binder:
 * a null test on a required column folds to true/false, literals convert to the column's type
 * (an int literal beyond an int column's range folds the predicate like AboveMax/BelowMin), NaN is
 * only reachable through is-nan/not-nan.
 */
import { z } from 'zod';
import type { IcebergType, StructField } from '../metadata/index.js';
import {
  OutOfRange,
  ValueError,
  isFloating,
  literalFromJson,
  isNaNValue,
  parseType,
  type PrimitiveType,
  type Value,
} from './values.js';

export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

export const UNARY_OPS = ['is-null', 'not-null', 'is-nan', 'not-nan'] as const;
export const LITERAL_OPS = [
  'lt',
  'lt-eq',
  'gt',
  'gt-eq',
  'eq',
  'not-eq',
  'starts-with',
  'not-starts-with',
] as const;
export const SET_OPS = ['in', 'not-in'] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];
export type LiteralOp = (typeof LITERAL_OPS)[number];
export type SetOp = (typeof SET_OPS)[number];

/** A column reference, or a term the planner does not evaluate (a transform or function call). */
export type UnboundTerm =
  | { kind: 'name'; name: string }
  | { kind: 'id'; id: number }
  | { kind: 'opaque'; what: string; name?: string };

export type Unbound =
  | { op: 'true' | 'false' }
  | { op: 'and' | 'or'; left: Unbound; right: Unbound }
  | { op: 'not'; child: Unbound }
  | { op: UnaryOp; term: UnboundTerm }
  | { op: LiteralOp; term: UnboundTerm; value: unknown }
  | { op: SetOp; term: UnboundTerm; values: unknown[] };

// ---------------------------------------------------------------- parsing

const primitiveValue = z.union([z.boolean(), z.number(), z.bigint(), z.string()]);
const literalObject = z.strictObject({
  type: z.literal('literal'),
  value: primitiveValue,
  'data-type': z.string().optional(),
});
const literalsObject = z.strictObject({
  type: z.literal('literals'),
  values: z.array(primitiveValue),
  'data-type': z.string(),
});
const referenceObject = z.union([
  z.strictObject({ type: z.literal('reference'), name: z.string().min(1) }),
  z.strictObject({ type: z.literal('reference'), id: z.number().int() }),
]);
const transformTerm = z.looseObject({
  type: z.literal('transform'),
  transform: z.string().min(1),
  term: z.union([z.string().min(1), referenceObject]),
});
const applyTerm = z.looseObject({
  type: z.literal('apply'),
  function: z.unknown(),
  arguments: z.array(z.unknown()),
});
const andOr = z.strictObject({
  type: z.enum(['and', 'or']),
  left: z.unknown(),
  right: z.unknown(),
});
const notNode = z.strictObject({ type: z.literal('not'), child: z.unknown() });
const unaryNode = z.strictObject({
  type: z.enum(UNARY_OPS),
  child: z.unknown().optional(),
  term: z.unknown().optional(),
});
const comparisonNode = z.strictObject({
  type: z.enum(LITERAL_OPS),
  left: z.unknown().optional(),
  right: z.unknown().optional(),
  term: z.unknown().optional(),
  value: z.unknown().optional(),
});
const setNode = z.strictObject({
  type: z.enum(SET_OPS),
  child: z.unknown().optional(),
  term: z.unknown().optional(),
  values: z.unknown(),
});
const constantNode = z.strictObject({ type: z.enum(['true', 'false']) });

const MIRROR: Partial<Record<LiteralOp, LiteralOp>> = {
  lt: 'gt',
  'lt-eq': 'gt-eq',
  gt: 'lt',
  'gt-eq': 'lt-eq',
  eq: 'eq',
  'not-eq': 'not-eq',
};

function issues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

function parseWith<T>(schema: z.ZodType<T>, node: unknown, at: string): T {
  const result = schema.safeParse(node);
  if (!result.success) throw new ExpressionError(`${at}: ${issues(result.error)}`);
  return result.data;
}

function isTermLike(node: unknown): boolean {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
  const type = (node as { type?: unknown }).type;
  return type === 'reference' || type === 'transform' || type === 'apply';
}

function parseTerm(node: unknown, at: string): UnboundTerm {
  if (typeof node === 'string') {
    if (node.length === 0) throw new ExpressionError(`${at}: a column name must not be empty`);
    return { kind: 'name', name: node };
  }
  const type = (node as { type?: unknown } | null)?.type;
  if (type === 'reference') {
    const ref = parseWith(referenceObject, node, at);
    return 'name' in ref ? { kind: 'name', name: ref.name } : { kind: 'id', id: ref.id };
  }
  if (type === 'transform') {
    const t = parseWith(transformTerm, node, at);
    const inner = typeof t.term === 'string' ? t.term : 'name' in t.term ? t.term.name : undefined;
    return { kind: 'opaque', what: `transform ${t.transform}`, ...(inner ? { name: inner } : {}) };
  }
  if (type === 'apply') {
    parseWith(applyTerm, node, at);
    return { kind: 'opaque', what: 'function application' };
  }
  throw new ExpressionError(
    `${at}: expected a column name, {"type":"reference","name":...} or a transform term`,
  );
}

function parseLiteral(node: unknown, at: string): unknown {
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    return parseWith(literalObject, node, at).value;
  }
  return parseWith(primitiveValue, node, at);
}

function parseLiterals(node: unknown, at: string): unknown[] {
  if (Array.isArray(node)) return node.map((v, i) => parseLiteral(v, `${at}[${i}]`));
  return parseWith(literalsObject, node, at).values;
}

/** Parses a filter; throws an ExpressionError naming where (`filter.left.right`) and what. */
export function parseExpression(node: unknown, at = 'filter'): Unbound {
  if (node === true || node === false) return { op: node ? 'true' : 'false' };
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    throw new ExpressionError(`${at}: expected an expression object or true/false`);
  }
  const type = (node as { type?: unknown }).type;
  switch (type) {
    case 'true':
    case 'false':
      return { op: parseWith(constantNode, node, at).type };
    case 'and':
    case 'or': {
      const n = parseWith(andOr, node, at);
      return {
        op: n.type,
        left: parseExpression(n.left, `${at}.left`),
        right: parseExpression(n.right, `${at}.right`),
      };
    }
    case 'not':
      return {
        op: 'not',
        child: parseExpression(parseWith(notNode, node, at).child, `${at}.child`),
      };
  }
  if ((UNARY_OPS as readonly unknown[]).includes(type)) {
    const n = parseWith(unaryNode, node, at);
    const operand = n.child ?? n.term;
    if (operand === undefined) throw new ExpressionError(`${at}: ${n.type} needs a child`);
    return { op: n.type, term: parseTerm(operand, `${at}.child`) };
  }
  if ((SET_OPS as readonly unknown[]).includes(type)) {
    const n = parseWith(setNode, node, at);
    const operand = n.child ?? n.term;
    if (operand === undefined) throw new ExpressionError(`${at}: ${n.type} needs a child`);
    return {
      op: n.type,
      term: parseTerm(operand, `${at}.child`),
      values: parseLiterals(n.values, `${at}.values`),
    };
  }
  if ((LITERAL_OPS as readonly unknown[]).includes(type)) {
    const n = parseWith(comparisonNode, node, at);
    let termNode = n.left ?? n.term;
    let valueNode = n.right ?? n.value;
    let op = n.type;
    if (termNode === undefined || valueNode === undefined) {
      throw new ExpressionError(`${at}: ${op} needs left and right (or term and value)`);
    }
    if (!isTermLike(termNode) && typeof termNode !== 'string' && isTermLike(valueNode)) {
      // `5 < x` is `x > 5`.
      const mirrored = MIRROR[op];
      if (!mirrored) throw new ExpressionError(`${at}: ${op} needs the column on the left`);
      [termNode, valueNode, op] = [valueNode, termNode, mirrored];
    }
    return {
      op,
      term: parseTerm(termNode, `${at}.left`),
      value: parseLiteral(valueNode, `${at}.right`),
    };
  }
  throw new ExpressionError(
    `${at}: unknown expression type ${JSON.stringify(type)} (expected and, or, not, ${[
      ...LITERAL_OPS,
      ...SET_OPS,
      ...UNARY_OPS,
    ].join(', ')}, true or false)`,
  );
}

// ---------------------------------------------------------------- schema lookup

/** A primitive column a predicate may test. */
export interface Column {
  id: number;
  /** Full dotted name, as the schema spells it. */
  name: string;
  type: PrimitiveType;
  /** Never null in any row: the field and every struct around it are required. */
  required: boolean;
  /** Under a list or map: its metrics describe many values per row, so none are used. */
  repeated: boolean;
}

export interface SchemaIndex {
  byName: Map<string, Column | 'not-primitive'>;
  byLowerName: Map<string, Column | 'not-primitive' | 'ambiguous'>;
  byId: Map<number, Column>;
}

/** Indexes the columns of a schema's fields by full name (case-sensitive and not) and id. */
export function indexSchema(fields: readonly StructField[]): SchemaIndex {
  const index: SchemaIndex = { byName: new Map(), byLowerName: new Map(), byId: new Map() };
  const add = (
    name: string,
    id: number,
    type: IcebergType,
    required: boolean,
    repeated: boolean,
  ) => {
    let entry: Column | 'not-primitive' = 'not-primitive';
    if (typeof type === 'string') {
      const parsed = parseType(type);
      if (parsed) {
        entry = { id, name, type: parsed, required, repeated };
        index.byId.set(id, entry);
      }
    } else if (type.type === 'struct') {
      for (const f of type.fields) {
        // A required field of an optional struct is null when the struct is.
        add(`${name}.${f.name}`, f.id, f.type, required && f.required, repeated);
      }
    } else if (type.type === 'list') {
      add(`${name}.element`, type['element-id'], type.element, type['element-required'], true);
    } else {
      add(`${name}.key`, type['key-id'], type.key, true, true);
      add(`${name}.value`, type['value-id'], type.value, type['value-required'], true);
    }
    index.byName.set(name, entry);
    const lower = name.toLowerCase();
    index.byLowerName.set(lower, index.byLowerName.has(lower) ? 'ambiguous' : entry);
  };
  for (const f of fields) add(f.name, f.id, f.type, f.required, false);
  return index;
}

/** Finds a column by full name; throws an ExpressionError saying why it cannot be used. */
export function findColumn(index: SchemaIndex, name: string, caseSensitive: boolean): Column {
  const found = caseSensitive ? index.byName.get(name) : index.byLowerName.get(name.toLowerCase());
  if (found === undefined) {
    throw new ExpressionError(
      `Cannot find field '${name}' in the table schema${caseSensitive ? ' (case-sensitive)' : ''}`,
    );
  }
  if (found === 'ambiguous') {
    throw new ExpressionError(
      `Field name '${name}' matches several columns when case is ignored: use case-sensitive matching`,
    );
  }
  if (found === 'not-primitive') {
    throw new ExpressionError(`Field '${name}' is not a primitive column: test one of its fields`);
  }
  return found;
}

// ---------------------------------------------------------------- binding

export type Bound =
  | { op: 'true' | 'false' }
  | { op: 'and' | 'or'; left: Bound; right: Bound }
  | { op: 'not'; child: Bound }
  | { op: UnaryOp; col: Column }
  | { op: LiteralOp; col: Column; lit: Value }
  | { op: SetOp; col: Column; lits: Value[] }
  /** A predicate on a transform or function: never used to skip a file. */
  | { op: 'opaque' };

const TRUE: Bound = { op: 'true' };
const FALSE: Bound = { op: 'false' };
const constant = (b: boolean): Bound => (b ? TRUE : FALSE);

/** The largest `in` list evaluated against bounds; Iceberg's limit too. */
export const IN_PREDICATE_LIMIT = 200;

function convert(value: unknown, col: Column, at: string): Value | OutOfRange {
  try {
    return literalFromJson(value, col.type);
  } catch (err) {
    if (err instanceof ValueError) {
      throw new ExpressionError(`${at}: invalid value for column '${col.name}': ${err.message}`);
    }
    throw err;
  }
}

/**
 * Binds `expr` to the schema: every name resolves to a primitive column, every literal converts to
 * its column's type. Throws an ExpressionError (the HTTP layer answers 400) otherwise.
 */
export function bind(
  expr: Unbound,
  index: SchemaIndex,
  caseSensitive: boolean,
  at = 'filter',
): Bound {
  switch (expr.op) {
    case 'true':
    case 'false':
      return expr.op === 'true' ? TRUE : FALSE;
    case 'and':
    case 'or':
      return {
        op: expr.op,
        left: bind(expr.left, index, caseSensitive, `${at}.left`),
        right: bind(expr.right, index, caseSensitive, `${at}.right`),
      };
    case 'not':
      return { op: 'not', child: bind(expr.child, index, caseSensitive, `${at}.child`) };
  }
  const term = expr.term;
  if (term.kind === 'opaque') {
    // Still check the column exists, so a typo is a 400 rather than a full scan.
    if (term.name !== undefined) findColumnAt(index, term.name, caseSensitive, at);
    return { op: 'opaque' };
  }
  const col =
    term.kind === 'name'
      ? findColumnAt(index, term.name, caseSensitive, at)
      : (index.byId.get(term.id) ??
        fail(`${at}: no primitive column has field id ${term.id} in the table schema`));

  switch (expr.op) {
    case 'is-null':
    case 'not-null':
      if (col.required && !col.repeated) return constant(expr.op === 'not-null');
      return { op: expr.op, col };
    case 'is-nan':
    case 'not-nan':
      if (!isFloating(col.type)) {
        throw new ExpressionError(
          `${at}: ${expr.op} needs a float or double column; '${col.name}' is ${col.type.name}`,
        );
      }
      return { op: expr.op, col };
    case 'in':
    case 'not-in': {
      const lits: Value[] = [];
      expr.values.forEach((v, i) => {
        const lit = convert(v, col, `${at}.values[${i}]`);
        if (isNaNValue(lit)) {
          throw new ExpressionError(`${at}: NaN cannot be in a set: use is-nan`);
        }
        if (!(lit instanceof OutOfRange)) lits.push(lit);
      });
      const negate = expr.op === 'not-in';
      if (lits.length === 0) return constant(negate);
      if (lits.length === 1) return { op: negate ? 'not-eq' : 'eq', col, lit: lits[0] as Value };
      return { op: expr.op, col, lits };
    }
    default: {
      if (expr.op === 'starts-with' || expr.op === 'not-starts-with') {
        if (col.type.name !== 'string') {
          throw new ExpressionError(
            `${at}: ${expr.op} needs a string column; '${col.name}' is ${col.type.name}`,
          );
        }
      }
      const lit = convert(expr.value, col, `${at}.right`);
      if (lit instanceof OutOfRange) return outOfRange(expr.op, lit.above);
      if (isNaNValue(lit)) {
        throw new ExpressionError(`${at}: cannot compare with NaN: use is-nan or not-nan`);
      }
      return { op: expr.op, col, lit };
    }
  }
}

function fail(message: string): never {
  throw new ExpressionError(message);
}

function findColumnAt(index: SchemaIndex, name: string, caseSensitive: boolean, at: string) {
  try {
    return findColumn(index, name, caseSensitive);
  } catch (err) {
    throw new ExpressionError(`${at}: ${(err as Error).message}`);
  }
}

/** A comparison with a literal beyond the column type's range is constant (Java's AboveMax). */
function outOfRange(op: LiteralOp, above: boolean): Bound {
  switch (op) {
    case 'lt':
    case 'lt-eq':
      return constant(above);
    case 'gt':
    case 'gt-eq':
      return constant(!above);
    case 'eq':
      return FALSE;
    case 'not-eq':
      return TRUE;
    default:
      return { op: 'opaque' };
  }
}

const NEGATED: Record<UnaryOp | LiteralOp | SetOp, UnaryOp | LiteralOp | SetOp> = {
  'is-null': 'not-null',
  'not-null': 'is-null',
  'is-nan': 'not-nan',
  'not-nan': 'is-nan',
  lt: 'gt-eq',
  'lt-eq': 'gt',
  gt: 'lt-eq',
  'gt-eq': 'lt',
  eq: 'not-eq',
  'not-eq': 'eq',
  'starts-with': 'not-starts-with',
  'not-starts-with': 'starts-with',
  in: 'not-in',
  'not-in': 'in',
};

/** Pushes every NOT down to the predicates (De Morgan), as Iceberg's RewriteNot does. */
export function rewriteNot(expr: Bound, negate = false): Bound {
  switch (expr.op) {
    case 'true':
    case 'false':
      return constant((expr.op === 'true') !== negate);
    case 'not':
      return rewriteNot(expr.child, !negate);
    case 'and':
    case 'or': {
      const left = rewriteNot(expr.left, negate);
      const right = rewriteNot(expr.right, negate);
      const isAnd = (expr.op === 'and') !== negate;
      return simplify(isAnd ? 'and' : 'or', left, right);
    }
    case 'opaque':
      return expr;
    default:
      return negate ? ({ ...expr, op: NEGATED[expr.op] } as Bound) : expr;
  }
}

function simplify(op: 'and' | 'or', left: Bound, right: Bound): Bound {
  if (op === 'and') {
    if (left.op === 'false' || right.op === 'false') return FALSE;
    if (left.op === 'true') return right;
    if (right.op === 'true') return left;
  } else {
    if (left.op === 'true' || right.op === 'true') return TRUE;
    if (left.op === 'false') return right;
    if (right.op === 'false') return left;
  }
  return { op, left, right };
}

/** Parses, binds and rewrites a request's filter; an absent filter is `true`. */
export function bindFilter(filter: unknown, index: SchemaIndex, caseSensitive: boolean): Bound {
  if (filter === undefined || filter === null) return TRUE;
  return rewriteNot(bind(parseExpression(filter), index, caseSensitive));
}

/** The column ids a bound expression tests. */
export function referencedIds(expr: Bound, into = new Set<number>()): Set<number> {
  if (expr.op === 'and' || expr.op === 'or') {
    referencedIds(expr.left, into);
    referencedIds(expr.right, into);
  } else if (expr.op === 'not') referencedIds(expr.child, into);
  else if ('col' in expr) into.add(expr.col.id);
  return into;
}
