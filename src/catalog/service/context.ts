import type { Logger } from 'pino';
import type { CatalogStore } from '../store/index.js';
import type { FileIO } from '../io/index.js';

export interface Warehouse {
  /** The name clients use as the URL prefix and as `?warehouse=`. */
  name: string;
  /** `s3://bucket/prefix` or `file:///absolute/path`, without a trailing slash. */
  location: string;
}

/** Counters the service reports to; the HTTP layer backs them with Prometheus metrics. */
export interface CatalogEvents {
  commit(
    kind: 'table' | 'view' | 'transaction',
    outcome: 'committed' | 'conflict' | 'failed',
  ): void;
  commitRetry(): void;
  storageError(operation: string): void;
  metricsReport(reportType: string): void;
}

export const noEvents: CatalogEvents = {
  commit: () => undefined,
  commitRetry: () => undefined,
  storageError: () => undefined,
  metricsReport: () => undefined,
};

export interface CatalogContext {
  store: CatalogStore;
  io: FileIO;
  warehouses: Warehouse[];
  events: CatalogEvents;
  log: Logger;
  now(): number;
  newUuid(): string;
}

/** An Idempotency-Key from the request; the service stores its response with the mutation. */
export interface IdempotencyContext {
  key: string;
}
