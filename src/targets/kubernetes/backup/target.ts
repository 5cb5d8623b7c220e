import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { stringify } from 'yaml';
import { UserError, type Progress } from '../../../lib/index.js';
import { hashFile } from '../../../ops/backup/index.js';
import type {
  BackupTarget,
  ObjectCopy,
  OnTransfer,
  PlatformIdentity,
  TableCheck,
} from '../../../ops/backup/index.js';
import { isEnabled, type Component } from '../../../ops/index.js';
import {
  countTableRows,
  emptyBucket,
  exportBucket,
  importBucket,
  loadAllTables,
  measureBucket,
  platformIdentity,
  s3LocationExists,
  tablesInSnapshot,
} from '../../../platform/backup/index.js';
import { localMinioClient } from '../../../platform/minio/index.js';
import {
  errorText,
  execInPod,
  portForward,
  releaseRollouts,
  statusOf,
  type PortForward,
  type StreamTarget,
} from '../cluster/index.js';
import type { KubernetesReleaseTarget } from '../releases/index.js';
import { exportSecrets, parseSecrets, restoreSecrets } from './secrets.js';

export interface KubernetesBackupTargetOptions {
  releases: KubernetesReleaseTarget;
  kubectl: string;
}

/** The chart's names (platform/<component>/templates): fixed, whatever the env. */
const CATALOG_WORKLOAD = 'deploy/iceberg-catalog';
const CATALOG_CONTAINER = 'iceberg-catalog';
const CATALOG_AUTH_SECRET = 'iceberg-catalog-auth';
const MINIO_SECRET = 'minio-credentials';
/** The catalog image's CLI, relative to its working directory (platform/iceberg-catalog/Dockerfile). */
const CATALOG_CLI = ['node', 'dist/cli/main.js', 'catalog'];
/** Restarted after a restore, in the runbook's order: they hold the restored Secrets. */
const HOLDERS: Component[] = ['iceberg-catalog', 'trino', 'airflow', 'observability'];

const VALUES_FILE = 'values.yaml';
const RELEASES_FILE = 'releases.json';

const EXEC_TIMEOUT_MS = 15 * 60_000;

/**
 * Backup and restore on a Kubernetes cluster, through what an operator with the kubeconfig
 * reaches: the API for the Secrets and the release records, `kubectl exec` into the catalog's
 * pod for its database (the pod knows its database, SQLite on its volume or PostgreSQL: `lakehouse
 * catalog snapshot`/`load` run there), and `kubectl port-forward` to MinIO's S3 API for the
 * objects. A restore goes into a deployed platform in place (after `lakehouse bootstrap` on a new
 * cluster, the runbook's full restore): Secrets and objects first, MinIO restarted on the
 * restored credentials, then the catalog's rows replaced and every holder of a Secret restarted in
 * the runbook's order behind the same health gate as an upgrade.
 */
export class KubernetesBackupTarget implements BackupTarget {
  private minio: { forward: PortForward; s3: S3Client } | undefined;
  private pendingCatalog: string | undefined;

  constructor(private readonly opts: KubernetesBackupTargetOptions) {}

  private get releases(): KubernetesReleaseTarget {
    return this.opts.releases;
  }

  private get values() {
    return this.releases.opts.envValues;
  }

  private get namespace(): string {
    return this.releases.namespace;
  }

  private get streams(): StreamTarget {
    return {
      kubectl: this.opts.kubectl,
      kubectlArgs: this.releases.opts.connection.kubectlArgs,
      namespace: this.namespace,
    };
  }

  private async secretValue(name: string, key: string): Promise<string> {
    try {
      const s = await this.releases.opts.connection.core.readNamespacedSecret({
        name,
        namespace: this.namespace,
      });
      const v = s.data?.[key];
      if (v === undefined) throw new Error(`has no key ${key}`);
      return Buffer.from(v, 'base64').toString('utf8');
    } catch (err) {
      throw new UserError(
        `cannot read Secret ${name} in namespace ${this.namespace}: ${statusOf(err) === undefined ? (err as Error).message : errorText(err)}`,
        'is the platform deployed? `lakehouse status --env <env>`',
      );
    }
  }

  private async s3(): Promise<S3Client> {
    if (this.minio) return this.minio.s3;
    const key = {
      rootUser: await this.secretValue(MINIO_SECRET, 'root-user'),
      rootPassword: await this.secretValue(MINIO_SECRET, 'root-password'),
    };
    const forward = await portForward(this.streams, 'minio', this.values.minio.ports.api);
    const s3 = localMinioClient(forward.port, key, { maxAttempts: 5 });
    this.minio = { forward, s3 };
    return s3;
  }

  /** Drops the port-forward and client: MinIO restarted, or its credentials changed. */
  private async dropMinio(): Promise<void> {
    const m = this.minio;
    this.minio = undefined;
    if (!m) return;
    m.s3.destroy();
    await m.forward.close();
  }

  private async withForward<T>(
    service: string,
    port: number,
    work: (base: string) => Promise<T>,
  ): Promise<T> {
    const forward = await portForward(this.streams, service, port);
    try {
      return await work(`http://127.0.0.1:${forward.port}`);
    } finally {
      await forward.close();
    }
  }

  identity(): Promise<PlatformIdentity> {
    return platformIdentity(this.releases.opts.env, 'kubernetes', this.values);
  }

  /** Nothing stands in the way: restore replaces the data of the deployed platform in place. */
  async running(): Promise<string[]> {
    const c = this.releases.opts.connection;
    try {
      await c.core.readNamespace({ name: this.namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw new Error(`cannot read namespace: ${errorText(err)}`);
      throw this.notDeployed(`namespace ${this.namespace} does not exist`);
    }
    for (const component of ['minio', 'iceberg-catalog'] as const) {
      if ((await releaseRollouts(c, this.namespace, component)).length === 0) {
        throw this.notDeployed(`${component} is not deployed in namespace ${this.namespace}`);
      }
    }
    return [];
  }

  private notDeployed(why: string): UserError {
    return new UserError(
      `${why}: a restore on Kubernetes goes into a deployed platform`,
      `deploy it first (a new cluster: the runbook's full restore): lakehouse bootstrap ${this.releases.opts.env}, then lakehouse restore again`,
    );
  }

  /** True when MinIO answers; what stands in the way otherwise, said here with its fix. */
  async storageReachable(): Promise<boolean> {
    let detail: string;
    try {
      await this.s3();
      const base = `http://127.0.0.1:${this.minio?.forward.port ?? 0}`;
      const res = await fetch(`${base}/minio/health/live`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return true;
      detail = `/minio/health/live answered ${res.status}`;
    } catch (err) {
      detail = (err as Error).message;
    }
    await this.dropMinio();
    throw new UserError(
      `MinIO of environment "${this.releases.opts.env}" cannot be reached through a port-forward to svc/minio in namespace ${this.namespace}: ${detail}`,
      `a backup reads every object through it: check it runs (lakehouse status --env ${this.releases.opts.env}; lakehouse diagnose --env ${this.releases.opts.env})`,
    );
  }

  async snapshotCatalog(toFile: string): Promise<{ format: 'sqlite' }> {
    const { stderr } = await execInPod(this.streams, {
      workload: CATALOG_WORKLOAD,
      container: CATALOG_CONTAINER,
      command: [...CATALOG_CLI, 'snapshot', '--to', '-'],
      stdoutFile: toFile,
      timeoutMs: EXEC_TIMEOUT_MS,
    });
    // The pod's count and hash of what it sent, against what arrived.
    const sent = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as {
      bytes?: number;
      sha256?: string;
    };
    const got = await hashFile(toFile);
    if (sent.bytes !== got.size || sent.sha256 !== got.sha256) {
      throw new Error(
        `the catalog snapshot arrived damaged: the pod sent ${String(sent.bytes)} bytes (sha256 ${String(sent.sha256)}), ${got.size} arrived (sha256 ${got.sha256})`,
      );
    }
    return { format: 'sqlite' };
  }

  snapshotWorkflows(): Promise<true | string> {
    return Promise.resolve(
      "Airflow's database is the cluster's PostgreSQL and is not in this backup (DAGs come from git; back up its runs with pg_dump in the postgresql pod if they matter)",
    );
  }

  tablesInSnapshot(snapshotFile: string): Promise<TableCheck[]> {
    return tablesInSnapshot(snapshotFile);
  }

  async measureObjects(): Promise<{ count: number; bytes: number }> {
    return measureBucket(await this.s3(), this.values.minio.bucket);
  }

  async exportObjects(toDir: string, onProgress: OnTransfer): Promise<ObjectCopy[]> {
    return exportBucket(await this.s3(), this.values.minio.bucket, toDir, onProgress);
  }

  async exportConfig(toDir: string): Promise<string[]> {
    const env = this.releases.opts.env;
    const header = [
      `# The values in effect when this backup was taken: environment "${env}" (env/${env}/helm-values.yaml),`,
      '# every default filled in. For reference: the cluster runs what git says; the bucket,',
      '# warehouse and catalog database kind of a restore must match these.',
      '',
    ].join('\n');
    await writeFile(join(toDir, VALUES_FILE), `${header}${stringify(this.values)}`, {
      mode: 0o600,
    });
    // For reference too: a restore in place keeps the release history of what is deployed.
    const histories = await this.releases.store.allHistories();
    await writeFile(join(toDir, RELEASES_FILE), `${JSON.stringify(histories, null, 2)}\n`, {
      mode: 0o600,
    });
    return [VALUES_FILE, RELEASES_FILE];
  }

  readSecrets(): Promise<Buffer> {
    return exportSecrets(this.releases.opts.connection, this.namespace);
  }

  async existingData(): Promise<string[]> {
    const out: string[] = [];
    const { count } = await measureBucket(await this.s3(), this.values.minio.bucket);
    if (count > 0) out.push(`object storage data (${count} objects)`);
    const tables = await this.catalogTables();
    if (tables.length > 0) out.push(`catalog database (${tables.length} tables)`);
    return out;
  }

  async clearData(): Promise<void> {
    // The catalog's rows are replaced as a whole when the snapshot is loaded; the bucket is
    // emptied here, so no object of the platform being replaced outlives the restore.
    await emptyBucket(await this.s3(), this.values.minio.bucket);
  }

  async restoreSecrets(content: Buffer): Promise<void> {
    const list = parseSecrets(content);
    await restoreSecrets(this.releases.opts.connection, this.namespace, list);
    // MinIO still runs on the credentials it started with until startStorage restarts it.
    await this.dropMinio();
  }

  restoreConfig(): Promise<string[]> {
    // The deployed releases stay what git and helm say; the backup's values and history are
    // kept in it for reference only.
    return Promise.resolve([]);
  }

  restoreCatalog(fromFile: string): Promise<void> {
    // Loaded into the running catalog by startAll, once the objects its tables need are back.
    this.pendingCatalog = fromFile;
    return Promise.resolve();
  }

  restoreWorkflows(): Promise<void> {
    return Promise.reject(
      new UserError(
        'this backup holds a SQLite Airflow database (a local backup); Airflow on Kubernetes keeps its database in PostgreSQL',
        'restore a backup taken from a Kubernetes environment',
      ),
    );
  }

  private async restart(component: Component, progress: Progress): Promise<void> {
    const step = progress.step(`Restart ${component} on the restored Secrets`);
    await this.releases.restartWorkloads(component);
    // The patch is seen by the controllers a moment later; the gate must not pass on the old pods.
    await new Promise((r) => setTimeout(r, 2_000));
    try {
      await this.releases.waitHealthy(component, this.releases.healthTimeoutMs(component), (d) =>
        step.update(d),
      );
      const verified = await this.releases.verify(component, this.releases.desired(component));
      if (!verified.ok) throw new Error(verified.detail);
      step.done(verified.detail);
    } catch (err) {
      step.fail((err as Error).message);
      throw new UserError(
        `${component} did not come back healthy after the restore: ${(err as Error).message}`,
        `lakehouse diagnose --env ${this.releases.opts.env}; the data is restored, run \`lakehouse restore\` again once ${component} is healthy to check it`,
      );
    }
  }

  async startStorage(progress: Progress): Promise<void> {
    await this.dropMinio();
    await this.restart('minio', progress);
  }

  async importObjects(
    fromDir: string,
    objects: readonly ObjectCopy[],
    onProgress: OnTransfer,
  ): Promise<void> {
    await importBucket(await this.s3(), this.values.minio.bucket, fromDir, objects, onProgress);
  }

  async startAll(progress: Progress): Promise<void> {
    const file = this.pendingCatalog;
    if (file !== undefined) {
      const step = progress.step("Load the catalog's rows into its database");
      const { size, sha256 } = await hashFile(file);
      const { stdout } = await execInPod(this.streams, {
        workload: CATALOG_WORKLOAD,
        container: CATALOG_CONTAINER,
        command: [
          ...CATALOG_CLI,
          'load',
          '--from',
          '-',
          '--bytes',
          String(size),
          '--sha256',
          sha256,
        ],
        stdinFile: file,
        timeoutMs: EXEC_TIMEOUT_MS,
      });
      step.done(stdout.trim().replace(/^✔ /, ''));
    }
    for (const component of HOLDERS) {
      if (!isEnabled(component, this.values)) continue;
      if (
        (await releaseRollouts(this.releases.opts.connection, this.namespace, component)).length ===
        0
      )
        continue;
      await this.restart(component, progress);
    }
  }

  private async catalogTables(): Promise<TableCheck[]> {
    const token = await this.secretValue(CATALOG_AUTH_SECRET, 'token');
    return this.withForward('iceberg-catalog', this.values.icebergCatalog.port, (base) =>
      loadAllTables(base, token),
    );
  }

  listTables(): Promise<TableCheck[]> {
    return this.catalogTables();
  }

  async countRows(table: TableCheck): Promise<number | undefined> {
    // kwok's pods (verify: rollout) serve no traffic.
    if (!this.values.trino.enabled || this.values.global.verify === 'rollout') return undefined;
    return this.withForward('trino', this.values.trino.coordinator.port, (base) =>
      countTableRows(base, table),
    );
  }

  async fileExists(location: string): Promise<boolean> {
    return (await s3LocationExists(await this.s3(), location)) ?? false;
  }

  async close(): Promise<void> {
    await this.dropMinio();
  }
}
