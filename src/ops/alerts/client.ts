import { z } from 'zod';

/**
 * A small client for Alertmanager's API v2 (`GET /api/v2/alerts`): the alerts it holds, with
 * their labels, annotations and whether they are active, silenced or inhibited. Works against
 * any Alertmanager: the local one on 127.0.0.1, or a cluster's through a port-forward.
 */

const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  updatedAt: z.string().optional(),
  fingerprint: z.string(),
  generatorURL: z.string().optional(),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  status: z.object({
    state: z.string(),
    silencedBy: z.array(z.string()).default([]),
    inhibitedBy: z.array(z.string()).default([]),
  }),
});

export type AlertmanagerAlert = z.infer<typeof alertSchema>;

export interface AlertQuery {
  /** Include alerts muted by a silence (Alertmanager's default is to include them). */
  silenced: boolean;
  /** Include alerts muted by an inhibition rule (a critical alert hiding its warning). */
  inhibited: boolean;
}

/** Nothing listens at the URL (or it did not answer in time). */
export class AlertmanagerUnreachableError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Alertmanager is not reachable at ${url} (${reason})`);
    this.name = 'AlertmanagerUnreachableError';
  }
}

/** Alertmanager answered, but not with a list of alerts. */
export class AlertmanagerApiError extends Error {
  constructor(
    readonly url: string,
    message: string,
  ) {
    super(`Alertmanager at ${url}: ${message}`);
    this.name = 'AlertmanagerApiError';
  }
}

export interface AlertmanagerClientOptions {
  /** E.g. `http://127.0.0.1:9093`. */
  baseUrl: string;
  timeoutMs?: number;
  /** Injected by tests; the global fetch otherwise. */
  fetch?: typeof fetch;
}

function causeOf(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no answer in time';
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string }) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

export class AlertmanagerClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(opts: AlertmanagerClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.fetch = opts.fetch ?? fetch;
  }

  /** Active alerts (not resolved), filtered by silence and inhibition as asked. */
  async alerts(query: AlertQuery): Promise<AlertmanagerAlert[]> {
    const params = new URLSearchParams({
      active: 'true',
      silenced: String(query.silenced),
      inhibited: String(query.inhibited),
      unprocessed: 'true',
    });
    const url = `${this.baseUrl}/api/v2/alerts?${params.toString()}`;
    let res: Response;
    try {
      res = await this.fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new AlertmanagerUnreachableError(this.baseUrl, causeOf(err));
    }
    const text = await res.text();
    if (!res.ok) {
      throw new AlertmanagerApiError(this.baseUrl, `HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new AlertmanagerApiError(this.baseUrl, `not JSON: ${text.slice(0, 200)}`);
    }
    const parsed = z.array(alertSchema).safeParse(body);
    if (!parsed.success) {
      throw new AlertmanagerApiError(
        this.baseUrl,
        `unexpected answer: ${parsed.error.issues[0]?.message ?? 'not a list of alerts'}`,
      );
    }
    return parsed.data;
  }
}
