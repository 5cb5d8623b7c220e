// `lakehouse backup` and `lakehouse restore` against a Kubernetes environment, run as a user runs
// them (the CLI, --kubeconfig), on a real control plane where kwok fakes the pods: the minio and
// iceberg-catalog charts installed with helm and env dev's values. What a fake pod cannot be is
// real processes on this machine, wired in with kwok's own port-forward and exec configuration:
// `kubectl port-forward svc/minio` reaches a real MinIO, `svc/iceberg-catalog` a real catalog
// server, and `kubectl exec deploy/iceberg-catalog` runs `node dist/cli/main.js catalog …` on
// this machine with the pod's LAKEHOUSE_CATALOG_DB pointing at that catalog's SQLite database.
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { loadValues, type LakehouseValues } from '../../../src/platform/config/index.js';
import { repoRoot } from '../../../src/platform/paths.js';
import { tablesInSnapshot } from '../../../src/platform/backup/index.js';
import {
  connectCluster,
  type ClusterConnection,
} from '../../../src/targets/kubernetes/cluster/index.js';
import { ensureMinio } from '../../../src/targets/local/install/index.js';
import { spawnCatalog, type CatalogProcess } from '../../support/catalog.js';
import { runCli, type CliRun } from '../../support/cli.js';
import { startMinio, type MinioServer } from '../../support/minio.js';
import {
  installCharts,
  persistentVolumes,
  startTestCluster,
  type TestCluster,
} from '../../support/kube-cluster.js';

const tools = inject('kubernetesTools');

let cluster: TestCluster;
let scratch: string;
let ns: string;
let overrides: string;
let connection: ClusterConnection;
let values: LakehouseValues;
let minio: MinioServer;
let catalog: CatalogProcess;
let token: string;
let backupDir: string;

const explain = (r: CliRun): string => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** `lakehouse <args> --env dev -f <this test's values> --kubeconfig <cluster>`. */
function lakehouse(args: string[]): Promise<CliRun> {
  return runCli([...args, '--env', 'dev', '-f', overrides, '--kubeconfig', cluster.kubeconfig], {
    env: { ...process.env, LAKEHOUSE_HOME: join(scratch, 'home') },
    timeoutMs: 300_000,
  });
}

async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await cluster.kubectl(args, { input, timeoutMs: 90_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stdout;
}

async function secret(name: string): Promise<V1Secret> {
  return connection.core.readNamespacedSecret({ name, namespace: ns });
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The catalog's REST API with the chart's bearer token. */
async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${catalog.url}/v1/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function createTable(namespace: string, name: string): Promise<void> {
  const r = await api('POST', `namespaces/${namespace}/tables`, {
    name,
    schema: {
      type: 'struct',
      'schema-id': 0,
      fields: [{ id: 1, name: 'id', type: 'long', required: true }],
    },
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

/** Every object of the bucket with the SHA-256 of its bytes. */
async function bucketContents(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await minio.listKeys(values.minio.bucket)) {
    const res = await minio.s3.send(
      new GetObjectCommand({ Bucket: values.minio.bucket, Key: key }),
    );
    out[key] = sha(Buffer.from(await res.Body!.transformToByteArray()));
  }
  return out;
}

async function restartedAt(deployment: string): Promise<string | undefined> {
  const d = await connection.apps.readNamespacedDeployment({ name: deployment, namespace: ns });
  return d.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'k8s-backup-'));
  cluster = await startTestCluster({
    tools,
    enableCrds: ['ClusterPortForward', 'ClusterExec'],
  });
  connection = connectCluster({ kubeconfig: cluster.kubeconfig });
  ns = await cluster.createNamespace('backup');
  await kubectl(['apply', '-f', '-'], persistentVolumes('backup', 4));
  overrides = join(scratch, 'test-values.yaml');
  await writeFile(overrides, stringify({ global: { namespace: ns, verify: 'rollout' } }));
  values = await loadValues({ env: 'dev', files: [overrides] });
  await installCharts(cluster, ns, ['minio', 'iceberg-catalog'], overrides);

  // The real MinIO behind svc/minio runs on the credentials the chart's Secret holds.
  minio = await startMinio({ binary: await ensureMinio() });
  await connection.core.patchNamespacedSecret(
    {
      name: 'minio-credentials',
      namespace: ns,
      body: {
        stringData: { 'root-user': minio.accessKeyId, 'root-password': minio.secretAccessKey },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await minio.createBucket(values.minio.bucket);

  // The real catalog behind svc/iceberg-catalog: the chart's token, the env's warehouse.
  const auth = await secret('iceberg-catalog-auth');
  token = Buffer.from(auth.data?.['token'] ?? '', 'base64').toString('utf8');
  const authFile = join(scratch, 'auth-tokens.yaml');
  await writeFile(authFile, Buffer.from(auth.data?.['auth-tokens.yaml'] ?? '', 'base64'), {
    mode: 0o600,
  });
  const db = `sqlite:${join(scratch, 'catalog-volume', 'catalog.db')}`;
  await mkdir(join(scratch, 'catalog-volume'));
  catalog = await spawnCatalog({
    db,
    warehouse: values.icebergCatalog.warehouse,
    s3: {
      endpoint: minio.endpoint,
      region: minio.region,
      accessKeyId: minio.accessKeyId,
      secretAccessKey: minio.secretAccessKey,
    },
    extraArgs: ['--auth-tokens', authFile],
    token,
  });

  // The catalog image's entry point, on this machine: `node dist/cli/main.js` in the exec's
  // working directory runs this checkout's CLI.
  const podRoot = join(scratch, 'pod');
  await mkdir(join(podRoot, 'dist', 'cli'), { recursive: true });
  await writeFile(
    join(podRoot, 'dist', 'cli', 'main.js'),
    `await import(${JSON.stringify(join(repoRoot, 'bin', 'lakehouse.js'))});\n`,
  );
  await writeFile(join(podRoot, 'package.json'), '{ "type": "module" }\n');
  const catalogPort = Number(new URL(catalog.url).port);
  await kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'ClusterPortForward',
          metadata: { name: `${ns}-services` },
          spec: {
            selector: { matchNamespaces: [ns] },
            forwards: [
              {
                ports: [values.minio.ports.api],
                target: { address: '127.0.0.1', port: Number(new URL(minio.endpoint).port) },
              },
              {
                ports: [values.icebergCatalog.port],
                target: { address: '127.0.0.1', port: catalogPort },
              },
            ],
          },
        },
        {
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'ClusterExec',
          metadata: { name: `${ns}-exec` },
          spec: {
            selector: { matchNamespaces: [ns] },
            execs: [
              {
                local: {
                  workDir: podRoot,
                  envs: [
                    { name: 'LAKEHOUSE_CATALOG_DB', value: db },
                    { name: 'LAKEHOUSE_HOME', value: join(scratch, 'pod-home') },
                  ],
                },
              },
            ],
          },
        },
      ],
    }),
  );

  // Data: two tables, and objects of several sizes beside their metadata.
  expect((await api('POST', 'namespaces', { namespace: ['sales'] })).status).toBe(200);
  await createTable('sales', 'orders');
  await createTable('sales', 'customers');
  for (const [key, size] of [
    ['lakehouse/sales/orders/data/part-0.parquet', 5 * 1024 * 1024 + 17],
    ['lakehouse/sales/orders/data/part-1.parquet', 1],
    ['raw/empty.csv', 0],
  ] as const) {
    await minio.s3.send(
      new PutObjectCommand({ Bucket: values.minio.bucket, Key: key, Body: randomBytes(size) }),
    );
  }
  backupDir = join(scratch, 'backups', 'one');
}, 600_000);

afterAll(async () => {
  await catalog?.stop();
  await minio?.stop();
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('backup and restore on Kubernetes', () => {
  let taken: Record<string, string>;
  let secretsAtBackup: Record<string, string>;

  it('backs up the Secrets, the catalog database through kubectl exec and every object through a port-forward', async () => {
    taken = await bucketContents();
    secretsAtBackup = Object.fromEntries(
      ['minio-credentials', 'iceberg-catalog-auth', 'postgresql-credentials'].map((n) => [n, '']),
    );
    for (const name of Object.keys(secretsAtBackup)) {
      secretsAtBackup[name] = sha(JSON.stringify((await secret(name)).data));
    }

    const r = await lakehouse(['backup', '--to', backupDir]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toMatch(/✔ Backup verified: \d+ files/);
    expect(r.stderr).toMatch(/Snapshot the catalog database: sqlite/);
    expect(r.stderr).toMatch(/none: Airflow's database is the cluster's PostgreSQL/);
    expect(r.stderr).toMatch(
      new RegExp(
        `Copy every object of bucket ${values.minio.bucket}: ${Object.keys(taken).length} objects`,
      ),
    );
    expect(r.stderr).toMatch(/Check the copy holds every file the catalog's tables need: 2 tables/);

    const manifest = JSON.parse(await readFile(join(backupDir, 'manifest.json'), 'utf8')) as {
      source: { target: string; env: string };
      contents: { objects: { count: number }; secrets: { path: string } };
      files: { path: string; sha256: string }[];
    };
    expect(manifest.source).toMatchObject({ target: 'kubernetes', env: 'dev' });
    expect(manifest.contents.objects.count).toBe(Object.keys(taken).length);
    // Every object's checksum is the bytes MinIO holds.
    for (const [key, digest] of Object.entries(taken)) {
      expect(manifest.files.find((f) => f.path === `objects/${key}`)?.sha256, key).toBe(digest);
    }
    // The catalog snapshot is the pod's database: both tables, with their metadata files.
    const tables = await tablesInSnapshot(join(backupDir, 'catalog', 'catalog.db'));
    expect(tables.map((t) => `${t.namespace.join('.')}.${t.name}`).sort()).toEqual([
      'sales.customers',
      'sales.orders',
    ]);
    // The Secrets as a `kubectl apply`-able List, mode 0600, no value printed.
    const secretsFile = join(backupDir, manifest.contents.secrets.path);
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const list = JSON.parse(await readFile(secretsFile, 'utf8')) as {
      kind: string;
      items: { metadata: { name: string }; data: Record<string, string> }[];
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((s) => s.metadata.name)).toEqual(
      expect.arrayContaining(Object.keys(secretsAtBackup)),
    );
    expect(r.stdout + r.stderr).not.toContain(minio.secretAccessKey);
    expect(r.stdout + r.stderr).not.toContain(token);
  });

  it('refuses to replace the data without --yes, and changes nothing', async () => {
    // What happens to a platform after its backup: a table dropped, one created, objects lost
    // and added, a Secret regenerated.
    expect((await api('DELETE', 'namespaces/sales/tables/customers')).status).toBe(204);
    await createTable('sales', 'after_backup');
    await minio.s3.send(
      new DeleteObjectCommand({
        Bucket: values.minio.bucket,
        Key: 'lakehouse/sales/orders/data/part-0.parquet',
      }),
    );
    await minio.s3.send(
      new PutObjectCommand({ Bucket: values.minio.bucket, Key: 'stray/new.bin', Body: 'x' }),
    );
    await connection.core.replaceNamespacedSecret({
      name: 'postgresql-credentials',
      namespace: ns,
      body: {
        ...(await secret('postgresql-credentials')),
        data: { 'airflow-password': Buffer.from('regenerated').toString('base64') },
      },
    });
    const before = await bucketContents();

    const r = await lakehouse(['restore', backupDir]);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(
      /already has data \(object storage data \(\d+ objects\), catalog database \(2 tables\)\)/,
    );
    expect(r.stderr).toMatch(/pass --yes/);
    expect(await bucketContents()).toEqual(before);
    expect(sha(JSON.stringify((await secret('postgresql-credentials')).data))).not.toBe(
      secretsAtBackup['postgresql-credentials'],
    );
  });

  it('restores in place: Secrets, every object, the catalog rows, then restarts the holders behind the gate', async () => {
    const restartedBefore = await restartedAt('iceberg-catalog');
    const r = await lakehouse(['restore', backupDir, '--yes']);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toMatch(/Restart minio on the restored Secrets/);
    expect(r.stderr).toMatch(
      /Load the catalog's rows into its database: .* 1 namespaces, 2 tables and views/,
    );
    expect(r.stderr).toMatch(/Restart iceberg-catalog on the restored Secrets/);
    expect(r.stdout).toMatch(/✔ Restored/);
    expect(r.stdout).toMatch(/sales\.orders/);
    expect(r.stdout).toMatch(/sales\.customers/);

    // The bucket is exactly what was backed up: the lost object back, the stray one gone.
    expect(await bucketContents()).toEqual(taken);
    // The Secrets hold the backed-up data again.
    for (const [name, digest] of Object.entries(secretsAtBackup)) {
      expect(sha(JSON.stringify((await secret(name)).data)), name).toBe(digest);
    }
    // The catalog serves the backed-up tables (read through the live server, no restart of it).
    const listed = (await (await api('GET', 'namespaces/sales/tables')).json()) as {
      identifiers: { name: string }[];
    };
    expect(listed.identifiers.map((i) => i.name).sort()).toEqual(['customers', 'orders']);
    expect((await api('GET', 'namespaces/sales/tables/customers')).status).toBe(200);
    // The catalog's workloads were restarted after the restore began.
    const restarted = await restartedAt('iceberg-catalog');
    expect(restarted).toBeDefined();
    expect(restarted).not.toBe(restartedBefore);
  });

  it('refuses a backup whose files were changed, before anything changes', async () => {
    const damaged = join(scratch, 'backups', 'damaged');
    await cp(backupDir, damaged, { recursive: true });
    const secretsFile = join(damaged, 'secrets', 'credentials.json');
    const text = await readFile(secretsFile, 'utf8');
    await writeFile(secretsFile, text.replace('"List"', '"List" '));
    const before = await bucketContents();
    const r = await lakehouse(['restore', damaged, '--yes']);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(/is damaged; nothing was changed/);
    expect(await bucketContents()).toEqual(before);
  });

  it('refuses to restore into an environment that is not deployed, naming bootstrap', async () => {
    const into = async (namespace: string): Promise<CliRun> => {
      const file = join(scratch, `${namespace}.yaml`);
      await writeFile(file, stringify({ global: { namespace, verify: 'rollout' } }));
      return runCli(
        [
          'restore',
          backupDir,
          '--yes',
          '--env',
          'dev',
          '-f',
          file,
          '--kubeconfig',
          cluster.kubeconfig,
        ],
        { env: { ...process.env, LAKEHOUSE_HOME: join(scratch, 'home') }, timeoutMs: 120_000 },
      );
    };
    const missing = await into('nowhere');
    expect(missing.code, explain(missing)).toBe(1);
    expect(missing.stderr).toMatch(
      /namespace nowhere does not exist: the environment is not deployed/,
    );
    expect(missing.stderr).toMatch(/lakehouse bootstrap/);

    const empty = await cluster.createNamespace('empty');
    const bare = await into(empty);
    expect(bare.code, explain(bare)).toBe(1);
    expect(bare.stderr).toMatch(
      new RegExp(
        `minio is not deployed in namespace ${empty}: a restore on Kubernetes goes into a deployed platform`,
      ),
    );
    expect(bare.stderr).toMatch(/lakehouse bootstrap dev, then lakehouse restore again/);
    const left = await connection.core.listNamespacedSecret({ namespace: empty });
    expect(left.items.filter((x) => x.type === 'Opaque')).toEqual([]);
  });
});
