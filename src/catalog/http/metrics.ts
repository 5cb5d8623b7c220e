import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CatalogEvents } from '../service/index.js';

/** The catalog's Prometheus metrics, on a registry of its own so tests can run several servers. */
export class CatalogMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'lakehouse_catalog_http_requests_total',
    help: 'HTTP requests by route, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'lakehouse_catalog_http_request_duration_seconds',
    help: 'HTTP request latency by route and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commits = new Counter({
    name: 'lakehouse_catalog_commits_total',
    help: 'Commits by kind (table, view, transaction) and outcome (committed, conflict, failed)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly commitConflicts = new Counter({
    name: 'lakehouse_catalog_commit_conflicts_total',
    help: 'Commits rejected with 409 CommitFailedException (a failed requirement or a lost swap after retries)',
    registers: [this.registry],
  });
  readonly commitRetries = new Counter({
    name: 'lakehouse_catalog_commit_retries_total',
    help: 'Compare-and-swap attempts lost to a concurrent writer and retried on the new base',
    registers: [this.registry],
  });
  readonly databaseErrors = new Counter({
    name: 'lakehouse_catalog_database_errors_total',
    help: 'Requests that failed because the database failed',
    registers: [this.registry],
  });
  readonly storageErrors = new Counter({
    name: 'lakehouse_catalog_storage_errors_total',
    help: 'Object storage failures by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  readonly metricsReports = new Counter({
    name: 'lakehouse_catalog_metrics_reports_total',
    help: 'Scan and commit reports received from clients on the metrics endpoint',
    labelNames: ['report_type'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lakehouse_catalog_' });
  }

  events(): CatalogEvents {
    return {
      commit: (kind, outcome) => {
        this.commits.inc({ kind, outcome });
        if (outcome === 'conflict') this.commitConflicts.inc();
      },
      commitRetry: () => this.commitRetries.inc(),
      storageError: (operation) => this.storageErrors.inc({ operation }),
      metricsReport: (reportType) => this.metricsReports.inc({ report_type: reportType }),
    };
  }
}
