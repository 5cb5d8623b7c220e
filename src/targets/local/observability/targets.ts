import { z } from 'zod';

/** One scrape target as Prometheus sees it (`/api/v1/targets`, active targets). */
export interface ScrapeTarget {
  job: string;
  instance: string;
  /** `up`, `down`, or `unknown` before its first scrape. */
  health: 'up' | 'down' | 'unknown';
  /** Empty when the last scrape succeeded. */
  lastError: string;
  /** ISO time of the last scrape (Prometheus' zero time before the first). */
  lastScrape: string;
}

const targetsSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    activeTargets: z.array(
      z.object({
        labels: z.record(z.string(), z.string()),
        scrapePool: z.string().optional(),
        health: z.string(),
        lastError: z.string().optional(),
        lastScrape: z.string().optional(),
      }),
    ),
  }),
});

/** The active targets of a `/api/v1/targets` answer, sorted by job and instance. Pure. */
export function parseScrapeTargets(body: unknown): ScrapeTarget[] {
  const parsed = targetsSchema.parse(body);
  return parsed.data.activeTargets
    .map((t): ScrapeTarget => ({
      job: t.labels['job'] ?? t.scrapePool ?? '',
      instance: t.labels['instance'] ?? '',
      health: t.health === 'up' || t.health === 'down' ? t.health : 'unknown',
      lastError: t.lastError ?? '',
      lastScrape: t.lastScrape ?? '',
    }))
    .sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

/** Prometheus' scrape targets, or null when Prometheus does not answer on its port. */
export async function fetchScrapeTargets(
  prometheusPort: number,
  timeoutMs = 3_000,
): Promise<ScrapeTarget[] | null> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/targets?state=active`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return null;
  }
  if (!res.ok) return null;
  return parseScrapeTargets(await res.json());
}
