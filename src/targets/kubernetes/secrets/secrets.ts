/**
 * Credential rotation on a Kubernetes cluster. The charts generate each credential set once as a
 * Secret (helm `lookup` keeps it across upgrades, never in values), and every holder reads it
 * through secretKeyRef at start: new credentials are new Secret data, taken up by the holders'
 * restarts (the release target's deploy). Argo CD's Applications ignore these Secrets' /data, so
 * it does not put the previous data back.
 *
 * Secret values move only between the API server and the Secret (and, for the owner's check of
 * the previous credentials, to the owner through the API server's service proxy): nothing here
 * prints or logs one.
 */
import { BatchV1Api, type V1Container, type V1Job, type V1Secret } from '@kubernetes/client-node';
import type {
  CredentialSet,
  ObservedRotation,
  RotatedCredentials,
  RotationJournal,
  SecretsTarget,
  Verification,
} from '../../../ops/index.js';
import { UserError } from '../../../lib/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { errorText, instanceSelector, statusOf, type ClusterConnection } from '../cluster/index.js';
import type { ReleaseStore } from '../releases/index.js';
import {
  AIRFLOW_ADMIN_USER,
  AIRFLOW_KEYS,
  AIRFLOW_SECRET,
  decode,
  MINIO_KEYS,
  MINIO_SECRET,
  missingKeys,
  restoredAirflowData,
  retiredAirflowData,
  rotatedAirflowData,
  rotatedMinioData,
  type SecretData,
} from './credentials.js';
import {
  parseJournal,
  ROTATION_KEY,
  runnerAlive,
  serializeJournal,
  thisRunner,
} from './journal.js';
import { proxyRequest, type ProxyResponse } from './proxy.js';
import { presignedQuery } from './sigv4.js';

export interface KubernetesSecretsOptions {
  connection: ClusterConnection;
  /** The platform's namespace, where the charts keep their Secrets. */
  namespace: string;
  /** Where the rotation journal is kept (ConfigMap lakehouse-releases, key `rotation`). */
  store: ReleaseStore;
  /** The environment's values: the owners' ports. */
  values: LakehouseValues;
  /**
   * `traffic`: the owner is asked through the API server's service proxy whether it refuses the
   * previous credentials; `rollout`: pods run no containers (kwok), so nobody can be asked.
   */
  verify: 'traffic' | 'rollout';
  /** How long Airflow's database re-encryption Job may take; default 10 minutes. */
  reencryptTimeoutMs?: number;
}

/** Each set's Secret, the keys it must hold, and the component whose chart makes it. */
const SECRETS: Record<CredentialSet, { name: string; keys: readonly string[]; chart: string }> = {
  minio: { name: MINIO_SECRET, keys: Object.values(MINIO_KEYS), chart: 'minio' },
  airflow: {
    name: AIRFLOW_SECRET,
    keys: [
      AIRFLOW_KEYS.fernet,
      AIRFLOW_KEYS.apiSecret,
      AIRFLOW_KEYS.jwtSecret,
      AIRFLOW_KEYS.adminPassword,
    ],
    chart: 'airflow',
  },
};

/** The S3 API's error code in an XML error body (`<Code>InvalidAccessKeyId</Code>`). */
const s3ErrorCode = (body: string): string | undefined => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];

const POLL_MS = 2_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class KubernetesSecrets implements SecretsTarget {
  constructor(readonly opts: KubernetesSecretsOptions) {}

  private get c(): ClusterConnection {
    return this.opts.connection;
  }

  private get namespace(): string {
    return this.opts.namespace;
  }

  async readSecret(set: CredentialSet): Promise<V1Secret> {
    const { name, chart } = SECRETS[set];
    try {
      return await this.c.core.readNamespacedSecret({ name, namespace: this.namespace });
    } catch (err) {
      if (statusOf(err) === 404) {
        throw new UserError(
          `Secret ${name} does not exist in namespace ${this.namespace}: there are no credentials to rotate`,
          `install ${chart} first (\`lakehouse up\`): its chart generates the Secret`,
        );
      }
      throw new Error(`cannot read Secret ${name}: ${errorText(err)}`);
    }
  }

  /**
   * Replaces the Secret's data, with the resourceVersion it was read at: a concurrent writer
   * makes this fail (409) instead of one of the two writes being lost.
   */
  private async replaceData(secret: V1Secret, data: SecretData): Promise<void> {
    const name = secret.metadata?.name ?? '';
    try {
      await this.c.core.replaceNamespacedSecret({
        name,
        namespace: this.namespace,
        body: { ...secret, data, stringData: undefined },
      });
    } catch (err) {
      if (statusOf(err) === 409) {
        throw new Error(
          `Secret ${name} changed while it was being rotated (another writer): it was left as that writer made it; rotate again`,
        );
      }
      throw new Error(`cannot write Secret ${name}: ${errorText(err)}`);
    }
  }

  async rotateCredentials(set: CredentialSet): Promise<RotatedCredentials> {
    const { name, keys } = SECRETS[set];
    const secret = await this.readSecret(set);
    const previous: SecretData = { ...(secret.data ?? {}) };
    const missing = missingKeys(previous, keys);
    if (missing.length > 0) {
      throw new UserError(
        `Secret ${name} lacks ${missing.join(', ')}: it is not the chart's Secret`,
        `delete it and run \`lakehouse up\` so the chart generates it (data encrypted with its values needs them: check first)`,
      );
    }
    const next = set === 'minio' ? rotatedMinioData(previous) : rotatedAirflowData(previous);
    await this.replaceData(secret, next);
    const restoreData = set === 'minio' ? previous : restoredAirflowData(previous, next);
    return {
      restore: async () => this.replaceData(await this.readSecret(set), restoreData),
      previousRefused: () =>
        set === 'minio' ? this.minioRefuses(previous, next) : this.airflowRefuses(previous, next),
      ...(set === 'airflow'
        ? {
            retirePrevious: async () => {
              const job = await this.reencryptAirflowDatabase();
              const current = await this.readSecret(set);
              await this.replaceData(current, retiredAirflowData(current.data ?? {}));
              return `database re-encrypted with the new fernet key (Job ${job}); the previous key dropped`;
            },
          }
        : {}),
    };
  }

  async unfinishedRotation(): Promise<ObservedRotation | null> {
    const text = await this.opts.store.getKey(ROTATION_KEY);
    if (text === undefined) return null;
    return parseJournal(
      text,
      `key ${ROTATION_KEY} of ConfigMap lakehouse-releases in ${this.namespace}`,
      (runner) => runnerAlive(runner),
    );
  }

  async journalRotation(journal: RotationJournal | null): Promise<void> {
    await this.opts.store.setKey(
      ROTATION_KEY,
      journal === null ? null : serializeJournal(journal, thisRunner()),
    );
  }

  private notChecked(owner: string): Verification {
    return {
      ok: true,
      detail: `not checked: global.verify is rollout (pods that run no containers cannot be asked whether ${owner} refuses the previous credentials)`,
    };
  }

  /**
   * Asks MinIO, through the API server's service proxy, to list buckets with the new and with the
   * previous root credentials. The proxy drops the Authorization header, so the requests are
   * presigned (SigV4 in the query), for the Host the proxy passes on: the API server's. The new
   * credentials must be accepted first: that proves the signing reaches MinIO intact, so a 403 for
   * the previous ones is MinIO's refusal, not a broken signature.
   */
  async minioRefuses(previous: SecretData, next: SecretData): Promise<Verification> {
    if (this.opts.verify === 'rollout') return this.notChecked('MinIO');
    const ask = (data: SecretData): Promise<ProxyResponse> =>
      proxyRequest(this.c, this.namespace, {
        method: 'GET',
        service: `minio:${this.opts.values.minio.ports.api}`,
        path: '',
        query: presignedQuery({
          method: 'GET',
          host: new URL(this.c.server).host,
          path: '/',
          region: 'us-east-1',
          accessKeyId: decode(data[MINIO_KEYS.user] ?? ''),
          secretAccessKey: decode(data[MINIO_KEYS.password] ?? ''),
          date: new Date(),
          expiresSeconds: 60,
        }),
      });
    let fresh: ProxyResponse;
    let stale: ProxyResponse;
    try {
      fresh = await ask(next);
      stale = await ask(previous);
    } catch (err) {
      return { ok: false, detail: `cannot reach MinIO through the API server: ${errorText(err)}` };
    }
    if (fresh.status !== 200) {
      const code = s3ErrorCode(fresh.body);
      return {
        ok: false,
        detail: code
          ? `MinIO does not accept the new root credentials either (${fresh.status} ${code}), so its answer to the previous ones proves nothing`
          : `MinIO could not be asked through the API server's proxy (${fresh.status}): ${fresh.body.slice(0, 200)}`,
      };
    }
    if (stale.status === 200)
      return { ok: false, detail: 'MinIO still accepts the previous access key' };
    const code = s3ErrorCode(stale.body);
    if (stale.status === 403 && code) {
      return {
        ok: true,
        detail: `MinIO accepts the new root credentials and refuses the previous access key (${code})`,
      };
    }
    return {
      ok: false,
      detail: `asking MinIO with the previous access key failed otherwise (${stale.status}): ${stale.body.slice(0, 200)}`,
    };
  }

  /** Signs in to Airflow's API server (POST /auth/token) with the new and the previous admin password. */
  async airflowRefuses(previous: SecretData, next: SecretData): Promise<Verification> {
    if (this.opts.verify === 'rollout') return this.notChecked('Airflow');
    const login = (data: SecretData): Promise<ProxyResponse> =>
      proxyRequest(this.c, this.namespace, {
        method: 'POST',
        service: `airflow-webserver:${this.opts.values.airflow.port}`,
        path: 'auth/token',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: AIRFLOW_ADMIN_USER,
          password: decode(data[AIRFLOW_KEYS.adminPassword] ?? ''),
        }),
      });
    let fresh: ProxyResponse;
    let stale: ProxyResponse;
    try {
      fresh = await login(next);
      stale = await login(previous);
    } catch (err) {
      return {
        ok: false,
        detail: `cannot reach Airflow through the API server: ${errorText(err)}`,
      };
    }
    if (fresh.status !== 200 && fresh.status !== 201) {
      return {
        ok: false,
        detail: `admin cannot sign in with the new password (${fresh.status}): ${fresh.body.slice(0, 200)}`,
      };
    }
    if (stale.status === 200 || stale.status === 201) {
      return { ok: false, detail: 'Airflow still accepts the previous admin password' };
    }
    if (stale.status === 401) {
      return {
        ok: true,
        detail: 'admin signs in with the new password; the previous one is refused (401)',
      };
    }
    return {
      ok: false,
      detail: `signing in with the previous password failed otherwise (${stale.status}): ${stale.body.slice(0, 200)}`,
    };
  }

  /**
   * `airflow rotate-fernet-key` in a Job made from an Airflow Deployment's pod (same image,
   * environment, database and Secret references; the fernet keys now `new,old`): re-encrypts the
   * database's connections and variables with the new key before the old one is dropped. Waits for
   * it and returns its name; throws with the reason when it fails.
   */
  async reencryptAirflowDatabase(): Promise<string> {
    const deployments = await this.c.apps.listNamespacedDeployment({
      namespace: this.namespace,
      labelSelector: instanceSelector('airflow'),
    });
    const holdsKey = (container: V1Container): boolean =>
      (container.env ?? []).some((e) => e.name === 'AIRFLOW__CORE__FERNET_KEY');
    // The scheduler first: its pod is the one that runs Airflow's CLI (tasks) anyway.
    const source = [...deployments.items]
      .sort(
        (a, b) =>
          Number(b.metadata?.name === 'airflow-scheduler') -
          Number(a.metadata?.name === 'airflow-scheduler'),
      )
      .find((d) => (d.spec?.template.spec?.containers ?? []).some(holdsKey));
    const pod = source?.spec?.template.spec;
    const container = pod?.containers.find(holdsKey);
    if (!source || !pod || !container) {
      throw new Error(
        `no Airflow Deployment in ${this.namespace} runs with the fernet key: cannot re-encrypt the database, so the previous key stays`,
      );
    }
    const name = `airflow-rotate-fernet-key-${Date.now().toString(36)}`;
    const labels = {
      // Admitted to PostgreSQL by its NetworkPolicy (app in [iceberg-catalog, airflow]); not
      // app.kubernetes.io/instance, so no Service or release rollout counts the Job's pod.
      app: 'airflow',
      'app.kubernetes.io/name': 'airflow',
      'app.kubernetes.io/component': 'rotate-fernet-key',
      'app.kubernetes.io/part-of': 'lakehouse',
      'app.kubernetes.io/managed-by': 'lakehouse',
    };
    const job: V1Job = {
      metadata: { name, namespace: this.namespace, labels },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: Math.round((this.opts.reencryptTimeoutMs ?? 600_000) / 1000),
        // Kept a day for `kubectl describe`, then removed.
        ttlSecondsAfterFinished: 86_400,
        template: {
          metadata: { labels },
          spec: {
            ...pod,
            // No init containers or sidecars (git-sync): the CLI needs only the database.
            initContainers: undefined,
            topologySpreadConstraints: undefined,
            restartPolicy: 'Never',
            terminationGracePeriodSeconds: 30,
            containers: [
              {
                ...container,
                name: 'rotate-fernet-key',
                args: ['airflow', 'rotate-fernet-key'],
                ports: undefined,
                startupProbe: undefined,
                readinessProbe: undefined,
                livenessProbe: undefined,
              },
            ],
          },
        },
      },
    };
    const batch = this.c.kubeConfig.makeApiClient(BatchV1Api);
    try {
      await batch.createNamespacedJob({ namespace: this.namespace, body: job });
    } catch (err) {
      throw new Error(`cannot create the re-encryption Job ${name}: ${errorText(err)}`);
    }
    const deadline = Date.now() + (this.opts.reencryptTimeoutMs ?? 600_000) + 30_000;
    for (;;) {
      const status = (await batch.readNamespacedJobStatus({ name, namespace: this.namespace }))
        .status;
      if ((status?.succeeded ?? 0) > 0) return name;
      const failed = status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) {
        throw new Error(
          `Job ${name} (airflow rotate-fernet-key) failed: ${failed.reason ?? ''} ${failed.message ?? ''}; the previous key stays (\`kubectl logs -n ${this.namespace} job/${name}\`)`.replace(
            /\s+/g,
            ' ',
          ),
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Job ${name} (airflow rotate-fernet-key) did not finish in time; the previous key stays (\`kubectl describe -n ${this.namespace} job/${name}\`)`,
        );
      }
      await sleep(POLL_MS);
    }
  }
}
