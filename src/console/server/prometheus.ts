import type { MetricsRangeResult } from '../api.js';
import { expandGrafanaVariables, type RangeQuery } from './metrics-query.js';

export interface PrometheusSettings {
  /** `http://127.0.0.1:9090` */
  url: string;
  scrapeIntervalSeconds: number;
}

/** A range query takes at most this long before the page is told Prometheus did not answer. */
export const QUERY_TIMEOUT_MS = 20_000;

export interface ProxiedAnswer {
  status: number;
  body: MetricsRangeResult;
}

/**
 * Runs one range query on Prometheus and gives back its answer: its JSON on success; its
 * `error` text and status when it refused the query; 502/504 with why when it is unreachable.
 * POST with a form body, as Prometheus allows, so a long query never meets a URL length limit.
 */
export async function queryRange(prom: PrometheusSettings, q: RangeQuery): Promise<ProxiedAnswer> {
  const form = new URLSearchParams({
    query: expandGrafanaVariables(q.query, q, prom.scrapeIntervalSeconds),
    start: String(q.start),
    end: String(q.end),
    step: String(q.step),
  });
  let res: Response;
  try {
    res = await fetch(`${prom.url}/api/v1/query_range`, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
    });
  } catch (err) {
    const timeout = err instanceof Error && err.name === 'TimeoutError';
    const code =
      err instanceof Error ? (err.cause as { code?: string } | undefined)?.code : undefined;
    return {
      status: timeout ? 504 : 502,
      body: {
        status: 'error',
        error: timeout
          ? `Prometheus did not answer within ${QUERY_TIMEOUT_MS / 1000} s`
          : `Prometheus at ${prom.url} cannot be reached (${code ?? (err as Error).message}): is it running? \`lakehouse status\``,
      },
    };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      status: 502,
      body: {
        status: 'error',
        error: `Prometheus answered ${res.status} without JSON: ${text.slice(0, 200)}`,
      },
    };
  }
  const answer = json as { status?: unknown; error?: unknown; data?: MetricsRangeResult['data'] };
  if (res.ok && answer.status === 'success' && answer.data) {
    return { status: 200, body: { status: 'success', data: answer.data } };
  }
  return {
    // Prometheus' own status (400 bad query, 422 cannot execute, 503 overloaded); 502 if it said success oddly.
    status: res.ok ? 502 : res.status,
    body: {
      status: 'error',
      error: typeof answer.error === 'string' ? answer.error : `Prometheus answered ${res.status}`,
    },
  };
}
