import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../../src/targets/kubernetes/releases/diff.js';

/** A render as `helm template` prints it: documents with "# Source:" comments. */
function render(password: string, accessKey: string): string {
  return `---
# Source: minio/templates/secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: minio-credentials
  labels:
    app.kubernetes.io/instance: minio
type: Opaque
data:
  rootUser: ${Buffer.from(accessKey).toString('base64')}
  rootPassword: ${Buffer.from(password).toString('base64')}
stringData:
  config.env: |
    MINIO_ROOT_PASSWORD=${password}
---
# Source: minio/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: minio-config
data:
  bucket: warehouse
  password-file: /etc/minio/password
---
# Source: minio/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: minio
spec:
  ports:
    - name: api
      port: 9000
`;
}

const docs = (text: string): Record<string, unknown>[] =>
  parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);

describe('maskSecrets', () => {
  it("replaces every value of a Secret's data and stringData, keeping the keys", () => {
    const [secret] = docs(maskSecrets(render('s3cr3t-pass', 'admin')));
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'minio-credentials', labels: { 'app.kubernetes.io/instance': 'minio' } },
      type: 'Opaque',
      data: { rootUser: '(generated)', rootPassword: '(generated)' },
      stringData: { 'config.env': '(generated)' },
    });
  });

  it('prints no secret value, base64 or plain', () => {
    const out = maskSecrets(render('s3cr3t-pass', 'admin-user'));
    expect(out).not.toContain('s3cr3t-pass');
    expect(out).not.toContain(Buffer.from('s3cr3t-pass').toString('base64'));
    expect(out).not.toContain(Buffer.from('admin-user').toString('base64'));
  });

  it('leaves other kinds untouched, ConfigMap data included', () => {
    const [, configMap, service] = docs(maskSecrets(render('a', 'b')));
    expect(configMap).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'minio-config' },
      data: { bucket: 'warehouse', 'password-file': '/etc/minio/password' },
    });
    expect(service).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'minio' },
      spec: { ports: [{ name: 'api', port: 9000 }] },
    });
  });

  it('keeps every document, in order, separated by ---', () => {
    const out = maskSecrets(render('a', 'b'));
    expect(docs(out).map((d) => d['kind'])).toEqual(['Secret', 'ConfigMap', 'Service']);
    expect(out.split('\n').filter((l) => l === '---')).toHaveLength(2);
  });

  it('two renders with different generated credentials mask to the same text', () => {
    expect(maskSecrets(render('first-random', 'u1'))).toBe(
      maskSecrets(render('second-random', 'u2')),
    );
  });

  it('a real change elsewhere still shows', () => {
    const before = maskSecrets(render('x', 'y'));
    const after = maskSecrets(render('x', 'y').replace('port: 9000', 'port: 9100'));
    expect(after).not.toBe(before);
    expect(after).toContain('port: 9100');
  });

  it('a Secret with only stringData, or with no data at all, keeps its shape', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: { name: only-string }
stringData:
  token: abc
---
apiVersion: v1
kind: Secret
metadata: { name: empty }
type: kubernetes.io/service-account-token
`;
    const [onlyString, empty] = docs(maskSecrets(text));
    expect(onlyString).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'only-string' },
      stringData: { token: '(generated)' },
    });
    expect(empty).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'empty' },
      type: 'kubernetes.io/service-account-token',
    });
    expect(empty).not.toHaveProperty('data');
  });

  it('skips empty documents (a template that rendered nothing)', () => {
    const text = `---
# Source: trino/templates/pdb.yaml
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c }
---
`;
    const out = maskSecrets(text);
    expect(docs(out)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]);
    expect(out).not.toContain('---');
  });

  it('an empty manifest masks to an empty string', () => {
    expect(maskSecrets('')).toBe('');
  });
});
