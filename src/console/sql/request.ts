import { z } from 'zod';

/** A statement longer than this is not typed into a box; it is a mistake or an attack. */
export const MAX_SQL_LENGTH = 100_000;
export const MAX_ROWS_LIMIT = 10_000;
export const DEFAULT_MAX_ROWS = 1_000;
/** The session catalog when the page names none, as `lakehouse sql` does. */
export const DEFAULT_CATALOG = 'iceberg';

/** Trino's catalog and schema names as the platform creates them (and as config.ts checks). */
const identifier = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^[a-z][a-z0-9_]{0,127}$/, `${what} must match [a-z][a-z0-9_]* (at most 128)`);

/**
 * POST /api/sql's body (SqlRequest in ../api.ts). Whether it is one statement is Trino's to
 * say: it refuses several with its own message, which the page shows as is.
 */
export const sqlRequestSchema = z.strictObject(
  {
    sql: z
      .string({ error: 'sql is required (the statement to run)' })
      .max(MAX_SQL_LENGTH, `sql must be at most ${MAX_SQL_LENGTH} characters`)
      .refine((s) => s.trim().length > 0, 'sql must not be empty'),
    clientQueryId: z.uuid({ error: 'clientQueryId must be a UUID' }),
    maxRows: z
      .number({ error: `maxRows must be a whole number from 1 to ${MAX_ROWS_LIMIT}` })
      .int(`maxRows must be a whole number from 1 to ${MAX_ROWS_LIMIT}`)
      .min(1, `maxRows must be from 1 to ${MAX_ROWS_LIMIT}`)
      .max(MAX_ROWS_LIMIT, `maxRows must be from 1 to ${MAX_ROWS_LIMIT}`)
      .default(DEFAULT_MAX_ROWS),
    catalog: identifier('catalog').default(DEFAULT_CATALOG),
    schema: identifier('schema').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.join(', ')}`
        : issue.code === 'invalid_type'
          ? 'the body must be a JSON object: {"sql": "...", "clientQueryId": "<uuid>"}'
          : undefined,
  },
);

export type SqlQuery = z.output<typeof sqlRequestSchema>;

/** The body's first problems as one sentence, or the query. */
export function parseSqlRequest(
  raw: unknown,
): { ok: true; query: SqlQuery } | { ok: false; error: string } {
  const parsed = sqlRequestSchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** DELETE /api/sql/:clientQueryId's id. */
export const isClientQueryId = (id: string): boolean => z.uuid().safeParse(id).success;
