/**
 * The Kubernetes target's evidence for `diagnose`: the platform namespace's pods (container
 * states, last terminations, the previous run's log of crashed containers), its claims, Services
 * with their EndpointSlices, Warning events, and the ArgoCD Applications that deploy into it.
 * Read-only (get, list and pod logs), and it works with things missing: an API server that does
 * not answer, no namespace, no ArgoCD, objects the user may not read.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type {
  ApplicationEvidence,
  ClusterEvidence,
  DiagnoseTarget,
  Evidence,
  PodEvidence,
} from '../../../ops/diagnose/index.js';
import { COMPONENTS, isComponent, isEnabled, type ObservedRotation } from '../../../ops/index.js';
import { UserError } from '../../../lib/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { errorText, statusOf, type ClusterConnection } from '../cluster/index.js';
import {
  applicationEvidence,
  claimEvidence,
  eventEvidence,
  podEvidence,
  serviceEvidence,
} from './observe.js';

/** Lines of a crashed container's previous log that are read (the rules quote the last few). */
export const LOG_TAIL_LINES = 40;
/** At most this many logs are read in one sweep, the first problems first. */
export const MAX_LOGS = 12;
/** A log the kubelet does not hand over within this long is given up on. */
export const LOG_TIMEOUT_MS = 5_000;

/** ArgoCD's Application CRD. */
const APPLICATIONS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };

/** Other names the CLI accepts for a component, as the local target does. */
const ALIASES: Readonly<Record<string, string>> = {
  catalog: 'iceberg-catalog',
  iceberg_catalog: 'iceberg-catalog',
};

export interface KubernetesDiagnoseOptions {
  connection: ClusterConnection;
  /** The platform's namespace (`global.namespace`). */
  namespace: string;
  env: string;
  values: LakehouseValues;
  /** Where ArgoCD reads its Applications; default `argocd`. */
  argocdNamespace?: string;
  /** The credential rotation that has not ended (the secrets target's journal), if any. */
  unfinishedRotation?: () => Promise<ObservedRotation | null>;
}

/** A container whose earlier run's log says why it failed, and which run that is. */
interface LogWanted {
  pod: PodEvidence;
  container: PodEvidence['containers'][number];
  previous: boolean;
}

function logsWanted(pods: PodEvidence[]): LogWanted[] {
  const out: LogWanted[] = [];
  for (const pod of pods) {
    if (pod.deleting) continue;
    for (const container of pod.containers) {
      const crashed =
        container.restarts > 0 &&
        container.lastTermination !== undefined &&
        (container.state !== 'running' ||
          container.lastTermination.reason === 'OOMKilled' ||
          container.lastTermination.exitCode === 137);
      if (crashed) out.push({ pod, container, previous: true });
      else if (pod.phase === 'Failed' && container.state === 'terminated') {
        out.push({ pod, container, previous: false });
      }
    }
  }
  return out.slice(0, MAX_LOGS);
}

export class KubernetesDiagnoseTarget implements DiagnoseTarget {
  private readonly argocdNamespace: string;

  constructor(private readonly opts: KubernetesDiagnoseOptions) {
    this.argocdNamespace = opts.argocdNamespace ?? 'argocd';
  }

  async collectEvidence(component?: string): Promise<Evidence> {
    const { namespace, values } = this.opts;
    const scope = component === undefined ? undefined : (ALIASES[component] ?? component);
    const cluster: ClusterEvidence = {
      server: this.opts.connection.server,
      context: this.opts.connection.context,
      namespace,
      namespaceExists: false,
      argocd: { namespace: this.argocdNamespace, installed: false },
      expectedComponents: COMPONENTS.filter((c) => isEnabled(c, values)),
      unreadable: [],
    };
    const evidence: Evidence = {
      at: Date.now(),
      env: this.opts.env,
      platformRunning: false,
      ...(scope !== undefined ? { scope } : {}),
      processes: [],
      ports: [],
      disks: [],
      installs: [],
      installFailures: [],
      probes: {},
      settings: {
        'trino.coordinator.heap': values.trino.coordinator.heap,
        'trino.workers.heap': values.trino.workers.heap,
        'trino.workers.count': String(values.trino.workers.count),
      },
      cluster,
    };

    await this.readNamespace(cluster);
    if (cluster.unreachable !== undefined) return evidence;
    evidence.platformRunning = true;
    if (cluster.namespaceExists && this.opts.unfinishedRotation) {
      const rotation = await this.opts.unfinishedRotation().catch(() => null);
      if (rotation) evidence.rotation = rotation;
    }
    if (!cluster.namespaceExists) {
      if (scope !== undefined && !isComponent(scope))
        throw unknownScope(component ?? scope, namespace);
      return evidence;
    }

    const { pods, observed } = await this.readNamespaceObjects(cluster);
    if (
      scope !== undefined &&
      !isComponent(scope) &&
      !observed.pods.some((p) => p.name === scope)
    ) {
      throw unknownScope(component ?? scope, namespace);
    }
    const inScope = (p: PodEvidence): boolean =>
      scope === undefined || p.component === scope || p.name === scope;
    await this.readLogs(logsWanted(observed.pods.filter(inScope)));
    evidence.at = Date.now();
    return {
      ...evidence,
      pods: observed.pods,
      claims: observed.claims,
      services: observed.services.map((s) => serviceEvidence(s.svc, s.slices, pods)),
      applications: observed.applications,
      events: observed.events,
    };
  }

  /** Whether the API server answers and the namespace exists. */
  private async readNamespace(cluster: ClusterEvidence): Promise<void> {
    try {
      await this.opts.connection.core.readNamespace({ name: cluster.namespace });
      cluster.namespaceExists = true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return;
      if (status === undefined) {
        cluster.unreachable = errorText(err);
        return;
      }
      // Forbidden to read the namespace object is not proof it is absent: read what is inside.
      cluster.namespaceExists = true;
      cluster.unreadable.push(`namespace ${cluster.namespace}: ${errorText(err)}`);
    }
  }

  private async readNamespaceObjects(cluster: ClusterEvidence) {
    const c = this.opts.connection;
    const namespace = cluster.namespace;
    const read = async <T>(what: string, fetch: () => Promise<T>, none: T): Promise<T> => {
      try {
        return await fetch();
      } catch (err) {
        cluster.unreadable.push(`${what} in ${namespace}: ${errorText(err)}`);
        return none;
      }
    };
    const [pods, claims, services, slices, events, applications] = await Promise.all([
      read(
        'pods',
        async () => (await c.core.listNamespacedPod({ namespace })).items,
        [] as V1Pod[],
      ),
      read(
        'persistentvolumeclaims',
        async () => (await c.core.listNamespacedPersistentVolumeClaim({ namespace })).items,
        [],
      ),
      read('services', async () => (await c.core.listNamespacedService({ namespace })).items, []),
      read(
        'endpointslices',
        async () => (await c.discovery.listNamespacedEndpointSlice({ namespace })).items,
        [],
      ),
      read(
        'events',
        async () =>
          (await c.core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning' })).items,
        [],
      ),
      this.readApplications(cluster),
    ]);
    return {
      pods,
      observed: {
        pods: pods.map((p) => podEvidence(p, this.opts.values)),
        claims: claims.map(claimEvidence),
        services: services.map((svc) => ({ svc, slices })),
        applications,
        events: eventEvidence(events),
      },
    };
  }

  /**
   * The Applications in ArgoCD's namespace that deploy into the platform's namespace. No
   * Application CRD (404): ArgoCD is not installed, which is no error.
   */
  private async readApplications(cluster: ClusterEvidence): Promise<ApplicationEvidence[]> {
    try {
      const list = (await this.opts.connection.custom.listNamespacedCustomObject({
        ...APPLICATIONS,
        namespace: this.argocdNamespace,
      })) as { items?: unknown[] };
      cluster.argocd.installed = true;
      return (list.items ?? [])
        .map(applicationEvidence)
        .filter((a) => a.destination === cluster.namespace)
        .map((a) => a.evidence);
    } catch (err) {
      if (statusOf(err) !== 404) {
        cluster.argocd.installed = true;
        cluster.unreadable.push(
          `ArgoCD Applications in ${this.argocdNamespace}: ${errorText(err)}`,
        );
      }
      return [];
    }
  }

  /** Reads each wanted log into its container's evidence; a log that cannot be read says why. */
  private async readLogs(wanted: LogWanted[]): Promise<void> {
    const core = this.opts.connection.core;
    await Promise.all(
      wanted.map(async ({ pod, container, previous }) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${LOG_TIMEOUT_MS / 1000} s`)),
            LOG_TIMEOUT_MS,
          );
        });
        try {
          const text = await Promise.race([
            core.readNamespacedPodLog({
              name: pod.name,
              namespace: pod.namespace,
              container: container.name,
              previous,
              tailLines: LOG_TAIL_LINES,
            }),
            timeout,
          ]);
          container.logTail = text === '' ? [] : text.replace(/\n$/, '').split('\n');
        } catch (err) {
          container.logError = errorText(err);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}

function unknownScope(name: string, namespace: string): UserError {
  return new UserError(
    `unknown component or pod "${name}"`,
    `components: ${COMPONENTS.join(', ')} (or catalog), or the name of a pod in ${namespace}`,
  );
}
