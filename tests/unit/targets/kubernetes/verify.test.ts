import { describe, expect, it } from 'vitest';
import { valuesSchema, type LakehouseValues } from '../../../../src/platform/config/index.js';
import { serviceProbes } from '../../../../src/targets/kubernetes/releases/verify.js';

const values = (over: object = {}): LakehouseValues =>
  valuesSchema.parse({ global: { target: 'kubernetes' }, ...over });

// Ports other than the defaults, so a probe that ignores the values (or reads the wrong key) fails.
const custom = values({
  minio: { ports: { api: 19000, console: 19001 } },
  icebergCatalog: { port: 18181 },
  trino: { coordinator: { port: 18080 }, workers: { basePort: 18090 } },
  observability: { prometheus: { port: 19090 } },
});

describe('serviceProbes', () => {
  it('minio: the S3 API port from values (not the console), on the liveness path', () => {
    const [probe, ...rest] = serviceProbes('minio', custom);
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ service: 'minio:19000', path: 'minio/health/live' });
    expect(serviceProbes('minio', values())[0]?.service).toBe('minio:9000');
  });

  it('iceberg-catalog: the catalog port from values, GET /v1/config', () => {
    const [probe, ...rest] = serviceProbes('iceberg-catalog', custom);
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ service: 'iceberg-catalog:18181', path: 'v1/config' });
    expect(serviceProbes('iceberg-catalog', values())[0]?.service).toBe('iceberg-catalog:8181');
    expect(probe?.expect.test('{"defaults":{},"overrides":{"prefix":"lakehouse"}}')).toBe(true);
    expect(probe?.expect.test('{"error":{"code":503}}')).toBe(false);
  });

  it("trino: the coordinator's port (not the workers'), started only when starting is false", () => {
    const [probe, ...rest] = serviceProbes('trino', custom);
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ service: 'trino:18080', path: 'v1/info' });
    expect(serviceProbes('trino', values())[0]?.service).toBe('trino:8080');
    const re = probe?.expect;
    expect(re?.test('{"nodeVersion":{"version":"476"},"starting":false,"uptime":"1m"}')).toBe(true);
    expect(re?.test('{"starting" : false}')).toBe(true);
    expect(re?.test('{"nodeVersion":{"version":"476"},"starting":true}')).toBe(false);
  });

  it('observability: Prometheus readiness on its port from values', () => {
    const [probe, ...rest] = serviceProbes('observability', custom);
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ service: 'prometheus-operated:19090', path: '-/ready' });
    expect(probe?.expect.test('Prometheus Server is Ready.\n')).toBe(true);
    expect(probe?.expect.test('Service Unavailable')).toBe(false);
  });

  it('observability without Prometheus has nothing to probe', () => {
    expect(
      serviceProbes('observability', values({ observability: { prometheus: { enabled: false } } })),
    ).toEqual([]);
  });

  it('every probe says what it checks', () => {
    for (const c of ['minio', 'iceberg-catalog', 'trino', 'observability'] as const) {
      for (const p of serviceProbes(c, custom)) expect(p.what).not.toBe('');
    }
  });
});
