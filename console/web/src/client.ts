/** Reads the console server's API (src/console/api.ts); the browser talks to nothing else. */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server's and Prometheus' error bodies: `{error: "..."}` or `{error: {message}}`. */
function errorText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { error, message } = body as { error?: unknown; message?: unknown };
  if (typeof error === 'string' && error) return error;
  if (error && typeof error === 'object' && 'message' in error) {
    const m = (error as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return typeof message === 'string' && message ? message : undefined;
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(`the console server did not answer (${String(err)})`, 0);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    throw new ApiError(
      errorText(body) ?? (text.slice(0, 300) || `${res.status} ${res.statusText}`),
      res.status,
    );
  }
  if (body === undefined) throw new ApiError(`${path} answered no JSON`, res.status);
  return body as T;
}

export const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message : String(err);
