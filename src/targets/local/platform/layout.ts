import { join } from 'node:path';

/** Where each component keeps its data and configuration under the state directory. */
export function platformLayout(stateDir: string) {
  return {
    stateDir,
    minioData: join(stateDir, 'data', 'minio'),
    catalogDb: join(stateDir, 'data', 'catalog', 'catalog.db'),
    trinoNode: (nodeId: string) => join(stateDir, 'trino', nodeId),
    logs: join(stateDir, 'logs'),
  };
}

export type PlatformLayout = ReturnType<typeof platformLayout>;

/** Trino node ids: stable across restarts, since Trino keys its node list by them. */
export const TRINO_COORDINATOR = 'trino-coordinator';
export const trinoWorker = (index: number): string => `trino-worker-${index + 1}`;
