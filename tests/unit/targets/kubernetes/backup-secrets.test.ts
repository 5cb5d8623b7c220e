import { describe, expect, it } from 'vitest';
import { parseSecrets } from '../../../../src/targets/kubernetes/backup/index.js';

const secret = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'minio-credentials', labels: { 'app.kubernetes.io/part-of': 'lakehouse' } },
  type: 'Opaque',
  data: { 'root-user': Buffer.from('lakehouse').toString('base64') },
  ...over,
});
const list = (...items: unknown[]): Buffer =>
  Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

describe("a backup's Secrets, before any is written to the cluster", () => {
  it('accepts the List `lakehouse backup` writes', () => {
    const parsed = parseSecrets(
      list(secret(), secret({ metadata: { name: 'iceberg-catalog-auth' } })),
    );
    expect(parsed.items.map((s) => s.metadata.name)).toEqual([
      'minio-credentials',
      'iceberg-catalog-auth',
    ]);
  });

  it.each([
    ['another kind', secret({ kind: 'ClusterRoleBinding' }), /items\.0\.kind/],
    [
      'a service-account token',
      secret({ type: 'kubernetes.io/service-account-token' }),
      /items\.0\.type/,
    ],
    [
      'a name with a path',
      secret({ metadata: { name: '../kube-system/x' } }),
      /items\.0\.metadata\.name/,
    ],
    ['an upper-case name', secret({ metadata: { name: 'Minio' } }), /items\.0\.metadata\.name/],
    ['a value that is not base64', secret({ data: { k: 'not base64!' } }), /items\.0\.data/],
    ['a key with a slash', secret({ data: { 'a/b': 'eA==' } }), /items\.0\.data/],
    ['another namespace', secret({ metadata: { name: 'x', namespace: 'kube-system' } }), null],
  ])('refuses %s', (_what, item, path) => {
    if (path === null) {
      // A namespace in the backup is dropped: restore writes into the env's namespace only.
      const parsed = parseSecrets(list(item));
      expect(parsed.items[0]?.metadata).toEqual({ name: 'x' });
      return;
    }
    expect(() => parseSecrets(list(item))).toThrow(path);
  });

  it('refuses what is not a List, or not JSON (a local backup’s credentials file)', () => {
    expect(() => parseSecrets(Buffer.from('{"kind":"Secret"}'))).toThrow(
      /not a List of Opaque Secrets/,
    );
    expect(() => parseSecrets(Buffer.from('minio:\n  rootUser: x'))).toThrow(
      /not the JSON List `lakehouse backup` writes on Kubernetes/,
    );
  });
});
