import { z } from 'zod';

/** Longer than any name a person gives a table; short enough to be a path segment anywhere. */
export const MAX_NAME_LENGTH = 255;
/** Deeper than any namespace tree we have seen; bounds the work a hostile path causes. */
export const MAX_NAMESPACE_LEVELS = 16;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const UNIT_SEPARATOR = '\u001f';
// Control characters (the unit separator among them) and path separators never belong in a
// name the console passes on: they are how a request would reach a path it did not intend.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f/\\]/;

/** Why `name` is not a name the console looks up; undefined when it is one. */
function nameProblem(what: string, name: string): string | undefined {
  if (name.length === 0) return `${what} is empty`;
  if (name.length > MAX_NAME_LENGTH) return `${what} is longer than ${MAX_NAME_LENGTH} characters`;
  if (name === '.' || name === '..') return `${what} ${JSON.stringify(name)} is not a name`;
  if (FORBIDDEN.test(name)) {
    return `${what} ${JSON.stringify(name)} contains a control character, "/" or "\\"`;
  }
  return undefined;
}

const name = (what: string) =>
  z.string({ error: `${what} is required` }).superRefine((value, ctx) => {
    const problem = nameProblem(what, value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A namespace as the REST spec puts it in a URL: levels joined by the unit separator (0x1F). */
const namespace = (what: string) =>
  z.string({ error: `${what} is required, once` }).transform((value, ctx): string[] => {
    const levels = value.split(UNIT_SEPARATOR);
    if (levels.length > MAX_NAMESPACE_LEVELS) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} has more than ${MAX_NAMESPACE_LEVELS} levels`,
      });
      return z.NEVER;
    }
    for (const [i, level] of levels.entries()) {
      const problem = nameProblem(`level ${i + 1} of ${what}`, level);
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
    }
    return levels;
  });

/** The name a client passes as `warehouse`, as `lakehouse catalog serve --warehouse` allows it. */
const warehouse = z
  .string({ error: 'warehouse is required' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a warehouse name is letters, digits, "-" and "_" (at most 64)');

const strictQuery = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : undefined,
  });

/** A query parameter's text; a repeated one arrives as an array and is refused. */
const once = (what: string) => z.string({ error: `${what} must be given once` });

const pageToken = once('pageToken')
  .regex(
    /^[A-Za-z0-9._~+/=-]{1,2048}$/,
    'pageToken must be the nextPageToken of a previous page, as given',
  )
  .optional();

const pageSize = once('pageSize')
  .regex(/^\d{1,7}$/, 'pageSize must be a whole number')
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_PAGE_SIZE, `pageSize must be 1 to ${MAX_PAGE_SIZE}`)
  .default(DEFAULT_PAGE_SIZE);

export const warehouseParams = z.object({ warehouse });
export const namespaceParams = z.object({ warehouse, namespace: namespace('the namespace') });
export const tableParams = z.object({
  warehouse,
  namespace: namespace('the namespace'),
  table: name('the table name'),
});
export const viewParams = z.object({
  warehouse,
  namespace: namespace('the namespace'),
  view: name('the view name'),
});
export const namespaceListQuery = strictQuery({
  parent: namespace('parent').optional(),
  pageToken,
  pageSize,
});
export const pageQuery = strictQuery({ pageToken, pageSize });
export const emptyQuery = strictQuery({});

/** The parsed input, or every problem as one sentence for a 400. */
export function validate<S extends z.ZodType>(
  schema: S,
  raw: unknown,
): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
}
