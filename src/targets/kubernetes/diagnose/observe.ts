/**
 * The API's objects as `diagnose` evidence: pure functions from pods, claims, Services with their
 * EndpointSlices, events and ArgoCD Applications to the plain observations the rules judge.
 */
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1EndpointSlice,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import type {
  ApplicationEvidence,
  ClaimEvidence,
  ContainerEvidence,
  EventEvidence,
  PodEvidence,
  ResourceAmounts,
  ServiceEvidence,
} from '../../../ops/diagnose/index.js';
import type { LakehouseValues } from '../../../platform/config/index.js';
import { imageTagKeyOf, resourcesKeyOf } from './values-keys.js';

/** The label every chart puts on a release's objects: its value is the component. */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
/** A workload's part inside its release: coordinator, worker, database, api-server, … */
export const ROLE_LABEL = 'app.kubernetes.io/component';

const iso = (d: Date | undefined): string | undefined =>
  d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;

function amounts(map: Record<string, string> | undefined): ResourceAmounts {
  const out: ResourceAmounts = {};
  if (map?.['cpu'] !== undefined) out.cpu = String(map['cpu']);
  if (map?.['memory'] !== undefined) out.memory = String(map['memory']);
  return out;
}

function container(
  values: LakehouseValues,
  spec: V1Container,
  status: V1ContainerStatus | undefined,
  init: boolean,
): ContainerEvidence {
  const image = spec.image ?? status?.image ?? '';
  const imageKey = imageTagKeyOf(values, image);
  const s = status?.state;
  const out: ContainerEvidence = {
    name: spec.name,
    init,
    image,
    ...(imageKey ? { imageKey } : {}),
    ready: status?.ready ?? false,
    restarts: status?.restartCount ?? 0,
    state: s?.running
      ? 'running'
      : s?.waiting
        ? 'waiting'
        : s?.terminated
          ? 'terminated'
          : 'unknown',
    requests: amounts(spec.resources?.requests),
    limits: amounts(spec.resources?.limits),
  };
  const reason = s?.waiting?.reason ?? s?.terminated?.reason;
  const message = s?.waiting?.message ?? s?.terminated?.message;
  if (reason) out.reason = reason;
  if (message) out.message = message.trim();
  if (s?.terminated) out.exitCode = s.terminated.exitCode;
  const last = status?.lastState?.terminated;
  if (last) {
    const finishedAt = iso(last.finishedAt);
    out.lastTermination = {
      exitCode: last.exitCode,
      ...(last.reason ? { reason: last.reason } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      ...(last.message ? { message: last.message.trim() } : {}),
    };
  }
  return out;
}

/**
 * The Deployment (through its ReplicaSet, whose name is the Deployment's plus the pod template
 * hash), StatefulSet, DaemonSet or Job that made a pod.
 */
function ownerOf(pod: V1Pod): string | undefined {
  const ref =
    pod.metadata?.ownerReferences?.find((r) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!ref) return undefined;
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
    return `Deployment/${ref.name.slice(0, -hash.length - 1)}`;
  }
  return `${ref.kind}/${ref.name}`;
}

export function podEvidence(pod: V1Pod, values: LakehouseValues): PodEvidence {
  const meta = pod.metadata ?? {};
  const labels = meta.labels ?? {};
  const component = labels[INSTANCE_LABEL] ?? '';
  const role = labels[ROLE_LABEL];
  const resourcesKey = resourcesKeyOf(component, role);
  const owner = ownerOf(pod);
  const status = pod.status ?? {};
  const spec = pod.spec;
  const statusOf = (list: V1ContainerStatus[] | undefined, name: string) =>
    list?.find((s) => s.name === name);
  const containers = [
    ...(spec?.initContainers ?? []).map((c) =>
      container(values, c, statusOf(status.initContainerStatuses, c.name), true),
    ),
    ...(spec?.containers ?? []).map((c) =>
      container(values, c, statusOf(status.containerStatuses, c.name), false),
    ),
  ];
  const scheduled = status.conditions?.find((c) => c.type === 'PodScheduled');
  const ready = status.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const out: PodEvidence = {
    name: meta.name ?? '?',
    namespace: meta.namespace ?? '',
    component,
    ...(role ? { role } : {}),
    ...(owner ? { owner } : {}),
    ...(resourcesKey ? { resourcesKey } : {}),
    phase: status.phase ?? 'Unknown',
    ready,
    ...(spec?.nodeName ? { nodeName: spec.nodeName } : {}),
    createdAt: meta.creationTimestamp?.getTime() ?? Date.now(),
    deleting: meta.deletionTimestamp !== undefined,
    claims: (spec?.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
    ),
    imagePullSecrets: (spec?.imagePullSecrets ?? []).flatMap((s) => (s.name ? [s.name] : [])),
    containers,
  };
  if (status.reason) out.reason = status.reason;
  if (status.message) out.message = status.message;
  if (scheduled?.status === 'False') {
    out.unschedulable = {
      reason: scheduled.reason ?? 'Unschedulable',
      message: (scheduled.message ?? '').trim(),
    };
  }
  return out;
}

export function claimEvidence(pvc: V1PersistentVolumeClaim): ClaimEvidence {
  const requested = pvc.spec?.resources?.requests?.['storage'];
  return {
    name: pvc.metadata?.name ?? '?',
    component: pvc.metadata?.labels?.[INSTANCE_LABEL] ?? '',
    phase: pvc.status?.phase ?? 'Pending',
    ...(pvc.spec?.storageClassName ? { storageClass: pvc.spec.storageClassName } : {}),
    ...(requested ? { requested: String(requested) } : {}),
  };
}

/** Whether `labels` carry every key=value of `selector` (a Service's selector is equality only). */
const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * A Service with the endpoints of its EndpointSlices (label `kubernetes.io/service-name`). An
 * endpoint with no `ready` condition counts as ready, as the API documents; one pod listed in two
 * slices (IPv4 and IPv6) counts once.
 */
export function serviceEvidence(
  svc: V1Service,
  slices: V1EndpointSlice[],
  pods: V1Pod[],
): ServiceEvidence {
  const name = svc.metadata?.name ?? '?';
  const selector = svc.spec?.selector;
  const ready = new Set<string>();
  const notReady = new Set<string>();
  for (const slice of slices) {
    if (slice.metadata?.labels?.['kubernetes.io/service-name'] !== name) continue;
    for (const e of slice.endpoints ?? []) {
      const key = e.targetRef?.uid ?? e.targetRef?.name ?? e.addresses.join(',');
      (e.conditions?.ready === false ? notReady : ready).add(key);
    }
  }
  for (const key of ready) notReady.delete(key);
  const hasSelector = selector !== undefined && Object.keys(selector).length > 0;
  return {
    name,
    component: svc.metadata?.labels?.[INSTANCE_LABEL] ?? '',
    type: svc.spec?.type ?? 'ClusterIP',
    ...(hasSelector
      ? {
          selector: Object.entries(selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        }
      : {}),
    ports: (svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`),
    readyEndpoints: ready.size,
    notReadyEndpoints: notReady.size,
    matchingPods: hasSelector
      ? pods
          .filter((p) => p.metadata?.deletionTimestamp === undefined)
          .filter((p) => selects(selector, p.metadata?.labels))
          .map((p) => p.metadata?.name ?? '?')
      : [],
  };
}

/** When an event was last seen: its series, its last timestamp, or its event time. */
function lastSeen(e: CoreV1Event): number | undefined {
  const t =
    e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  const ms = t === undefined ? NaN : new Date(t).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The namespace's Warning events, oldest first. */
export function eventEvidence(events: CoreV1Event[]): EventEvidence[] {
  return events
    .filter((e) => e.type === 'Warning')
    .map((e) => {
      const seen = lastSeen(e);
      return {
        kind: e.involvedObject.kind ?? '',
        name: e.involvedObject.name ?? '',
        reason: e.reason ?? '',
        message: (e.message ?? '').trim(),
        count: e.series?.count ?? e.count ?? 1,
        ...(seen !== undefined ? { lastSeen: seen } : {}),
      };
    })
    .sort((a, b) => (a.lastSeen ?? 0) - (b.lastSeen ?? 0));
}

// --- ArgoCD Applications (argoproj.io/v1alpha1), read as untyped JSON --------------------------

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `syncPolicy.automated` is on when present, unless its `enabled` (ArgoCD 3) says false. */
function isAutomated(automated: unknown): boolean {
  return automated !== undefined && automated !== null && obj(automated)['enabled'] !== false;
}

/** An Application, and the namespace it deploys into (to keep only the platform's). */
export function applicationEvidence(app: unknown): {
  destination: string | undefined;
  evidence: ApplicationEvidence;
} {
  const a = obj(app);
  const meta = obj(a['metadata']);
  const spec = obj(a['spec']);
  const status = obj(a['status']);
  const sync = obj(status['sync']);
  const health = obj(status['health']);
  const op = obj(status['operationState']);
  const name = str(meta['name']) ?? '?';
  const labels = obj(meta['labels']);
  const resources = arr(status['resources'])
    .map(obj)
    .map((r) => {
      const h = obj(r['health']);
      return {
        kind: str(r['kind']) ?? '?',
        name: str(r['name']) ?? '?',
        ...(str(r['namespace']) ? { namespace: str(r['namespace']) } : {}),
        ...(str(r['status']) ? { sync: str(r['status']) } : {}),
        ...(str(h['status']) ? { health: str(h['status']) } : {}),
        ...(str(h['message']) ? { message: str(h['message']) } : {}),
      };
    })
    .filter(
      (r) => (r.sync !== undefined && r.sync !== 'Synced') || (r.health ?? 'Healthy') !== 'Healthy',
    );
  const evidence: ApplicationEvidence = {
    name,
    namespace: str(meta['namespace']) ?? '',
    component: str(labels['app.kubernetes.io/component']) ?? name,
    sync: str(sync['status']) ?? 'Unknown',
    health: str(health['status']) ?? 'Unknown',
    automated: isAutomated(obj(spec['syncPolicy'])['automated']),
    resources,
    conditions: arr(status['conditions'])
      .map(obj)
      .map((c) => ({ type: str(c['type']) ?? '?', message: str(c['message']) ?? '' })),
  };
  const healthMessage = str(health['message']);
  if (healthMessage) evidence.healthMessage = healthMessage;
  const revision = str(sync['revision']);
  if (revision) evidence.revision = revision;
  const phase = str(op['phase']);
  if (phase) {
    const message = str(op['message']);
    const finishedAt = str(op['finishedAt']);
    evidence.operation = {
      phase,
      ...(message ? { message } : {}),
      ...(finishedAt ? { finishedAt } : {}),
    };
  }
  return { destination: str(obj(spec['destination'])['namespace']), evidence };
}
