import { deployedRelease, type Release } from '../../ops/index.js';
import type { ConsoleRelease, ConsoleReleases } from '../api.js';

/** One component's release history as read from its store, or why it could not be read. */
export interface ComponentHistory {
  component: string;
  releases: readonly Release[];
  error?: string;
}

/** A release as the page shows it: what was deployed and how, never its settings. */
export function toConsoleRelease(r: Release): ConsoleRelease {
  return {
    revision: r.revision,
    status: r.status,
    version: r.version,
    action: r.action,
    description: r.description,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
  };
}

/**
 * GET /api/releases: each component in the order given, its revisions newest first. Settings
 * stay out: they may hold a database URL with its password.
 */
export function consoleReleases(histories: readonly ComponentHistory[]): ConsoleReleases {
  return {
    components: histories.map((h) => ({
      component: h.component,
      deployedRevision: deployedRelease(h.releases)?.revision ?? null,
      releases: [...h.releases].sort((a, b) => b.revision - a.revision).map(toConsoleRelease),
      ...(h.error !== undefined ? { error: h.error } : {}),
    })),
  };
}
