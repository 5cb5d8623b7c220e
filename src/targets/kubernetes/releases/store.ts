import type { V1ConfigMap } from '@kubernetes/client-node';
import { COMPONENTS, isComponent, type Component, type Release } from '../../../ops/index.js';
import { errorText, statusOf, type ClusterConnection } from '../cluster/index.js';

/**
 * The platform's release records in the cluster, beside what they describe: one ConfigMap
 * (`lakehouse-releases`) in the platform's namespace, a key per component with its history as
 * JSON, plus `paused` (components paused without an Argo CD Application to pause). Any operator
 * with the kubeconfig sees the same history, as they see helm's.
 */
export const RELEASES_CONFIGMAP = 'lakehouse-releases';
const PAUSED_KEY = 'paused';

export class ReleaseStore {
  constructor(
    private readonly c: ClusterConnection,
    readonly namespace: string,
  ) {}

  private async read(): Promise<V1ConfigMap | undefined> {
    try {
      return await this.c.core.readNamespacedConfigMap({
        name: RELEASES_CONFIGMAP,
        namespace: this.namespace,
      });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new Error(`cannot read ConfigMap ${RELEASES_CONFIGMAP}: ${errorText(err)}`);
    }
  }

  private async write(key: string, value: string | null): Promise<void> {
    const existing = await this.read();
    if (!existing) {
      if (value === null) return;
      await this.ensureNamespace();
      await this.c.core.createNamespacedConfigMap({
        namespace: this.namespace,
        body: {
          metadata: {
            name: RELEASES_CONFIGMAP,
            labels: {
              'app.kubernetes.io/part-of': 'lakehouse',
              'app.kubernetes.io/managed-by': 'lakehouse',
            },
          },
          data: { [key]: value },
        },
      });
      return;
    }
    const data = { ...(existing.data ?? {}) };
    if (value === null) delete data[key];
    else data[key] = value;
    // Replace with the resourceVersion read: a concurrent writer makes this fail (409), not lose data.
    await this.c.core.replaceNamespacedConfigMap({
      name: RELEASES_CONFIGMAP,
      namespace: this.namespace,
      body: { ...existing, data },
    });
  }

  private async ensureNamespace(): Promise<void> {
    try {
      await this.c.core.createNamespace({ body: { metadata: { name: this.namespace } } });
    } catch (err) {
      if (statusOf(err) !== 409)
        throw new Error(`cannot create namespace ${this.namespace}: ${errorText(err)}`);
    }
  }

  async history(component: Component): Promise<Release[]> {
    const text = (await this.read())?.data?.[component];
    return text ? (JSON.parse(text) as Release[]) : [];
  }

  async allHistories(): Promise<Record<Component, Release[]>> {
    const data = (await this.read())?.data ?? {};
    const out = {} as Record<Component, Release[]>;
    for (const c of COMPONENTS) out[c] = data[c] ? (JSON.parse(data[c]) as Release[]) : [];
    return out;
  }

  async writeHistory(component: Component, history: readonly Release[]): Promise<void> {
    await this.write(component, JSON.stringify(history));
  }

  async paused(): Promise<Component[]> {
    const text = (await this.read())?.data?.[PAUSED_KEY];
    return text ? (JSON.parse(text) as string[]).filter(isComponent) : [];
  }

  async writePaused(components: readonly Component[]): Promise<void> {
    await this.write(PAUSED_KEY, components.length ? JSON.stringify(components) : null);
  }

  /** A value kept beside the histories (the rotation journal). */
  async getKey(key: string): Promise<string | undefined> {
    return (await this.read())?.data?.[key];
  }

  async setKey(key: string, value: string | null): Promise<void> {
    await this.write(key, value);
  }
}
