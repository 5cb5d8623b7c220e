import type { z } from 'zod';
import type { Read } from './assemble.js';

/** Long enough for a busy Prometheus, short enough that the overview never hangs on one part. */
export const READ_TIMEOUT_MS = 4_000;

/** Why a fetch failed, in words an operator acts on (the connection error's code, not a stack). */
function reason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError')
    return `no answer in ${READ_TIMEOUT_MS} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return err instanceof Error ? err.message : String(err);
}

/** GETs JSON from a loopback service and checks its shape; any failure is a `Read` error. */
export async function readJson<T>(
  what: string,
  url: string,
  schema: z.ZodType<T>,
): Promise<Read<T>> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
  } catch (err) {
    return {
      ok: false,
      error: `${what} at ${new URL(url).origin} cannot be reached: ${reason(err)}`,
    };
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    return { ok: false, error: `${what} answered ${res.status}: ${text.slice(0, 300)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: `${what} answered something that is not JSON` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: `${what} answered JSON of an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    };
  }
  return { ok: true, value: parsed.data };
}
