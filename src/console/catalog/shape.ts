import type { z } from 'zod';
import { formatPath } from '../../catalog/metadata/index.js';

/** The catalog answered, but not with the shape the REST spec gives that operation. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Parses a catalog answer, or throws a ShapeError naming the operation and the first problem. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  answer: unknown,
  operation: string,
): z.output<S> {
  const parsed = schema.safeParse(answer);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ShapeError(
    `the catalog's ${operation} answer is not what the REST spec says` +
      (issue ? ` (${formatPath(issue.path)}: ${issue.message})` : ''),
  );
}
