import { describe, expect, it } from 'vitest';
import type { ProcessStatus } from '../../../../../src/targets/local/process-spec.js';
import { processMetricsRegistry } from '../../../../../src/targets/local/supervisor/index.js';

const base: ProcessStatus = {
  name: 'minio',
  component: 'minio',
  version: '1',
  state: 'running',
  pid: 42,
  ports: [9000],
  healthy: true,
  startedAt: 0,
  restarts: 2,
  lastExit: null,
  logFile: '/logs/minio.log',
  paused: false,
};

const values = (text: string): string[] =>
  text.split('\n').filter((l) => l.startsWith('lakehouse_process_'));

describe('processMetricsRegistry', () => {
  it('one series per process and family, from the status at scrape time', async () => {
    let statuses: ProcessStatus[] = [
      base,
      {
        ...base,
        name: 'trino-worker-1',
        component: 'trino',
        state: 'crashloop',
        pid: null,
        healthy: false,
        restarts: 5,
      },
      {
        ...base,
        name: 'prometheus',
        component: 'observability',
        healthy: false,
        paused: true,
        restarts: 0,
      },
    ];
    const registry = processMetricsRegistry(() => statuses);
    expect(values(await registry.metrics())).toEqual([
      'lakehouse_process_up{process="minio",component="minio"} 1',
      'lakehouse_process_up{process="trino-worker-1",component="trino"} 0',
      'lakehouse_process_up{process="prometheus",component="observability"} 1',
      'lakehouse_process_healthy{process="minio",component="minio"} 1',
      'lakehouse_process_healthy{process="trino-worker-1",component="trino"} 0',
      'lakehouse_process_healthy{process="prometheus",component="observability"} 0',
      'lakehouse_process_paused{process="minio",component="minio"} 0',
      'lakehouse_process_paused{process="trino-worker-1",component="trino"} 0',
      'lakehouse_process_paused{process="prometheus",component="observability"} 1',
      'lakehouse_process_crashloop{process="minio",component="minio"} 0',
      'lakehouse_process_crashloop{process="trino-worker-1",component="trino"} 1',
      'lakehouse_process_crashloop{process="prometheus",component="observability"} 0',
      'lakehouse_process_restarts_total{process="minio",component="minio"} 2',
      'lakehouse_process_restarts_total{process="trino-worker-1",component="trino"} 5',
      'lakehouse_process_restarts_total{process="prometheus",component="observability"} 0',
    ]);
    // A process the supervisor no longer runs disappears from the next scrape.
    statuses = [base];
    expect(values(await registry.metrics())).toHaveLength(5);
  });
});
