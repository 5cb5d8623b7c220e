import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../support/kube-cluster.js';
import { connectCluster } from '../../../src/targets/kubernetes/cluster/index.js';
import { proxyRequest } from '../../../src/targets/kubernetes/secrets/proxy.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ tools: inject('kubernetesTools') });
}, 300_000);
afterAll(async () => cluster?.stop());

it('shows what the proxy forwards', async () => {
  const ip = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)!.address;
  let seen: unknown;
  const server = createServer((req, res) => {
    seen = { url: req.url, headers: req.headers, method: req.method };
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, ip, r));
  const port = (server.address() as { port: number }).port;
  const ns = await cluster.createNamespace('px');
  const input = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo', namespace: ns }, spec: { ports: [{ port: 9000, targetPort: port }] } },
    { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'echo', namespace: ns }, subsets: [{ addresses: [{ ip }], ports: [{ port }] }] },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'echo-1', namespace: ns, labels: { 'kubernetes.io/service-name': 'echo', 'endpointslice.kubernetes.io/managed-by': 'lakehouse-test' } }, addressType: 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [{ port, protocol: 'TCP', name: '' }] },
  ] });
  const r = await cluster.kubectl(['apply', '-f', '-'], { input });
  console.log(r.stdout, r.stderr);
  await new Promise((r) => setTimeout(r, 5000));
  console.log((await cluster.kubectl(['get', 'endpoints,endpointslices,svc', '-n', ns, '-o', 'yaml'])).stdout);
  const c = connectCluster({ kubeconfig: cluster.kubeconfig });
  const resp = await proxyRequest(c, ns, { method: 'GET', service: 'echo:9000', path: 'a/b%2Fc', query: 'X-Amz-Signature=abc&b=1%2F2', headers: { authorization: 'AWS4-HMAC-SHA256 foo', 'x-amz-date': '1' } });
  console.log(resp, JSON.stringify(seen, null, 1), cluster.server);
  const resp2 = await proxyRequest(c, ns, { method: 'POST', service: 'echo:9000', path: 'auth/token', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  console.log(resp2, JSON.stringify(seen, null, 1));
  server.close();
  expect(resp.status).toBe(200);
}, 120_000);
