/**
 * The runbook's verification per component, against the running local platform: each reads
 * something real through the component's own API.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';
import type { LakehouseValues } from '../../../platform/config/index.js';
import type { Component, Verification } from '../../../ops/index.js';
import type { PlatformSecrets } from '../secrets.js';
import { localMinioClient } from '../../../platform/minio/index.js';
import { queryWhileWorkersSettle, TrinoClient, type TrinoInfo } from '../trino/index.js';

const TIMEOUT_MS = 15_000;

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}`);
  return res.json();
}

async function verifyObservability(values: LakehouseValues): Promise<string> {
  const { prometheus, alertmanager } = values.observability;
  const parts: string[] = [];
  if (prometheus.enabled) {
    const base = `http://127.0.0.1:${prometheus.port}`;
    const ready = await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!ready.ok) throw new Error(`Prometheus /-/ready answered HTTP ${ready.status}`);
    const body = (await getJson(`${base}/api/v1/query?query=up`)) as {
      status?: string;
      data?: { result?: unknown[] };
    };
    if (body.status !== 'success') throw new Error('Prometheus query `up` did not succeed');
    parts.push(`Prometheus ready, query up: ${body.data?.result?.length ?? 0} series`);
  }
  if (alertmanager.enabled) {
    const ready = await fetch(`http://127.0.0.1:${alertmanager.port}/-/ready`, {
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!ready.ok) throw new Error(`Alertmanager /-/ready answered HTTP ${ready.status}`);
    parts.push('Alertmanager ready');
  }
  return parts.join('; ');
}

async function verifyMinio(values: LakehouseValues, secrets: PlatformSecrets): Promise<string> {
  const s3 = localMinioClient(values.minio.ports.api, secrets.minio);
  const Bucket = values.minio.bucket;
  try {
    const list = await s3.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }));
    const key = list.Contents?.[0]?.Key;
    if (key !== undefined) {
      const got = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
      const bytes = (await got.Body?.transformToByteArray())?.length ?? 0;
      return `read s3://${Bucket}/${key} (${bytes} bytes)`;
    }
    // An empty bucket: write and read back a probe object.
    const Key = '.lakehouse-verify';
    const body = `verify ${new Date().toISOString()}`;
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
    const text = await got.Body?.transformToString();
    await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    if (text !== body) throw new Error(`the probe object s3://${Bucket}/${Key} read back differs`);
    return `wrote and read back a probe object in the empty bucket ${Bucket}`;
  } finally {
    s3.destroy();
  }
}

async function verifyCatalog(values: LakehouseValues): Promise<string> {
  const base = `http://127.0.0.1:${values.icebergCatalog.port}/v1`;
  const config = (await getJson(`${base}/config`)) as { overrides?: Record<string, string> };
  const prefix = config.overrides?.['prefix'];
  const root = prefix ? `${base}/${encodeURIComponent(prefix)}` : base;
  const ns = (await getJson(`${root}/namespaces`)) as { namespaces?: string[][] };
  const namespaces = ns.namespaces ?? [];
  for (const parts of namespaces) {
    const name = encodeURIComponent(parts.join('\x1f'));
    const tables = (await getJson(`${root}/namespaces/${name}/tables`)) as {
      identifiers?: Array<{ name: string }>;
    };
    const table = tables.identifiers?.[0];
    if (!table) continue;
    const loaded = (await getJson(
      `${root}/namespaces/${name}/tables/${encodeURIComponent(table.name)}`,
    )) as { 'metadata-location'?: string };
    return `listed ${namespaces.length} namespaces, loaded table ${parts.join('.')}.${table.name} (${loaded['metadata-location'] ?? 'no metadata location'})`;
  }
  return `listed ${namespaces.length} namespaces (no table to load yet)`;
}

async function verifyTrino(values: LakehouseValues, version: string): Promise<string> {
  const baseUrl = `http://127.0.0.1:${values.trino.coordinator.port}`;
  const info = (await getJson(`${baseUrl}/v1/info`)) as TrinoInfo;
  if (info.nodeVersion.version !== version) {
    throw new Error(`/v1/info reports version ${info.nodeVersion.version}, expected ${version}`);
  }
  if (!values.icebergCatalog.enabled) return `/v1/info reports ${version}`;
  const client = new TrinoClient({ baseUrl, requestTimeoutMs: 30_000, source: 'lakehouse-verify' });
  // A worker restarted after the coordinator rejoins a few seconds later; that is no failure.
  const r = await queryWhileWorkersSettle(client, 'SHOW SCHEMAS FROM iceberg', 60_000);
  const said = `/v1/info reports ${version}; SHOW SCHEMAS FROM iceberg: ${r.rows.length} schemas`;
  // Reading a table proves the workers reach the warehouse with the current credentials.
  const first = await queryWhileWorkersSettle(
    client,
    "SELECT table_schema, table_name FROM iceberg.information_schema.tables WHERE table_schema NOT IN ('information_schema', 'system') AND table_type = 'BASE TABLE' ORDER BY 1, 2 LIMIT 1",
  );
  const [schema, table] = (first.rows[0] ?? []) as [string?, string?];
  if (schema === undefined || table === undefined) return `${said} (no table to read yet)`;
  const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
  const count = await queryWhileWorkersSettle(
    client,
    `SELECT count(*) FROM iceberg.${quote(schema)}.${quote(table)}`,
    60_000,
  );
  return `${said}; read iceberg.${schema}.${table}: ${String(count.rows[0]?.[0])} rows`;
}

async function verifyAirflow(values: LakehouseValues): Promise<string> {
  const body = (await getJson(`http://127.0.0.1:${values.airflow.port}/api/v2/monitor/health`)) as {
    metadatabase?: { status?: string };
  };
  if (body.metadatabase?.status !== 'healthy') {
    throw new Error(
      `Airflow health reports metadatabase ${body.metadatabase?.status ?? 'unknown'}`,
    );
  }
  return 'Airflow API health: metadatabase healthy';
}

/** Runs the component's verification; never throws: a failure is `{ ok: false, detail }`. */
export async function verifyComponent(
  component: Component,
  values: LakehouseValues,
  secrets: PlatformSecrets,
  version: string,
): Promise<Verification> {
  try {
    const detail = await (async () => {
      switch (component) {
        case 'observability':
          return verifyObservability(values);
        case 'minio':
          return verifyMinio(values, secrets);
        case 'iceberg-catalog':
          return verifyCatalog(values);
        case 'trino':
          return verifyTrino(values, version);
        case 'airflow':
          return verifyAirflow(values);
      }
    })();
    return { ok: true, detail };
  } catch (err) {
    return { ok: false, detail: `verification failed: ${(err as Error).message}` };
  }
}
