import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { ClusterConnection } from '../cluster/index.js';

/** One request through the API server's service proxy. */
export interface ProxyRequest {
  method: 'GET' | 'POST';
  /** The Service and port as the proxy addresses them: `minio:9000`. */
  service: string;
  /** The path on the Service, without the leading slash. */
  path: string;
  /** Already encoded (`a=1&b=2`); the proxy passes it on unchanged. */
  query?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface ProxyResponse {
  status: number;
  body: string;
}

/** The URL of a path on a Service, through the API server's proxy. */
export function serviceProxyUrl(
  server: string,
  namespace: string,
  service: string,
  path: string,
  query?: string,
): URL {
  const base = server.replace(/\/+$/, '');
  const url = new URL(
    `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(service)}/proxy/${path}`,
  );
  if (query) url.search = query;
  return url;
}

/**
 * Sends a request to a Service through the API server (no port-forward, no cluster DNS), with the
 * kubeconfig's credentials for the API server, and returns the Service's answer whatever its
 * status. The API server drops the request's own Authorization header once it authenticated the
 * caller, so a Service that wants credentials must take them in the query or the body.
 */
export async function proxyRequest(
  c: ClusterConnection,
  namespace: string,
  req: ProxyRequest,
): Promise<ProxyResponse> {
  const url = serviceProxyUrl(c.server, namespace, req.service, req.path, req.query);
  const opts: RequestOptions = {
    method: req.method,
    headers: {
      ...(req.body !== undefined
        ? { 'content-length': Buffer.byteLength(req.body).toString() }
        : {}),
      ...req.headers,
    },
  };
  await c.kubeConfig.applyToHTTPSOptions(opts);
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const r = send(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    r.setTimeout(req.timeoutMs ?? 30_000, () =>
      r.destroy(new Error(`no answer from ${req.service} after ${req.timeoutMs ?? 30_000} ms`)),
    );
    r.on('error', reject);
    r.end(req.body);
  });
}
